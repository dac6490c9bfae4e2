import { checkInputs, toApprovalInputs } from "../../provider/approval/inputs";
import { UNKNOWN, containsUnknown, endpointUrlProblem, normaliseEndpointIds } from "../../provider/core/inputs";

const valid = { clusterId: "c1", endpointIds: ["e2", "e1", "e2"] };

function reasons(news: Record<string, unknown>): string[] {
  return checkInputs(news).failures.map((f) => `${f.property}: ${f.reason}`);
}

describe("checkInputs", () => {
  it("takes domainIds instead of, or with, endpointIds (an empty endpoint list is then fine)", () => {
    const acct = "0123456789ABCDEF0123456789abcdef";
    expect(checkInputs({ clusterId: "c", domainIds: [acct, acct] })).toMatchObject({ failures: [], inputs: { endpointIds: [], domainIds: [acct] } });
    expect(checkInputs({ clusterId: "c", domainIds: [acct], endpointIds: [] }).failures).toEqual([]);
    expect(checkInputs({ clusterId: "c", domainIds: UNKNOWN, endpointIds: UNKNOWN }).failures).toEqual([]);
    expect(toApprovalInputs({ clusterId: "c", domainIds: [acct] })).toMatchObject({ endpointIds: [], domainIds: [acct] });
  });

  it("applies defaults and normalises the endpoint set", () => {
    const { inputs, failures } = checkInputs(valid);
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({ clusterId: "c1", endpointIds: ["e1", "e2"], action: "receive", rejectOnDelete: true, timeoutSeconds: 600 });
  });

  it.each([
    [{ endpointIds: ["e1"] }, "clusterId: clusterId is required: the ID of the CSS cluster whose VPC endpoint service the endpoints connect to"],
    [{ clusterId: "", endpointIds: ["e1"] }, "clusterId: clusterId is required: the ID of the CSS cluster whose VPC endpoint service the endpoints connect to"],
    [{ clusterId: "   ", endpointIds: ["e1"] }, "clusterId: clusterId must not be blank"],
    [{ clusterId: 5, endpointIds: ["e1"] }, "clusterId: clusterId must be a string, got number"],
    [{ clusterId: "c" }, "endpointIds: endpointIds or domainIds is required: a non-empty list of VPC endpoint IDs, or of the accounts whose endpoints to approve"],
    [{ clusterId: "c", endpointIds: "ep-1" }, 'endpointIds: endpointIds must be a list of VPC endpoint IDs, got the string "ep-1": write ["ep-1"]'],
    [{ clusterId: "..", endpointIds: ["e1"] }, 'clusterId: clusterId must be a CSS cluster ID (letters, digits, "-", "_" and "."), got ".."'],
    [{ clusterId: "a/b", endpointIds: ["e1"] }, 'clusterId: clusterId must be a CSS cluster ID (letters, digits, "-", "_" and "."), got "a/b"'],
    [{ clusterId: "c?x=1", endpointIds: ["e1"] }, 'clusterId: clusterId must be a CSS cluster ID (letters, digits, "-", "_" and "."), got "c?x=1"'],
    [{ clusterId: "c", endpointIds: [] }, "endpointIds: endpointIds must contain at least one VPC endpoint ID"],
    [{ clusterId: "c", domainIds: [] }, "domainIds: domainIds must contain at least one account (domain) ID"],
    [{ clusterId: "c", domainIds: ["acct-1"] }, 'domainIds[0]: domainIds[0]: an account (domain) ID is 32 hexadecimal characters, got "acct-1"'],
    [{ clusterId: "c", domainIds: "0123456789abcdef0123456789abcdef" }, 'domainIds: domainIds must be a list of account (domain) IDs, got the string "0123456789abcdef0123456789abcdef": write ["0123456789abcdef0123456789abcdef"]'],
    [{ clusterId: "c", endpointIds: ["e1", 3] }, "endpointIds[1]: endpointIds[1] must be a string, got number"],
    [{ clusterId: "c", endpointIds: [null] }, "endpointIds[0]: endpointIds[0] must be a string, got null"],
    [{ clusterId: "c", endpointIds: [""] }, "endpointIds[0]: endpointIds[0] must not be empty"],
    [{ ...valid, action: "accept" }, 'action: action must be "receive" or "reject", got "accept"'],
    [{ ...valid, rejectOnDelete: "yes" }, 'rejectOnDelete: rejectOnDelete must be true or false, got "yes"'],
    [{ ...valid, timeoutSeconds: 0 }, "timeoutSeconds: timeoutSeconds must be a positive number of seconds, got 0"],
    [{ ...valid, timeoutSeconds: -5 }, "timeoutSeconds: timeoutSeconds must be a positive number of seconds, got -5"],
    [{ ...valid, timeoutSeconds: "10" }, 'timeoutSeconds: timeoutSeconds must be a positive number of seconds, got "10"'],
    [{ ...valid, region: "Europe/Berlin" }, 'region: region must be a region name such as "eu-de" or "cn-north-4", got "Europe/Berlin"'],
    [{ ...valid, cloud: "aws" }, 'cloud: cloud must be "otc" or "huaweicloud", got "aws"'],
    [{ ...valid, endpoint: "css.example.com" }, 'endpoint: endpoint must be an absolute URL such as https://css.eu-de.otc.t-systems.com, got "css.example.com"'],
    [{ ...valid, endpoint: "http://css.example.com" }, "endpoint: endpoint must use https:// (plain http:// is accepted only for a loopback emulator)"],
    [{ ...valid, endpoint: "https://u:p@css.example.com" }, "endpoint: endpoint must not contain credentials"],
    [{ ...valid, projectId: "" }, 'projectId: projectId must be a non-empty string when set, got ""'],
  ])("rejects %j", (news, expected) => {
    expect(reasons(news)).toContain(expected);
  });

  it("accepts loopback http endpoints and strips a trailing slash", () => {
    const { inputs, failures } = checkInputs({ ...valid, endpoint: "http://127.0.0.1:8080/" });
    expect(failures).toEqual([]);
    expect(inputs.endpoint).toBe("http://127.0.0.1:8080");
    expect(endpointUrlProblem("http://localhost:1")).toBeUndefined();
    expect(endpointUrlProblem("http://[::1]:1")).toBeUndefined();
    expect(endpointUrlProblem("ftp://x")).toMatch(/https/);
  });

  it("never fails on unknown values during preview", () => {
    for (const key of ["clusterId", "endpointIds", "action", "rejectOnDelete", "timeoutSeconds", "region", "projectId", "cloud", "endpoint"]) {
      expect(checkInputs({ ...valid, [key]: UNKNOWN }).failures).toEqual([]);
    }
    const partial = checkInputs({ clusterId: "c", endpointIds: ["e1", UNKNOWN] });
    expect(partial.failures).toEqual([]);
    expect(partial.inputs.endpointIds).toEqual(["e1", UNKNOWN]);
  });

  it("detects unknowns nested anywhere", () => {
    expect(containsUnknown({ a: [1, { b: UNKNOWN }] })).toBe(true);
    expect(containsUnknown({ a: [1, { b: "x" }] })).toBe(false);
  });

  it("normalises sets: trims, sorts, de-duplicates", () => {
    expect(normaliseEndpointIds(["b", " a", "b", "a "])).toEqual(["a", "b"]);
  });
});

describe("toApprovalInputs", () => {
  it("reads state written without defaults (older provider code)", () => {
    expect(toApprovalInputs({ clusterId: "c", endpointIds: ["b", "a"] })).toEqual({
      clusterId: "c",
      endpointIds: ["a", "b"],
      action: "receive",
      rejectOnDelete: true,
      timeoutSeconds: 600,
    });
  });
  it("throws on invalid or unknown inputs", () => {
    expect(() => toApprovalInputs({ clusterId: "c", endpointIds: [] })).toThrow(/at least one/);
    expect(() => toApprovalInputs({ clusterId: UNKNOWN, endpointIds: ["e"] })).toThrow(/unknown/);
  });
});
