/** Retries, deadlines, API drift, paging, authentication and concurrency against the emulator. */
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApprovalProvider, isCssApiError } from "../../provider";
import type { CssApiError } from "../../provider";
import {
  ACCESS_KEY,
  CONNECTIONS_GET,
  CONNECTIONS_POST,
  SECRET_KEY,
  akskEnv,
  createVia,
  endpointIds,
  setEnv,
  startEmulator,
  statuses,
  updateVia,
} from "../helpers/harness";
import { captureStderr } from "../reliability/support";

let emu: CssEmulator;
let restore: () => void;

beforeAll(async () => {
  emu = await startEmulator();
  restore = setEnv(akskEnv(emu));
});
afterAll(async () => {
  restore();
  await emu.stop();
});

let cluster = 0;
/** A fresh cluster per test, seeded with pending endpoints. */
function freshCluster(endpoints: string[] = ["ep-a", "ep-b"]): string {
  const id = `c-res-${++cluster}`;
  emu.addCluster(id, { endpoints });
  emu.clearRequests();
  return id;
}

const provider = () => new VpcepConnectionApprovalProvider();

describe("retries and deadlines", () => {
  it("rides out a burst of 409s within the deadline", async () => {
    const c = freshCluster();
    emu.failNext(3, { status: 409, code: "CSS.0029", message: "busy", match: { method: "POST" } });
    await createVia(provider(), { clusterId: c, endpointIds: ["ep-a", "ep-b"], endpoint: emu.url, timeoutSeconds: 30 });
    expect(statuses(emu, c)).toEqual({ "ep-a": "accepted", "ep-b": "accepted" });
    expect(emu.count({ ...CONNECTIONS_POST, status: 409 })).toBe(3);
    expect(emu.count({ ...CONNECTIONS_POST, status: 200 })).toBe(1);
  });

  it("logs the busy window of the lane's own previous change at info, and a 409 it did not cause as a warning", async () => {
    const stderr = captureStderr();
    emu.configure({ busyMs: 400 });
    try {
      const c = freshCluster(["ep-a", "ep-b"]);
      // A 409 before this lane changed anything: not ours, worth a warning.
      emu.failNext(1, { status: 409, code: "CSS.0029", message: "busy", match: { method: "POST" } });
      const first = await createVia(provider(), { clusterId: c, endpointIds: ["ep-a"], endpoint: emu.url, timeoutSeconds: 30 });
      // The next change right after ours meets the window our accept opened: expected, info.
      await updateVia(provider(), first.id, first.outs, { clusterId: c, endpointIds: ["ep-a", "ep-b"], endpoint: emu.url, timeoutSeconds: 30 });
      expect(statuses(emu, c)).toEqual({ "ep-a": "accepted", "ep-b": "accepted" });
      const retries = stderr.lines.filter((l) => l.includes("retrying"));
      expect(retries.filter((l) => l.includes("warning:"))).toHaveLength(1);
      expect(retries.filter((l) => l.includes("info:")).length).toBeGreaterThanOrEqual(1);
      expect(retries.find((l) => l.includes("warning:"))).toMatch(/attempt 1 failed: HTTP 409 CSS\.0029/);
    } finally {
      emu.configure({ busyMs: 0 });
      stderr.stop();
    }
  });

  it("honours Retry-After on 429", async () => {
    const c = freshCluster();
    emu.failNext(1, { status: 429, retryAfter: "1", match: { method: "POST" } });
    const started = Date.now();
    await createVia(provider(), { clusterId: c, endpointIds: ["ep-a"], endpoint: emu.url, timeoutSeconds: 30 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emu.count({ ...CONNECTIONS_POST, status: 429 })).toBe(1);
  });

  it("fails with a clear error naming the cluster and the last status when 409s outlast the deadline", async () => {
    const c = freshCluster();
    emu.failNext(10_000, { status: 409, code: "CSS.0029", message: "Another operation is in progress", match: { method: "POST" } });
    try {
      const started = Date.now();
      const err = await createVia(provider(), { clusterId: c, endpointIds: ["ep-a"], endpoint: emu.url, timeoutSeconds: 2 }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(isCssApiError(err)).toBe(true);
      expect((err as Error).message).toContain(`cluster ${c}`);
      expect((err as Error).message).toMatch(/gave up after \d+ attempts.*deadline of 2s.*HTTP 409 CSS.0029/);
    } finally {
      emu.clearFaults();
    }
  });

  it("fails with the endpoints' last status when the POST succeeds but nothing changes", async () => {
    const c = freshCluster();
    emu.configure({ freezeStatuses: true });
    try {
      const err = await createVia(provider(), { clusterId: c, endpointIds: ["ep-a"], endpoint: emu.url, timeoutSeconds: 1 }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(new RegExp(`timed out after \\d+s \\(timeoutSeconds=1\\) waiting on CSS cluster ${c}: ep-a is "pendingAcceptance" \\(want "accepted"\\)`));
    } finally {
      emu.configure({ freezeStatuses: false });
    }
  });

  it("does not retry a 412, and says what to check", async () => {
    const c = freshCluster();
    emu.setClusterAvailable(c, false);
    const err = (await createVia(provider(), { clusterId: c, endpointIds: ["ep-a"], endpoint: emu.url }).catch((e: unknown) => e)) as CssApiError;
    expect(err.status).toBe(412);
    expect(err.message).toMatch(/is the VPC endpoint service enabled on the cluster, and is the cluster available/);
    expect(emu.count(CONNECTIONS_POST)).toBe(1);
  });
});

describe("clear errors", () => {
  it("names an endpoint that is not connected to the cluster, and sends nothing", async () => {
    const c = freshCluster();
    const err = await createVia(provider(), { clusterId: c, endpointIds: ["ep-a", "ep-nope"], endpoint: emu.url }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(new RegExp(`VPC endpoint\\(s\\) ep-nope are not connected to CSS cluster ${c}`));
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
  });

  it("explains a disabled VPC endpoint service on create", async () => {
    const c = freshCluster();
    emu.setVpcepEnabled(c, false);
    const err = (await createVia(provider(), { clusterId: c, endpointIds: ["ep-a"], endpoint: emu.url }).catch((e: unknown) => e)) as CssApiError;
    expect(err.code).toBe("CSS.5182");
    expect(err.message).toMatch(/enable the VPC endpoint service/);
  });
});

describe("API drift", () => {
  it("falls back to camelCase once on a camelCase-only server and remembers it", async () => {
    const camel = await startEmulator({ bodyStyle: "camel" });
    const undo = setEnv(akskEnv(camel));
    try {
      camel.addCluster("c-camel", { endpoints: ["ep-1", "ep-2"] });
      await createVia(provider(), { clusterId: "c-camel", endpointIds: ["ep-1"], endpoint: camel.url });
      expect(camel.count({ ...CONNECTIONS_POST, status: 400 })).toBe(1);
      expect(camel.count({ ...CONNECTIONS_POST, status: 200 })).toBe(1);
      await createVia(provider(), { clusterId: "c-camel", endpointIds: ["ep-2"], endpoint: camel.url });
      // Remembered per host: the second create went straight to camelCase.
      expect(camel.count({ ...CONNECTIONS_POST, status: 400 })).toBe(1);
      expect(camel.count({ ...CONNECTIONS_POST, status: 200 })).toBe(2);
      expect(statuses(camel, "c-camel")).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
    } finally {
      undo();
      await camel.stop();
    }
  });

  it("pages through 25 endpoints when the server caps limit at 2", async () => {
    const ids = endpointIds("ep-page", 25);
    const c = freshCluster(ids);
    emu.configure({ maxLimit: 2 });
    try {
      const { outs } = await createVia(provider(), { clusterId: c, endpointIds: ids, endpoint: emu.url });
      expect(outs.connections).toHaveLength(25);
      expect(outs.connections.every((x) => x.status === "accepted")).toBe(true);
      expect(Object.values(statuses(emu, c)).every((s) => s === "accepted")).toBe(true);
      // One listing before and one after the POST, each 13 pages of at most 2.
      expect(emu.count(CONNECTIONS_GET)).toBeGreaterThanOrEqual(26);
    } finally {
      emu.configure({ maxLimit: 1000 });
    }
  });
});

describe("authentication", () => {
  it("renews an expired IAM token mid-run (username/password)", async () => {
    const undo = setEnv({ OS_USERNAME: "emu-user", OS_PASSWORD: "emu-password", OS_DOMAIN_NAME: "emu-domain", OS_PROJECT_ID: emu.projectId });
    try {
      const c = freshCluster(["ep-a", "ep-b"]);
      const p = provider();
      const first = await createVia(p, { clusterId: c, endpointIds: ["ep-a"], endpoint: emu.url });
      const tokenCalls = emu.count({ method: "POST", pathIncludes: "/v3/auth/tokens" });
      expect(tokenCalls).toBeGreaterThanOrEqual(1);
      emu.expireTokens();
      await createVia(p, { clusterId: c, endpointIds: ["ep-b"], endpoint: emu.url });
      expect(emu.count({ method: "POST", pathIncludes: "/v3/auth/tokens" })).toBe(tokenCalls + 1);
      expect(emu.count({ status: 401 })).toBe(1);
      expect(statuses(emu, c)).toEqual({ "ep-a": "accepted", "ep-b": "accepted" });
      expect(first.outs).not.toHaveProperty("password");
    } finally {
      undo();
    }
  });

  it("gives one clear authentication error for a wrong secret key, with no retry storm", async () => {
    const undo = setEnv({ OS_ACCESS_KEY: ACCESS_KEY, OS_SECRET_KEY: "wrong-secret-key-value", OS_PROJECT_ID: emu.projectId });
    try {
      const c = freshCluster();
      const err = (await createVia(provider(), { clusterId: c, endpointIds: ["ep-a"], endpoint: emu.url }).catch((e: unknown) => e)) as CssApiError;
      expect(err.status).toBe(401);
      expect(err.message).toMatch(/check the credentials/);
      expect(err.message).not.toContain("wrong-secret-key-value");
      expect(emu.requests).toHaveLength(1);
    } finally {
      undo();
    }
  });

  it("sends X-Security-Token with temporary keys", async () => {
    const temp = await startEmulator({ keys: [{ accessKey: "TEMPAK000000000001", secretKey: "temp-secret-0001", securityToken: "temp-security-token-0001" }] });
    const undo = setEnv({ HW_ACCESS_KEY: "TEMPAK000000000001", HW_SECRET_KEY: "temp-secret-0001", HW_SECURITY_TOKEN: "temp-security-token-0001", HW_PROJECT_ID: temp.projectId });
    try {
      temp.addCluster("c-temp", { endpoints: ["ep-1"] });
      await createVia(provider(), { clusterId: "c-temp", endpointIds: ["ep-1"], endpoint: temp.url });
      expect(statuses(temp, "c-temp")["ep-1"]).toBe("accepted");
      expect(temp.requests.every((r) => r.auth === "aksk")).toBe(true);
    } finally {
      undo();
      await temp.stop();
    }
  });

  it("uses credentials from stack config (configure) over the environment", async () => {
    const undo = setEnv({ OS_ACCESS_KEY: ACCESS_KEY, OS_SECRET_KEY: "env-secret-is-wrong", OS_PROJECT_ID: "env-project-is-wrong" });
    try {
      const c = freshCluster();
      const p = provider();
      const config: Record<string, string> = { "css-vpcep:secretKey": SECRET_KEY, "css-vpcep:projectId": emu.projectId };
      await p.configure({ config: { get: (k: string) => config[k], require: (k: string) => config[k] } });
      await createVia(p, { clusterId: c, endpointIds: ["ep-a"], endpoint: emu.url });
      expect(statuses(emu, c)["ep-a"]).toBe("accepted");
    } finally {
      undo();
    }
  });
});

describe("concurrency", () => {
  it("converges 20 concurrent creates on one cluster with far fewer POSTs than resources", async () => {
    const ids = endpointIds("ep-con", 20);
    const c = freshCluster(ids);
    emu.configure({ busyMs: 100 });
    try {
      const p = provider();
      const results = await Promise.all(ids.map((id) => createVia(p, { clusterId: c, endpointIds: [id], endpoint: emu.url, timeoutSeconds: 60 })));
      expect(results.every((r) => r.outs.connections[0].status === "accepted")).toBe(true);
      const posts = emu.count(CONNECTIONS_POST);
      expect(posts).toBeLessThanOrEqual(4);
      expect(new Set(results.map((r) => r.id)).size).toBe(20);
    } finally {
      emu.configure({ busyMs: 0 });
    }
  });
});
