/**
 * getVpcepConnections against the emulator over real HTTP: what it reports for an open and a
 * closed service, how it tells a gone cluster from missing access, where its settings come from,
 * and that no credential reaches its errors, its log lines or a provider serialized afterwards.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CssEmulator } from "../../emulator";
import { DEFAULT_USER } from "../../emulator";
import { VpcepConnectionApprovalProvider, getVpcepConnections, isCssApiError } from "../../provider";
import { ACCESS_KEY, SECRET_KEY, akskEnv, setEnv, startEmulator } from "../helpers/harness";

let emu: CssEmulator;
let restore: (() => void) | undefined;
let warnings: string[];
let warnSpy: jest.SpyInstance;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => {
  // Outside a Pulumi engine, pulumi.log.warn writes to console.warn: collect the lookup's warnings.
  warnings = [];
  warnSpy = jest.spyOn(console, "warn").mockImplementation((...a: unknown[]) => void warnings.push(a.map(String).join(" ")));
  emu.clearRequests();
  emu.clearFaults();
});
afterEach(() => {
  restore?.();
  restore = undefined;
  warnSpy.mockRestore();
  pulumi.runtime.setAllConfig({}, []);
  emu.configure({ goneStyle: "css0015", denyClusterList: false, latencyMs: 0 });
});

const GET_CONNECTIONS = { method: "GET", pathIncludes: "/vpcepservice/connections" };

/** The promise's error, failing the test if it resolves. */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the lookup to fail");
}

describe("what it reports", () => {
  it("an open service: service name, sorted whitelist, every connection of both accounts sorted by id, the address", async () => {
    restore = setEnv(akskEnv(emu));
    const id = "c-lookup-open";
    emu.addCluster(id, { whitelist: ["dom-b", "dom-a"] });
    emu.addConnection(id, { id: "ep-3", domainId: "dom-b", status: "pendingAcceptance" });
    emu.addConnection(id, { id: "ep-1", domainId: "dom-a", status: "accepted", vpcepIpv6Address: "fd00::1" });
    emu.addConnection(id, { id: "ep-2", domainId: "dom-a", status: "rejected" });
    const service = emu.serviceState(id);

    const result = await getVpcepConnections({ clusterId: id, endpoint: emu.url });

    expect(result).toMatchObject({ clusterId: id, serviceOpen: true, vpcServiceName: service?.vpcServiceName, whitelist: ["dom-a", "dom-b"] });
    expect(result.connections.map((c) => [c.id, c.status, c.domainId])).toEqual([
      ["ep-1", "accepted", "dom-a"],
      ["ep-2", "rejected", "dom-a"],
      ["ep-3", "pendingAcceptance", "dom-b"],
    ]);
    expect(result.connections[0].vpcepIpv6Address).toBe("fd00::1");
    expect(result.connections[0].vpcepIp).toEqual(expect.any(String));
    expect(result.addresses).toEqual({ vpcepIp: service?.vpcepIp });
    const text = JSON.stringify(result);
    for (const secret of [ACCESS_KEY, SECRET_KEY]) expect(text).not.toContain(secret);
  });

  it("a closed service (CSS.5182): serviceOpen false and empty lists, not an error; no cluster detail is read", async () => {
    restore = setEnv(akskEnv(emu));
    const id = "c-lookup-closed";
    emu.addCluster(id, { whitelist: ["dom-a"], connections: [{ id: "ep-1", domainId: "dom-a" }] });
    emu.setVpcepEnabled(id, false);
    expect(emu.serviceState(id)?.open).toBe(false);

    await expect(getVpcepConnections({ clusterId: id, endpoint: emu.url })).resolves.toEqual({
      clusterId: id,
      serviceOpen: false,
      whitelist: [],
      connections: [],
    });
    expect(emu.findRequests({ clusterId: id }).map((r) => `${r.method} ${r.status} ${r.errCode}`)).toEqual(["GET 400 CSS.5182"]);
  });

  it("an open service without connections or whitelist", async () => {
    restore = setEnv(akskEnv(emu));
    emu.addCluster("c-lookup-empty");
    const result = await getVpcepConnections({ clusterId: "c-lookup-empty", endpoint: emu.url });
    expect(result).toMatchObject({ serviceOpen: true, whitelist: [], connections: [] });
  });

  it("leaves the addresses out, with a warning, when the credentials may not read the cluster detail", async () => {
    restore = setEnv(akskEnv(emu));
    const id = "c-lookup-nodetail";
    emu.addCluster(id, { endpoints: ["ep-1"] });
    // The first GET on the cluster (the listing) goes through; the second (the detail) is refused.
    const match = { method: "GET", pathIncludes: id };
    emu.failNext(1, { delayMs: 1, match });
    emu.failNext(1, { status: 403, code: "CSS.0010", message: "not authorized", match });

    const result = await getVpcepConnections({ clusterId: id, endpoint: emu.url });
    expect(result.connections.map((c) => c.id)).toEqual(["ep-1"]);
    expect(result).not.toHaveProperty("addresses");
    expect(warnings.join("\n")).toMatch(/addresses left out: the credentials may not read the details of cluster c-lookup-nodetail/);
  });

  it("concurrent lookups of one cluster share one listing", async () => {
    restore = setEnv(akskEnv(emu));
    emu.addCluster("c-lookup-shared", { endpoints: ["ep-1"] });
    emu.configure({ latencyMs: 500 });
    const [a, b] = await Promise.all([1, 2].map(() => getVpcepConnections({ clusterId: "c-lookup-shared", endpoint: emu.url })));
    expect(a).toEqual(b);
    expect(emu.count({ ...GET_CONNECTIONS, clusterId: "c-lookup-shared" })).toBe(1);
  });
});

describe("a missing cluster or missing access is a clear error", () => {
  it("CSS.0015 for a cluster the project's cluster list does not have: the cluster does not exist", async () => {
    restore = setEnv(akskEnv(emu));
    emu.addCluster("c-lookup-other");
    const err = await failure(getVpcepConnections({ clusterId: "c-lookup-gone", endpoint: emu.url }));
    expect(isCssApiError(err) && err.kind).toBe("cluster-gone");
    expect(err.message).toMatch(/CSS cluster c-lookup-gone does not exist: CSS answered CSS\.0015 and the project's cluster list does not include it/);
    expect(emu.count({ method: "GET", pathEndsWith: "/clusters" })).toBeGreaterThan(0);
  });

  it("a code that says so (CSS.3027): the cluster does not exist, without asking the cluster list", async () => {
    restore = setEnv(akskEnv(emu));
    emu.configure({ goneStyle: "css3027" });
    const err = await failure(getVpcepConnections({ clusterId: "c-lookup-gone", endpoint: emu.url }));
    expect(isCssApiError(err) && err.kind).toBe("cluster-gone");
    expect(err.message).toMatch(/CSS\.3027.*does not exist/);
    expect(emu.count({ method: "GET", pathEndsWith: "/clusters" })).toBe(0);
  });

  it("CSS.0015 for a cluster the list shows: access denied", async () => {
    restore = setEnv(akskEnv(emu));
    emu.addCluster("c-lookup-denied", { endpoints: ["ep-1"] });
    emu.setAccessDenied("c-lookup-denied", true);
    const err = await failure(getVpcepConnections({ clusterId: "c-lookup-denied", endpoint: emu.url }));
    expect(isCssApiError(err) && err.kind).toBe("forbidden");
    expect(err.message).toMatch(/access denied: cluster c-lookup-denied exists \(the project's cluster list shows it\), but these credentials may not read/);
    expect(err.message).toMatch(/request id/);
  });

  it("CSS.0015 and the cluster list refused too: says it cannot tell which", async () => {
    restore = setEnv(akskEnv(emu));
    emu.addCluster("c-lookup-unsure");
    emu.setAccessDenied("c-lookup-unsure", true);
    emu.configure({ denyClusterList: true });
    const err = await failure(getVpcepConnections({ clusterId: "c-lookup-unsure", endpoint: emu.url }));
    expect(isCssApiError(err) && err.kind).toBe("gone-or-denied");
    expect(err.message).toMatch(/could not be read either.*css:cluster:list/);
  });
});

describe("settings: argument, then stack config, then environment", () => {
  /** A loopback URL nothing listens on: a lookup sent there fails. */
  const DEAD = "http://127.0.0.1:9";

  it("the endpoint argument beats the environment", async () => {
    restore = setEnv({ ...akskEnv(emu), CSS_VPCEP_ENDPOINT: DEAD });
    emu.addCluster("c-lookup-arg");
    await expect(getVpcepConnections({ clusterId: "c-lookup-arg", endpoint: emu.url })).resolves.toMatchObject({ serviceOpen: true });
    await expect(getVpcepConnections({ clusterId: "c-lookup-arg" })).rejects.toMatchObject({ kind: "unreachable" });
  });

  it("stack config (css-vpcep:*) beats the environment, the argument beats stack config; credentials come from config too", async () => {
    restore = setEnv({ CSS_VPCEP_ENDPOINT: DEAD, OS_PROJECT_ID: "env-project-not-used" });
    emu.addCluster("c-lookup-config");
    pulumi.runtime.setAllConfig(
      { "css-vpcep:endpoint": emu.url, "css-vpcep:projectId": emu.projectId, "css-vpcep:accessKey": ACCESS_KEY, "css-vpcep:secretKey": SECRET_KEY },
      ["css-vpcep:accessKey", "css-vpcep:secretKey"],
    );
    await expect(getVpcepConnections({ clusterId: "c-lookup-config" })).resolves.toMatchObject({ serviceOpen: true });
    expect(emu.findRequests({ clusterId: "c-lookup-config" })[0].auth).toBe("aksk");
    await expect(getVpcepConnections({ clusterId: "c-lookup-config", endpoint: DEAD })).rejects.toMatchObject({ kind: "unreachable" });
    // Secret config keys are read without the SDK's "use getSecret" warning.
    expect(warnings).toEqual([]);
  });

  it("refuses plain http to a non-loopback host from the argument, stack config or the environment, before any request", async () => {
    const count = emu.count();
    restore = setEnv({ ...akskEnv(emu), CSS_VPCEP_ENDPOINT: "http://css.example.com" });
    await expect(getVpcepConnections({ clusterId: "c1", endpoint: "http://css.example.com" })).rejects.toThrow(/getVpcepConnections: endpoint must use https:\/\//);
    await expect(getVpcepConnections({ clusterId: "c1" })).rejects.toThrow(/CSS_VPCEP_ENDPOINT: endpoint must use https:\/\//);
    pulumi.runtime.setAllConfig({ "css-vpcep:endpoint": "http://10.0.0.1" }, []);
    await expect(getVpcepConnections({ clusterId: "c1" })).rejects.toThrow(/css-vpcep:endpoint .*must use https:\/\//);
    expect(emu.count()).toBe(count);
  });

  it("bad arguments are listed together; missing settings name where to set them", async () => {
    restore = setEnv({});
    const err = await failure(getVpcepConnections({ clusterId: "../x", region: "Europe", timeoutSeconds: 0 }));
    expect(err.message).toMatch(/^getVpcepConnections: clusterId must be a CSS cluster ID.*; region must be a region name.*; timeoutSeconds must be a positive number/);
    await expect(getVpcepConnections({ clusterId: "c1", region: "eu-de" })).rejects.toThrow(/projectId is not set/);
    await expect(getVpcepConnections({ clusterId: "c1", region: "eu-de", projectId: "p1" })).rejects.toThrow(/no credentials found/);
  });

  it("timeoutSeconds bounds the whole lookup", async () => {
    restore = setEnv(akskEnv(emu));
    emu.addCluster("c-lookup-slow");
    emu.configure({ latencyMs: 2500 });
    const err = await failure(getVpcepConnections({ clusterId: "c-lookup-slow", endpoint: emu.url, timeoutSeconds: 1 }));
    expect(err.message).toMatch(/timed out after 1s \(timeoutSeconds=1\)/);
  });
});

describe("credentials stay out", () => {
  it("of errors and retry warnings, even when the API quotes one back", async () => {
    restore = setEnv(akskEnv(emu));
    emu.addCluster("c-lookup-echo");
    const match = { pathIncludes: "c-lookup-echo" };
    emu.failNext(1, { status: 409, code: "CSS.0029", message: `busy; your key was ${SECRET_KEY}`, match });
    emu.failNext(1, { status: 400, code: "CSS.9998", message: `refused for access key ${ACCESS_KEY} / ${SECRET_KEY}`, match });
    const err = await failure(getVpcepConnections({ clusterId: "c-lookup-echo", endpoint: emu.url }));
    expect(err.message).toMatch(/refused for access key \*\*\* \/ \*\*\*/);
    expect(warnings.join("\n")).toMatch(/retrying .*HTTP 409 CSS\.0029/);
    for (const text of [err.message, err.stack ?? "", JSON.stringify(err), warnings.join("\n")]) {
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain(ACCESS_KEY);
    }
  });

  it("of a provider serialized after lookups (AK/SK, and a password whose token is cached)", async () => {
    emu.addCluster("c-lookup-ser", { endpoints: ["ep-1"] });
    restore = setEnv(akskEnv(emu));
    await getVpcepConnections({ clusterId: "c-lookup-ser", endpoint: emu.url });
    restore();
    restore = setEnv({ OS_USERNAME: DEFAULT_USER.name, OS_PASSWORD: DEFAULT_USER.password, OS_DOMAIN_NAME: DEFAULT_USER.domainName, OS_PROJECT_ID: emu.projectId });
    await getVpcepConnections({ clusterId: "c-lookup-ser", endpoint: emu.url });
    const token = emu.findRequests({ clusterId: "c-lookup-ser", auth: "token" })[0]?.headers["x-auth-token"];
    expect(token).toEqual(expect.any(String));

    const provider = new VpcepConnectionApprovalProvider();
    const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
    for (const secret of [SECRET_KEY, ACCESS_KEY, DEFAULT_USER.password, token as string]) expect(text).not.toContain(secret);
    expect(text).not.toContain("getVpcepConnections");
  });
});
