import { classifyHttp, cssApiError, isCssApiError, classifyNetwork, parseErrorBody, redactSecrets, summariseText } from "../../provider/core/errors";
import { redactLine } from "../../provider/core/log";

describe("classifyHttp", () => {
  it.each([
    [409, undefined, "conflict", true],
    [429, undefined, "throttled", true],
    [502, undefined, "unavailable", true],
    [503, undefined, "unavailable", true],
    [504, undefined, "unavailable", true],
    [500, "CSS.9999", "server", false],
    [400, "CSS.5090", "conflict", true],
    [202, "CSS.0011", "conflict", true],
    [401, "APIG.0301", "auth", false],
    [403, "CSS.0010", "forbidden", false],
    [403, "CSS.0015", "gone-or-denied", false],
    [400, "CSS.0047", "cluster-gone", false],
    [404, "CSS.3027", "cluster-gone", false],
    [400, "CSS.5182", "service-disabled", false],
    [412, undefined, "precondition", false],
    [412, "CSS.0011", "precondition", false],
    [400, "CSS.0001", "parameter", false],
    [400, "CSS.5181", "client", false],
    [404, "CSS.0016", "not-found", false],
  ])("HTTP %s %s is %s (retryable %s)", (status, code, kind, retryable) => {
    expect(classifyHttp(status, code)).toMatchObject({ kind, retryable });
  });

  it("never reads a 404 without a CSS code as the cluster being gone (a wrong URL or a proxy answers it too)", () => {
    expect(classifyHttp(404, undefined)).toMatchObject({ kind: "not-found", retryable: false });
    expect(classifyHttp(404, undefined).hint).toMatch(/endpoint URL/);
  });

  it("explains 412 and auth failures", () => {
    expect(classifyHttp(412, undefined).hint).toMatch(/VPC endpoint service enabled.*cluster available/);
    expect(classifyHttp(401, undefined).hint).toMatch(/clock/);
  });
});

describe("classifyNetwork", () => {
  it("retries resets and timeouts, not refusals or untrusted certificates", () => {
    expect(classifyNetwork("ECONNRESET")).toMatchObject({ kind: "network", retryable: true });
    expect(classifyNetwork("ECONNABORTED")).toMatchObject({ kind: "network", retryable: true });
    expect(classifyNetwork("ECONNREFUSED")).toMatchObject({ kind: "unreachable", retryable: false });
    expect(classifyNetwork("SELF_SIGNED_CERT_IN_CHAIN")).toMatchObject({ kind: "tls", retryable: false });
    expect(classifyNetwork("DEPTH_ZERO_SELF_SIGNED_CERT").hint).toMatch(/NODE_EXTRA_CA_CERTS/);
  });
});

describe("parseErrorBody", () => {
  it("reads all three body shapes", () => {
    expect(parseErrorBody({ errCode: "CSS.0015", externalMessage: "gone" })).toEqual({ code: "CSS.0015", message: "gone", requestId: undefined });
    expect(parseErrorBody({ error_code: "APIG.0301", error_msg: "bad sig", request_id: "r1" })).toEqual({ code: "APIG.0301", message: "bad sig", requestId: "r1" });
    expect(parseErrorBody({ code: "X", message: "m" })).toMatchObject({ code: "X", message: "m" });
    expect(parseErrorBody('{"errCode":"CSS.5182","externalMessage":"off"}')).toMatchObject({ code: "CSS.5182" });
    expect(parseErrorBody({ error: { code: 401, message: "wrong password" } })).toMatchObject({ code: "IAM.401", message: "wrong password" });
  });
  it("summarises HTML and junk", () => {
    expect(parseErrorBody("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")).toEqual({ message: "502 Bad Gateway" });
    expect(parseErrorBody("{not json")).toEqual({ message: "{not json" });
    expect(parseErrorBody("")).toEqual({});
    expect(parseErrorBody(null)).toEqual({});
    expect(summariseText("x".repeat(500)).length).toBeLessThanOrEqual(201);
  });
});

describe("CssApiError", () => {
  it("carries status, code, message and request id in its message", () => {
    const e = cssApiError({ kind: "precondition", status: 412, code: "CSS.0011", message: "not available", requestId: "req-1", method: "POST", path: "/v1.0/p/x", hint: "is it enabled?" });
    expect(e.message).toBe("POST /v1.0/p/x failed (HTTP 412 CSS.0011): not available: is it enabled?; request id req-1");
    expect(e).toMatchObject({ status: 412, code: "CSS.0011", requestId: "req-1", kind: "precondition" });
    expect(isCssApiError(e)).toBe(true);
    expect(isCssApiError(new Error("plain"))).toBe(false);
    expect(isCssApiError({ name: "CssApiError" })).toBe(false);
  });
});

describe("redaction", () => {
  it("removes secret values and auth headers", () => {
    expect(redactSecrets("key=SECRETVALUE here", ["SECRETVALUE"])).toBe("key=*** here");
    expect(redactSecrets("short ab", ["ab"])).toBe("short ab"); // too short to redact safely
    expect(redactLine('Authorization: SDK-HMAC-SHA256 Access=AK, X-Auth-Token: abc.def {"x-security-token":"tok"}', [])).not.toMatch(/SDK-HMAC|abc\.def|tok"/);
  });
});
