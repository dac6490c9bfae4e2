/**
 * The emulator over real HTTP on 127.0.0.1. Requests are signed by a tiny signer written here,
 * independent of both provider/ and emulator/verifier.ts.
 */
import { spawn } from "child_process";
import { createHash, createHmac } from "crypto";
import * as http from "http";
import * as path from "path";
import { CssEmulator, DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY } from "../../emulator";

const PID = DEFAULT_PROJECT_ID;
const CLUSTER = "c0ffee00-0000-4000-8000-000000000001";
const base = (c = CLUSTER): string => `/v1.0/${PID}/clusters/${c}`;
const conns = (c = CLUSTER): string => `${base(c)}/vpcepservice/connections`;

// ---- a minimal SDK-HMAC-SHA256 signer (simple form) --------------------------------------

const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
const sdkDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");

interface SignOpts {
  ak?: string;
  sk?: string;
  dateMs?: number;
  securityToken?: string;
}

function signedHeaders(method: string, url: URL, body: string, o: SignOpts = {}): Record<string, string> {
  const h: Record<string, string> = {
    host: url.host,
    "x-sdk-date": sdkDate(o.dateMs ?? Date.now()),
    "x-project-id": PID,
  };
  if (body) h["content-type"] = "application/json;charset=UTF-8";
  if (o.securityToken) h["x-security-token"] = o.securityToken;
  const names = Object.keys(h).sort();
  const uri = url.pathname.split("/").map((s) => enc(decodeURIComponent(s))).join("/") + "/";
  const q = [...url.searchParams].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
  const cr = [
    method,
    uri,
    q.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&"),
    names.map((n) => `${n}:${(h[n] as string).trim()}\n`).join(""),
    names.join(";"),
    sha(body),
  ].join("\n");
  const sts = `SDK-HMAC-SHA256\n${h["x-sdk-date"]}\n${sha(cr)}`;
  const sig = createHmac("sha256", o.sk ?? DEFAULT_SECRET_KEY).update(sts).digest("hex");
  delete h.host; // fetch sets Host itself (same value)
  h["authorization"] = `SDK-HMAC-SHA256 Access=${o.ak ?? DEFAULT_ACCESS_KEY}, SignedHeaders=${names.join(";")}, Signature=${sig}`;
  return h;
}

interface CallOpts {
  body?: unknown;
  rawBody?: string;
  auth?: "aksk" | "none" | { token: string };
  sign?: SignOpts;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: () => Record<string, unknown>;
}

let emu: CssEmulator;
let url: string;

async function call(method: string, p: string, o: CallOpts = {}): Promise<Reply> {
  const u = new URL(p, url);
  const body = o.rawBody ?? (o.body === undefined ? "" : JSON.stringify(o.body));
  const auth = o.auth ?? "aksk";
  let headers: Record<string, string> = {};
  if (auth === "aksk") headers = signedHeaders(method, u, body, o.sign);
  else if (auth !== "none") headers = { "x-auth-token": auth.token, ...(body ? { "content-type": "application/json" } : {}) };
  else if (body) headers = { "content-type": "application/json" };
  const init: RequestInit = { method, headers: { ...headers, ...(o.headers ?? {}) } };
  if (body) init.body = body;
  if (o.timeoutMs !== undefined) init.signal = AbortSignal.timeout(o.timeoutMs);
  const res = await fetch(u, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const listConnections = async (q = ""): Promise<Record<string, unknown>> => (await call("GET", conns() + q)).json();
const act = (action: string, ids: string[], field = "endpoint_id_list"): Promise<Reply> =>
  call("POST", conns(), { body: { action, [field]: ids } });

beforeEach(async () => {
  emu = new CssEmulator({ clusters: [{ id: CLUSTER, endpoints: ["ep-1", "ep-2", "ep-3"] }] });
  url = await emu.start();
});

afterEach(async () => {
  await emu.stop();
});

describe("basics", () => {
  test("cluster detail, request id, request log", async () => {
    const r = await call("GET", base());
    expect(r.status).toBe(200);
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(r.json()).toMatchObject({ id: CLUSTER, status: "200", supportVpcep: true, vpcepIp: expect.any(String) });
    const rec = emu.requests[0];
    expect(rec).toMatchObject({ method: "GET", path: base(), status: 200, auth: "aksk", clusterId: CLUSTER });
    expect(rec?.requestId).toBe(r.headers.get("x-request-id"));
    const r2 = await call("GET", base());
    expect(r2.headers.get("x-request-id")).not.toBe(r.headers.get("x-request-id"));
  });

  test("list shape and insertion order", async () => {
    const body = await listConnections();
    expect(body).toMatchObject({
      vpcServiceName: expect.stringMatching(/^eu-de\.css-op-no-delete\.[0-9a-f-]{36}$/),
      permissions: [],
      vpcepUpdateSwitch: false,
      total_count: 3,
    });
    const list = body["connections"] as Record<string, unknown>[];
    expect(list.map((c) => c["id"])).toEqual(["ep-1", "ep-2", "ep-3"]);
    expect(list[0]).toEqual({
      id: "ep-1",
      status: "pendingAcceptance",
      maxSession: "3000",
      specificationName: "default",
      created_at: expect.stringMatching(/Z$/),
      update_at: null,
      domain_id: expect.any(String),
      vpcepIp: expect.any(String),
      vpcepDnsName: expect.any(String),
    });
  });

  test("receive and reject; update_at; empty 200 body; POST counted", async () => {
    const r = await act("receive", ["ep-1", "ep-2"]);
    expect(r.status).toBe(200);
    expect(r.text).toBe("");
    expect(emu.status(CLUSTER, "ep-1")).toBe("accepted");
    expect(emu.status(CLUSTER, "ep-3")).toBe("pendingAcceptance");
    expect((await act("reject", ["ep-2"])).status).toBe(200);
    const list = (await listConnections())["connections"] as Record<string, unknown>[];
    expect(list.map((c) => c["status"])).toEqual(["accepted", "rejected", "pendingAcceptance"]);
    expect(list[1]?.["update_at"]).toEqual(expect.stringMatching(/Z$/));
    expect(emu.count({ method: "POST", pathIncludes: "/vpcepservice/connections" })).toBe(2);
    expect(emu.count({ method: "GET", clusterId: CLUSTER, status: 200 })).toBe(1);
  });

  test("validation: bad action, empty list, unknown endpoint applies nothing", async () => {
    const bad = await act("approve", ["ep-1"]);
    expect(bad.status).toBe(400);
    expect(bad.json()["errCode"]).toBe("CSS.0001");
    const empty = await act("receive", []);
    expect(empty.status).toBe(400);
    expect(empty.json()["errCode"]).toBe("CSS.0006");
    const unknown = await act("receive", ["ep-1", "ep-404"]);
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toEqual({ errCode: "CSS.0016", externalMessage: expect.stringContaining("ep-404") });
    expect(emu.status(CLUSTER, "ep-1")).toBe("pendingAcceptance");
    const notJson = await call("POST", conns(), { rawBody: "{oops" });
    expect(notJson.json()["errCode"]).toBe("CSS.0001");
    expect(emu.requests.at(-1)?.errCode).toBe("CSS.0001");
  });

  test("auth required; unknown route; project mismatch", async () => {
    const none = await call("GET", conns(), { auth: "none" });
    expect(none.status).toBe(401);
    expect(none.json()).toMatchObject({ error_code: "APIG.0301", request_id: none.headers.get("x-request-id") });
    expect(emu.requests.at(-1)?.auth).toBe("failed");
    const unknown = await call("GET", `${base()}/nothing`);
    expect(unknown.status).toBe(404);
    const wrongMethod = await call("DELETE", conns());
    expect(wrongMethod.status).toBe(404);
    const other = await call("GET", `/v1.0/ffffffffffffffffffffffffffffffff/clusters/${CLUSTER}`);
    expect(other.status).toBe(403);
    expect(other.json()["errCode"]).toBe("CSS.0010");
    const hdr = await call("GET", base(), { headers: { "x-project-id": "elsewhere" } });
    expect(hdr.status).toBe(401); // x-project-id is signed, so changing it breaks the signature
  });

  test("temporary keys need X-Security-Token", async () => {
    emu.configure({ keys: [{ accessKey: "TEMPAK", secretKey: "tempsk", securityToken: "sts" }] });
    expect((await call("GET", base(), { sign: { ak: "TEMPAK", sk: "tempsk", securityToken: "sts" } })).status).toBe(200);
    const missing = await call("GET", base(), { sign: { ak: "TEMPAK", sk: "tempsk" } });
    expect(missing.status).toBe(401);
    expect(missing.json()["error_msg"]).toMatch(/X-Security-Token/);
  });

  test("clock skew beyond 15 minutes is refused", async () => {
    const r = await call("GET", base(), { sign: { dateMs: Date.now() - 20 * 60_000 } });
    expect(r.status).toBe(401);
    expect(r.json()["error_msg"]).toMatch(/^Incorrect IAM authentication information: .*differs from server time/);
    expect((await call("GET", base(), { sign: { dateMs: Date.now() - 10 * 60_000 } })).status).toBe(200);
  });
});

describe("paging", () => {
  beforeEach(() => {
    emu.addCluster("big", { endpoints: Array.from({ length: 25 }, (_, i) => `e-${String(i).padStart(2, "0")}`) });
  });
  const page = async (q: string): Promise<{ ids: string[]; total: unknown; status: number }> => {
    const r = await call("GET", conns("big") + q);
    if (r.status !== 200) return { ids: [], total: undefined, status: r.status };
    const b = r.json();
    return { ids: (b["connections"] as { id: string }[]).map((c) => c.id), total: b["total_count"], status: r.status };
  };

  test("defaults offset 0 / limit 10, total_count is the full count", async () => {
    const p = await page("");
    expect(p.ids).toHaveLength(10);
    expect(p.ids[0]).toBe("e-00");
    expect(p.total).toBe(25);
  });

  test("offset and limit walk the list in insertion order", async () => {
    const seen: string[] = [];
    for (let off = 0; off < 25; off += 7) seen.push(...(await page(`?offset=${off}&limit=7`)).ids);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `e-${String(i).padStart(2, "0")}`));
    expect((await page("?offset=100&limit=10")).ids).toEqual([]);
  });

  test("limit above maxLimit is clamped; configurable at runtime", async () => {
    expect((await page("?limit=1000")).ids).toHaveLength(25);
    emu.configure({ maxLimit: 4 });
    const p = await page("?limit=1000");
    expect(p.ids).toEqual(["e-00", "e-01", "e-02", "e-03"]);
    expect(p.total).toBe(25);
    expect((await page("?offset=24&limit=1000")).ids).toEqual(["e-24"]);
  });

  test("bad offset/limit are 400; the legacy `start` parameter is ignored", async () => {
    expect((await page("?limit=0")).status).toBe(400);
    expect((await page("?offset=-1")).status).toBe(400);
    expect((await page("?limit=abc")).status).toBe(400);
    expect((await page("?start=11&limit=5")).ids).toEqual(["e-00", "e-01", "e-02", "e-03", "e-04"]);
  });
});

describe("body style", () => {
  test("both (default) accepts either spelling", async () => {
    expect((await act("receive", ["ep-1"], "endpoint_id_list")).status).toBe(200);
    expect((await act("receive", ["ep-2"], "endpointIdList")).status).toBe(200);
  });

  test("snake only", async () => {
    emu.configure({ bodyStyle: "snake" });
    const r = await act("receive", ["ep-1"], "endpointIdList");
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({ errCode: "CSS.0001", externalMessage: "Invalid parameter: endpoint_id_list is required" });
    expect(emu.status(CLUSTER, "ep-1")).toBe("pendingAcceptance");
    expect((await act("receive", ["ep-1"], "endpoint_id_list")).status).toBe(200);
  });

  test("camel only, also for permissions", async () => {
    emu.configure({ bodyStyle: "camel" });
    const r = await act("receive", ["ep-1"], "endpoint_id_list");
    expect(r.status).toBe(400);
    expect(r.json()["externalMessage"]).toMatch(/endpointIdList/);
    expect((await act("receive", ["ep-1"], "endpointIdList")).status).toBe(200);
    const perm = `${base()}/vpcepservice/permissions`;
    expect((await call("POST", perm, { body: { vpc_permissions: ["d1"] } })).status).toBe(400);
    expect((await call("POST", perm, { body: { vpcPermissions: ["d1"] } })).status).toBe(200);
  });
});

describe("cluster states", () => {
  test("busy window: POST/PUT get 409 CSS.0029, GET never", async () => {
    emu.configure({ busyMs: 300 });
    expect((await act("receive", ["ep-1"])).status).toBe(200);
    const busy = await act("receive", ["ep-2"]);
    expect(busy.status).toBe(409);
    expect(busy.json()).toEqual({
      errCode: "CSS.0029",
      externalMessage: "Another operation is in progress on the cluster, try again later",
    });
    expect((await call("PUT", `${base()}/vpcepservice/close`)).status).toBe(409);
    expect((await call("GET", conns())).status).toBe(200);
    expect(emu.status(CLUSTER, "ep-2")).toBe("pendingAcceptance");
    expect(emu.cluster(CLUSTER)?.busyForMs).toBeGreaterThan(0);
    await sleep(350);
    expect((await act("receive", ["ep-2"])).status).toBe(200);
    expect(emu.count({ status: 409 })).toBe(2);
  });

  test("a failed POST does not start a busy window", async () => {
    emu.configure({ busyMs: 10_000 });
    expect((await act("receive", ["nope"])).status).toBe(404);
    expect((await act("receive", ["ep-1"])).status).toBe(200);
  });

  test.each([
    ["css0015", 403, "CSS.0015"],
    ["css3027", 404, "CSS.3027"],
    ["css0047", 400, "CSS.0047"],
    ["plain404", 404, undefined],
  ] as const)("gone style %s -> %d %s", async (style, status, code) => {
    emu.configure({ goneStyle: style });
    for (const [m, p] of [
      ["GET", base("gone")],
      ["GET", conns("gone")],
      ["POST", conns("gone")],
    ] as const) {
      const r = await call(m, p, m === "POST" ? { body: { action: "reject", endpoint_id_list: ["ep-1"] } } : {});
      expect(r.status).toBe(status);
      expect(r.json()["errCode"]).toBe(code);
    }
    emu.removeCluster(CLUSTER);
    expect((await call("GET", base())).status).toBe(status);
  });

  test("service disabled: 400 CSS.5182; open/close over HTTP", async () => {
    const close = await call("PUT", `${base()}/vpcepservice/close`);
    expect(close.status).toBe(200);
    expect(close.json()).toEqual({ action: "deleteVpcepservice" });
    for (const r of [await call("GET", conns()), await act("reject", ["ep-1"])]) {
      expect(r.status).toBe(400);
      expect(r.json()).toEqual({ errCode: "CSS.5182", externalMessage: "VPC endpoint service is not enabled" });
    }
    expect((await call("GET", base())).json()).toMatchObject({ supportVpcep: false });
    const open = await call("POST", `${base()}/vpcepservice/open`, { body: { endpoint_with_dns_name: true } });
    expect(open.json()).toEqual({ action: "createVpcepservice" });
    expect((await call("GET", conns())).status).toBe(200);
    emu.setVpcepEnabled(CLUSTER, false);
    expect((await call("GET", conns())).status).toBe(400);
  });

  test("unavailable cluster: POST 412, GET still works", async () => {
    emu.setClusterAvailable(CLUSTER, false);
    const r = await act("receive", ["ep-1"]);
    expect(r.status).toBe(412);
    expect(r.json()["errCode"]).toBe("CSS.0011");
    expect((await call("GET", base())).json()["status"]).toBe("303");
    expect((await call("GET", conns())).status).toBe(200);
  });

  test("permissions are stored and listed", async () => {
    const r = await call("POST", `${base()}/vpcepservice/permissions`, { body: { vpc_permissions: ["dom-a", "dom-b"] } });
    expect(r.status).toBe(200);
    const perms = (await listConnections())["permissions"] as Record<string, unknown>[];
    expect(perms.map((p) => p["permission"])).toEqual(["iam:domain::dom-a", "iam:domain::dom-b"]);
    expect(perms[0]).toMatchObject({ permission_type: "domainId", id: expect.any(String) });
    expect(emu.cluster(CLUSTER)?.permissions).toEqual(["dom-a", "dom-b"]);
  });

  test("freezeStatuses answers 200 and changes nothing", async () => {
    emu.configure({ freezeStatuses: true });
    expect((await act("receive", ["ep-1"])).status).toBe(200);
    expect(emu.status(CLUSTER, "ep-1")).toBe("pendingAcceptance");
  });

  test("applyDelayMs: the old status stays until the delay passes", async () => {
    emu.configure({ applyDelayMs: 150 });
    expect((await act("receive", ["ep-1"])).status).toBe(200);
    expect(emu.status(CLUSTER, "ep-1")).toBe("pendingAcceptance");
    await sleep(250);
    expect(emu.status(CLUSTER, "ep-1")).toBe("accepted");
  });

  test("out-of-band changes and resetConnections", async () => {
    await act("receive", ["ep-1", "ep-2"]);
    emu.setStatus(CLUSTER, "ep-2", "rejected");
    emu.addConnection(CLUSTER, { id: "ep-4", status: "creating", domainId: "dom" });
    expect(emu.connections(CLUSTER).map((c) => [c.id, c.status])).toEqual([
      ["ep-1", "accepted"],
      ["ep-2", "rejected"],
      ["ep-3", "pendingAcceptance"],
      ["ep-4", "creating"],
    ]);
    emu.removeConnection(CLUSTER, "ep-3");
    emu.resetConnections(CLUSTER);
    expect(emu.connections(CLUSTER).map((c) => c.status)).toEqual(["pendingAcceptance", "pendingAcceptance", "pendingAcceptance"]);
    expect(emu.connections("nope")).toEqual([]);
    expect(() => emu.setStatus(CLUSTER, "ep-3", "accepted")).toThrow(/ep-3/);
  });

  test("latencyMs delays answers", async () => {
    emu.configure({ latencyMs: 120 });
    const t0 = Date.now();
    await call("GET", base());
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });
});

describe("IAM tokens", () => {
  const tokenBody = (o: { name?: string; password?: string; domain?: string; project?: Record<string, string> } = {}): unknown => ({
    auth: {
      identity: {
        methods: ["password"],
        password: { user: { name: o.name ?? "emu-user", password: o.password ?? "emu-password", domain: { name: o.domain ?? "emu-domain" } } },
      },
      scope: { project: o.project ?? { id: PID } },
    },
  });
  const issue = async (o?: Parameters<typeof tokenBody>[0]): Promise<Reply> =>
    call("POST", "/v3/auth/tokens?nocatalog=true", { auth: "none", body: tokenBody(o) });

  test("issue a token and use it", async () => {
    const r = await issue();
    expect(r.status).toBe(201);
    const token = r.headers.get("x-subject-token") as string;
    expect(token).toBeTruthy();
    expect(r.json()).toMatchObject({ token: { expires_at: expect.any(String), project: { id: PID, name: "eu-de" }, catalog: [] } });
    expect((await call("GET", conns(), { auth: { token } })).status).toBe(200);
    expect(emu.requests.at(-1)?.auth).toBe("token");
    const iamRec = emu.requests.find((x) => x.path === "/v3/auth/tokens");
    expect(JSON.stringify(iamRec?.body)).not.toContain("emu-password"); // passwords are redacted in the log
  });

  test("scope by region name; wrong project; wrong password", async () => {
    expect((await issue({ project: { name: "eu-de" } })).status).toBe(201);
    expect((await issue({ project: { id: "other" } })).status).toBe(403);
    const wrong = await issue({ password: "nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 401, message: "The username or password is wrong.", title: "Unauthorized" } });
    expect((await issue({ domain: "other-domain" })).status).toBe(401);
  });

  test("expireTokens() and tokenTtlMs", async () => {
    const token = (await issue()).headers.get("x-subject-token") as string;
    emu.expireTokens();
    const r = await call("GET", conns(), { auth: { token } });
    expect(r.status).toBe(401);
    expect(r.json()).toMatchObject({ error_code: "APIG.0301", error_msg: expect.stringContaining("token expired") });
    emu.configure({ tokenTtlMs: 100 });
    const short = (await issue()).headers.get("x-subject-token") as string;
    expect((await call("GET", conns(), { auth: { token: short } })).status).toBe(200);
    await sleep(150);
    expect((await call("GET", conns(), { auth: { token: short } })).status).toBe(401);
    expect((await call("GET", conns(), { auth: { token: "made-up" } })).status).toBe(401);
  });
});

describe("AK lock", () => {
  test("5 consecutive failures lock the AK, even for good signatures, for lockMs", async () => {
    emu.configure({ lockMs: 400 });
    for (let i = 0; i < 5; i++) {
      const r = await call("GET", base(), { sign: { sk: "wrong" } });
      expect(r.status).toBe(401);
      expect(r.json()["error_msg"]).toMatch(/verify aksk signature fail/);
    }
    const locked = await call("GET", base());
    expect(locked.status).toBe(401);
    expect(locked.json()["error_msg"]).toMatch(/AK locked/);
    await sleep(450);
    expect((await call("GET", base())).status).toBe(200);
  });

  test("a success resets the count", async () => {
    for (let i = 0; i < 4; i++) await call("GET", base(), { sign: { sk: "wrong" } });
    expect((await call("GET", base())).status).toBe(200);
    for (let i = 0; i < 4; i++) await call("GET", base(), { sign: { sk: "wrong" } });
    expect((await call("GET", base())).status).toBe(200);
  });
});

describe("faults", () => {
  test("status + Retry-After for the next n calls, then normal", async () => {
    emu.failNext(2, { status: 429, retryAfter: "3" });
    for (let i = 0; i < 2; i++) {
      const r = await call("GET", conns());
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("3");
      expect(r.json()).toMatchObject({ error_code: "APIG.0308" });
    }
    expect((await call("GET", conns())).status).toBe(200);
    expect(emu.requests.filter((x) => x.fault).length).toBe(2);
  });

  test("match by method/path; code and message; state untouched", async () => {
    emu.failNext(1, { status: 409, code: "CSS.0029", message: "busy", match: { method: "POST", pathIncludes: "/connections" } });
    expect((await call("GET", conns())).status).toBe(200);
    const r = await act("receive", ["ep-1"]);
    expect(r.status).toBe(409);
    expect(r.json()).toEqual({ errCode: "CSS.0029", externalMessage: "busy" });
    expect(emu.status(CLUSTER, "ep-1")).toBe("pendingAcceptance");
  });

  test("IAM calls are not faulted unless the match targets them", async () => {
    emu.failNext(1, { status: 503 });
    const body = { auth: { identity: { methods: ["password"], password: { user: { name: "emu-user", password: "emu-password", domain: { name: "emu-domain" } } } }, scope: { project: { id: PID } } } };
    expect((await call("POST", "/v3/auth/tokens", { auth: "none", body })).status).toBe(201);
    expect((await call("GET", base())).status).toBe(503);
    emu.failNext(1, { status: 500, match: { pathIncludes: "/v3/auth/tokens" } });
    expect((await call("POST", "/v3/auth/tokens", { auth: "none", body })).status).toBe(500);
  });

  test("reset destroys the socket", async () => {
    emu.failNext(1, { reset: true });
    await expect(call("GET", conns())).rejects.toThrow();
    expect(emu.requests.at(-1)?.status).toBe(0);
    expect((await call("GET", conns())).status).toBe(200);
  });

  test("malformed and HTML bodies", async () => {
    emu.failNext(1, { body: '{"connections":[' });
    const r = await call("GET", conns());
    expect(r.status).toBe(200);
    expect(() => r.json()).toThrow();
    emu.failNext(1, { status: 502, body: "<html><body>Bad Gateway</body></html>", contentType: "text/html" });
    const h = await call("GET", conns());
    expect(h.status).toBe(502);
    expect(h.headers.get("content-type")).toBe("text/html");
    expect(h.text).toContain("Bad Gateway");
  });

  test("delay: the client times out; a pure delay still applies the call", async () => {
    emu.failNext(1, { delayMs: 400, status: 504 });
    await expect(call("GET", conns(), { timeoutMs: 100 })).rejects.toThrow();
    emu.failNext(1, { delayMs: 300 });
    const t0 = Date.now();
    expect((await act("receive", ["ep-1"])).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(emu.status(CLUSTER, "ep-1")).toBe("accepted");
  });
});

describe("/_emulator HTTP controls", () => {
  const ctl = async (method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "content-type": "application/json" };
    }
    const res = await fetch(`${url}/_emulator${p}`, init);
    return { status: res.status, json: (await res.json()) as unknown };
  };

  test("seed, change, inspect, fault, log, reset", async () => {
    expect((await ctl("POST", "/clusters", { id: "c2", endpoints: ["a", "b"] })).status).toBe(201);
    expect((await ctl("POST", "/clusters", { id: "c2" })).status).toBe(409);
    expect((await ctl("PUT", "/clusters/c2/connections/a", { status: "accepted" })).json).toMatchObject({ id: "a", status: "accepted" });
    expect((await ctl("PUT", "/clusters/c2/connections/a", { status: "bogus" })).status).toBe(400);
    expect((await ctl("POST", "/clusters/c2/connections", { id: "c", status: "rejected" })).status).toBe(201);
    expect(emu.status("c2", "c")).toBe("rejected");
    const info = (await ctl("GET", "/clusters/c2")).json as { connections: { id: string; status: string }[] };
    expect(info.connections.map((c) => `${c.id}:${c.status}`)).toEqual(["a:accepted", "b:pendingAcceptance", "c:rejected"]);
    expect((await ctl("GET", "/clusters/none")).status).toBe(404);

    expect((await ctl("PATCH", "/clusters/c2", { available: false })).json).toMatchObject({ available: false });
    expect((await call("POST", conns("c2"), { body: { action: "receive", endpoint_id_list: ["b"] } })).status).toBe(412);
    await ctl("PATCH", "/clusters/c2", { available: true });

    expect((await ctl("POST", "/faults", { n: 1, fault: { status: 503 } })).status).toBe(201);
    expect((await call("GET", conns("c2"))).status).toBe(503);
    await ctl("POST", "/faults", { status: 500, match: { method: "POST" } });
    expect((await ctl("GET", "/faults")).json).toEqual([{ remaining: 1, fault: { status: 500, match: { method: "POST" } } }]);
    await ctl("DELETE", "/faults");

    expect((await ctl("POST", "/options", { busyMs: 5, bodyStyle: "snake" })).json).toMatchObject({ busyMs: 5, bodyStyle: "snake" });
    expect((await ctl("POST", "/options", { bodyStyle: "kebab" })).status).toBe(400);
    expect((await ctl("POST", "/options", { busyMS: 5 })).json).toEqual({ error: "unknown option busyMS" });

    const log = (await ctl("GET", "/requests?clusterId=c2&status=503")).json as { count: number; requests: { path: string }[] };
    expect(log.count).toBe(1);
    expect(log.requests[0]?.path).toBe(conns("c2"));
    expect((await ctl("GET", "/count?method=POST")).json).toEqual({ count: 1 });

    await ctl("POST", "/clusters/c2/reset");
    expect(emu.status("c2", "a")).toBe("pendingAcceptance");
    expect((await ctl("DELETE", "/clusters/c2/connections/c")).status).toBe(200);
    expect(emu.status("c2", "c")).toBeUndefined();

    await ctl("POST", "/reset");
    expect(emu.cluster("c2")).toBeUndefined();
    expect(emu.connections(CLUSTER).map((c) => c.id)).toEqual(["ep-1", "ep-2", "ep-3"]);
    expect(emu.options.busyMs).toBe(0);
    expect(emu.requests).toHaveLength(0); // control calls are not recorded
    expect((await ctl("GET", "/nothing")).status).toBe(404);
  });

  test("tokens/expire over HTTP", async () => {
    const body = { auth: { identity: { methods: ["password"], password: { user: { name: "emu-user", password: "emu-password", domain: { name: "emu-domain" } } } }, scope: { project: { id: PID } } } };
    const token = (await call("POST", "/v3/auth/tokens", { auth: "none", body })).headers.get("x-subject-token") as string;
    await ctl("POST", "/tokens/expire");
    expect((await call("GET", base(), { auth: { token } })).status).toBe(401);
  });
});

describe("lifecycle", () => {
  test("stop() resolves quickly with an idle keep-alive connection open", async () => {
    const agent = new http.Agent({ keepAlive: true });
    const u = new URL(`${url}/_emulator/options`);
    await new Promise<void>((resolve, reject) => {
      http
        .get({ host: u.hostname, port: u.port, path: u.pathname, agent }, (res) => {
          res.resume();
          res.on("end", resolve);
        })
        .on("error", reject);
    });
    expect(Object.keys(agent.freeSockets).length).toBe(1);
    const t0 = Date.now();
    await emu.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    agent.destroy();
  });

  test("stop() does not wait for a delayed answer; start() again works", async () => {
    emu.failNext(1, { delayMs: 30_000, status: 500 });
    const pending = call("GET", base()).catch((e: unknown) => e);
    await sleep(50);
    const t0 = Date.now();
    await emu.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(String(await pending)).toMatch(/fetch failed/); // the socket was destroyed
    url = await emu.start();
    expect((await call("GET", base())).status).toBe(200);
  });

  test("constructor rejects bad options", () => {
    expect(() => new CssEmulator({ maxLimit: 0 })).toThrow(/maxLimit/);
    expect(() => new CssEmulator({ bodyStyle: "x" as "both" })).toThrow(/bodyStyle/);
  });
});

describe("CLI", () => {
  test("prints its URL, serves seeded clusters, stops on SIGTERM", async () => {
    const root = path.resolve(__dirname, "../..");
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", "--cluster", "k1", "--endpoints", "x,y", "--cluster", "k2", "--max-limit", "1"],
      { cwd: root, env: { ...process.env, TS_NODE_PROJECT: "tsconfig.json" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    const cliUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^CSS emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    try {
      const clusters = (await (await fetch(`${cliUrl}/_emulator/clusters`)).json()) as { id: string; connections: unknown[] }[];
      expect(clusters.map((c) => [c.id, c.connections.length])).toEqual([
        ["k1", 2],
        ["k2", 0],
      ]);
      url = cliUrl;
      const page = await call("GET", `${conns("k1")}?limit=10`);
      expect(page.json()).toMatchObject({ total_count: 2, connections: [{ id: "x" }] });
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
    await sleep(50);
    expect(out.match(/CSS emulator listening on/g)).toHaveLength(1);
    expect(out).toContain(DEFAULT_ACCESS_KEY);
    expect(out).toContain(DEFAULT_SECRET_KEY);
  });
});
