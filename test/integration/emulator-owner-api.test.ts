/**
 * The emulator's owner-side API over real HTTP: the clusters list, per-cluster access denial,
 * the endpoint service (open/close/whitelist, DNS name, IPv6), busy windows for every change,
 * a second listener on the same state, request-log filters, and the CLI seeds for them.
 * Calls authenticate with an IAM token from the emulator's own /v3/auth/tokens.
 */
import { CssEmulator, DEFAULT_PROJECT_ID, DEFAULT_USER, type EmulatorOptions } from "../../emulator";
import { parseCliArgs } from "../../emulator/cli";

const PID = DEFAULT_PROJECT_ID;
const C1 = "c1000000-0000-4000-8000-000000000001";
const C2 = "c2000000-0000-4000-8000-000000000002";
const cluster = (c: string): string => `/v1.0/${PID}/clusters/${c}`;
const svc = (c: string, op: string): string => `${cluster(c)}/vpcepservice/${op}`;
const LIST = `/v1.0/${PID}/clusters`;

interface Reply {
  status: number;
  text: string;
  json: () => Record<string, unknown>;
}

let emu: CssEmulator;
let token: string;

/** tok null: no credentials at all. */
async function send(base: string, method: string, p: string, body?: unknown, tok: string | null = token): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (tok !== null) headers["x-auth-token"] = tok;
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const res = await fetch(new URL(p, base), init);
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const call = (method: string, p: string, body?: unknown): Promise<Reply> => send(emu.url, method, p, body);
const errCode = (r: Reply): unknown => r.json()["errCode"];

async function ctl(method: string, p: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await send(emu.url, method, `/_emulator${p}`, body, null);
  return { status: r.status, json: r.json() };
}

async function issueToken(base: string): Promise<string> {
  const body = {
    auth: {
      identity: { methods: ["password"], password: { user: { name: DEFAULT_USER.name, password: DEFAULT_USER.password, domain: { name: DEFAULT_USER.domainName } } } },
      scope: { project: { id: PID } },
    },
  };
  const res = await fetch(new URL("/v3/auth/tokens", base), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const t = res.headers.get("x-subject-token");
  if (res.status !== 201 || !t) throw new Error(`no token: ${res.status}`);
  return t;
}

async function startWith(opts: EmulatorOptions = {}): Promise<void> {
  emu = new CssEmulator(opts);
  await emu.start();
  token = await issueToken(emu.url);
}

const connectionsOf = async (c: string): Promise<Record<string, unknown>[]> =>
  (await call("GET", `${svc(c, "connections")}?limit=1000`)).json()["connections"] as Record<string, unknown>[];

afterEach(async () => {
  await emu.stop();
});

describe("clusters list (ListClustersDetails)", () => {
  const ids = Array.from({ length: 12 }, (_, i) => `k-${String(i).padStart(2, "0")}`);
  const newestFirst = [...ids].reverse();
  const page = async (q: string): Promise<{ ids: string[]; total: unknown; status: number; code: unknown }> => {
    const r = await call("GET", LIST + q);
    if (r.status !== 200) return { ids: [], total: undefined, status: r.status, code: errCode(r) };
    const b = r.json();
    return { ids: (b["clusters"] as { id: string }[]).map((c) => c.id), total: b["totalSize"], status: 200, code: undefined };
  };

  beforeEach(async () => {
    await startWith({ clusters: ids.map((id) => ({ id })) });
  });

  test("shape: totalSize and clusters newest first, default limit 10", async () => {
    const r = await call("GET", LIST);
    expect(r.status).toBe(200);
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(["clusters", "totalSize"]);
    expect(body["totalSize"]).toBe(12);
    const list = body["clusters"] as Record<string, unknown>[];
    expect(list.map((c) => c["id"])).toEqual(newestFirst.slice(0, 10));
    expect(list[0]).toMatchObject({
      id: "k-11",
      name: expect.any(String),
      status: "200",
      created: expect.stringMatching(/Z$/),
      updated: expect.any(String),
      datastore: { type: "elasticsearch", version: expect.any(String) },
    });
  });

  test("offset is 1-based by default (0 reads as 1); start is 1-based; offset wins over start", async () => {
    expect((await page("?offset=1&limit=3")).ids).toEqual(newestFirst.slice(0, 3));
    expect((await page("?offset=0&limit=3")).ids).toEqual(newestFirst.slice(0, 3));
    expect((await page("?offset=4&limit=3")).ids).toEqual(newestFirst.slice(3, 6));
    expect((await page("?start=4&limit=3")).ids).toEqual(newestFirst.slice(3, 6));
    expect((await page("?offset=1&start=4&limit=3")).ids).toEqual(newestFirst.slice(0, 3));
    expect((await page("?offset=13&limit=3")).ids).toEqual([]);
  });

  test("zero-based offset on request; start stays 1-based", async () => {
    emu.configure({ clusterListOffset: "zero-based" });
    expect((await page("?offset=0&limit=3")).ids).toEqual(newestFirst.slice(0, 3));
    expect((await page("?offset=3&limit=3")).ids).toEqual(newestFirst.slice(3, 6));
    expect((await page("?start=1&limit=3")).ids).toEqual(newestFirst.slice(0, 3));
  });

  test("limit is clamped by maxLimit; bad values are 400 CSS.0001", async () => {
    expect((await page("?limit=1000")).ids).toHaveLength(12);
    emu.configure({ maxLimit: 5 });
    const p = await page("?limit=1000");
    expect(p.ids).toEqual(newestFirst.slice(0, 5));
    expect(p.total).toBe(12);
    for (const q of ["?limit=0", "?limit=x", "?offset=-1", "?start=abc"]) {
      expect(await page(q)).toMatchObject({ status: 400, code: "CSS.0001" });
    }
  });

  test("removed clusters leave, unavailable ones show status 303, denied ones stay", async () => {
    emu.removeCluster("k-11");
    emu.setClusterAvailable("k-10", false);
    emu.setAccessDenied("k-09", true);
    const list = (await call("GET", `${LIST}?limit=3`)).json()["clusters"] as Record<string, unknown>[];
    expect(list.map((c) => [c["id"], c["status"]])).toEqual([
      ["k-10", "303"],
      ["k-09", "200"],
      ["k-08", "200"],
    ]);
    expect((await page("")).total).toBe(11);
  });

  test("same auth and project checks as the other calls", async () => {
    expect((await send(emu.url, "GET", LIST, undefined, null)).status).toBe(401);
    const other = await call("GET", "/v1.0/ffffffffffffffffffffffffffffffff/clusters");
    expect(other.status).toBe(403);
    expect(errCode(other)).toBe("CSS.0010");
    expect((await call("POST", LIST, {})).status).toBe(404); // only GET is routed
  });

  test("denyClusterList: the list answers 403 CSS.0015, cluster calls still work", async () => {
    emu.configure({ denyClusterList: true });
    const r = await call("GET", LIST);
    expect(r.status).toBe(403);
    expect(errCode(r)).toBe("CSS.0015");
    expect((await call("GET", cluster("k-00"))).status).toBe(200);
    expect((await ctl("POST", "/options", { denyClusterList: false })).json).toMatchObject({ denyClusterList: false });
    expect((await call("GET", LIST)).status).toBe(200);
  });

  test("recorded without a cluster id; found by path suffix", async () => {
    await call("GET", `${LIST}?limit=2`);
    await call("GET", cluster("k-00"));
    const recs = emu.findRequests({ pathEndsWith: "/clusters" });
    expect(recs).toHaveLength(1);
    expect(recs[0]?.clusterId).toBeUndefined();
    expect(recs[0]?.query).toEqual({ limit: "2" });
  });
});

describe("access denied on one cluster", () => {
  beforeEach(async () => {
    await startWith({ clusters: [{ id: C1, endpoints: ["ep-1"] }, { id: C2, endpoints: ["ep-9"] }] });
  });

  const everyCall = (c: string): [string, string, unknown][] => [
    ["GET", cluster(c), undefined],
    ["GET", svc(c, "connections"), undefined],
    ["POST", svc(c, "connections"), { action: "receive", endpoint_id_list: ["ep-1"] }],
    ["POST", svc(c, "open"), {}],
    ["PUT", svc(c, "close"), undefined],
    ["POST", svc(c, "permissions"), { vpc_permissions: ["d1"] }],
  ];

  test("every call answers 403 CSS.0015 while the cluster stays listed; nothing changes", async () => {
    emu.setAccessDenied(C1, true);
    expect(emu.cluster(C1)?.accessDenied).toBe(true);
    for (const [m, p, b] of everyCall(C1)) {
      const r = await call(m, p, b);
      expect([m, p, r.status]).toEqual([m, p, 403]);
      expect(r.json()).toEqual({ errCode: "CSS.0015", externalMessage: "Resource not found or access denied" });
    }
    const listed = (await call("GET", LIST)).json()["clusters"] as { id: string }[];
    expect(listed.map((c) => c.id)).toContain(C1);
    expect(emu.status(C1, "ep-1")).toBe("pendingAcceptance");
    expect(emu.serviceState(C1)).toMatchObject({ open: true, whitelist: [] });
    expect((await call("GET", cluster(C2))).status).toBe(200); // other clusters unaffected
    emu.setAccessDenied(C1, false);
    expect((await call("GET", svc(C1, "connections"))).status).toBe(200);
  });

  test("the deny switch also over the control route and as a seed", async () => {
    expect((await ctl("PATCH", `/clusters/${C2}`, { accessDenied: true })).json).toMatchObject({ id: C2, accessDenied: true });
    expect((await call("GET", cluster(C2))).status).toBe(403);
    expect((await ctl("PATCH", `/clusters/${C2}`, { accessDenied: "yes" })).status).toBe(400);
    await ctl("POST", "/clusters", { id: "seeded", accessDenied: true });
    expect((await call("GET", cluster("seeded"))).status).toBe(403);
    await ctl("POST", "/reset");
    token = await issueToken(emu.url); // reset forgets tokens
    expect((await call("GET", cluster(C2))).status).toBe(200);
  });
});

describe("endpoint service: open, close, whitelist, DNS name, IPv6", () => {
  beforeEach(async () => {
    await startWith({ clusters: [{ id: C1, endpoints: ["ep-1"] }] });
    emu.addConnection(C1, { id: "ep-6", domainId: "dom-6", vpcepIpv6Address: "fd00::6" });
  });

  test("connections carry domain_id, vpcepIpv6Address when set, vpcepDnsName while the service has DNS", async () => {
    const [plain, v6] = await connectionsOf(C1);
    expect(plain).toMatchObject({ id: "ep-1", domain_id: expect.any(String), vpcepDnsName: expect.any(String) });
    expect(plain).not.toHaveProperty("vpcepIpv6Address");
    expect(v6).toMatchObject({ id: "ep-6", domain_id: "dom-6", vpcepIpv6Address: "fd00::6" });
    expect(emu.connections(C1)[1]).toMatchObject({ domainId: "dom-6", vpcepIpv6Address: "fd00::6" });
  });

  test("open without a DNS name: no vpcepDnsName; with one (snake): present", async () => {
    expect((await call("PUT", svc(C1, "close"))).json()).toEqual({ action: "deleteVpcepservice" });
    expect((await call("POST", svc(C1, "open"))).json()).toEqual({ action: "createVpcepservice" });
    expect(emu.serviceState(C1)).toMatchObject({ open: true, endpointWithDnsName: false });
    for (const c of await connectionsOf(C1)) expect(c).not.toHaveProperty("vpcepDnsName");
    expect(emu.connections(C1)[0]).not.toHaveProperty("vpcepDnsName");

    emu.setVpcepEnabled(C1, false);
    expect((await call("POST", svc(C1, "open"), { endpoint_with_dns_name: true })).status).toBe(200);
    expect(emu.serviceState(C1)?.endpointWithDnsName).toBe(true);
    expect((await connectionsOf(C1)).map((c) => c["vpcepDnsName"])).toEqual([expect.stringContaining("ep-1"), expect.stringContaining("ep-6")]);
  });

  test("endpointWithDnsName follows bodyStyle: the wrong spelling is ignored; a non-boolean is 400", async () => {
    emu.setVpcepEnabled(C1, false);
    emu.configure({ bodyStyle: "camel" });
    expect((await call("POST", svc(C1, "open"), { endpointWithDnsName: true })).status).toBe(200);
    expect(emu.serviceState(C1)?.endpointWithDnsName).toBe(true);

    emu.setVpcepEnabled(C1, false);
    emu.configure({ bodyStyle: "snake" });
    expect((await call("POST", svc(C1, "open"), { endpointWithDnsName: true })).status).toBe(200);
    expect(emu.serviceState(C1)?.endpointWithDnsName).toBe(false);

    emu.setVpcepEnabled(C1, false);
    const bad = await call("POST", svc(C1, "open"), { endpoint_with_dns_name: "yes" });
    expect(bad.status).toBe(400);
    expect(errCode(bad)).toBe("CSS.0001");
    expect(errCode(await call("POST", svc(C1, "open"), "{not json"))).toBe("CSS.0001");
    expect(emu.serviceState(C1)?.open).toBe(false);
  });

  test("opening an open service: 200, nothing changes", async () => {
    emu.setWhitelist(C1, ["dom-6"]);
    const before = emu.serviceState(C1);
    const r = await call("POST", svc(C1, "open"), { endpoint_with_dns_name: false });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ action: "createVpcepservice" });
    expect(emu.serviceState(C1)).toEqual(before);
    expect(before).toEqual({
      open: true,
      whitelist: ["dom-6"],
      endpointWithDnsName: true,
      vpcServiceName: expect.stringMatching(/^eu-de\.css-op-no-delete\./),
      vpcepIp: expect.any(String),
    });
  });

  test("closing a closed service: 400 CSS.5182; closing drops the whitelist; reopening gets a new IP", async () => {
    await call("POST", svc(C1, "permissions"), { vpc_permissions: ["dom-6", "dom-7"] });
    const ip = emu.serviceState(C1)?.vpcepIp;
    expect((await call("PUT", svc(C1, "close"))).status).toBe(200);
    expect(emu.serviceState(C1)).toEqual({ open: false, whitelist: [], endpointWithDnsName: false, vpcServiceName: expect.any(String) });
    const again = await call("PUT", svc(C1, "close"));
    expect(again.status).toBe(400);
    expect(errCode(again)).toBe("CSS.5182");
    await call("POST", svc(C1, "open"));
    expect(emu.serviceState(C1)?.vpcepIp).not.toBe(ip);
    expect(emu.connections(C1).map((c) => c.id)).toEqual(["ep-1", "ep-6"]); // connections are kept
  });

  test("the whitelist: POST permissions sets it, GET connections returns it, setWhitelist replaces it", async () => {
    expect((await call("POST", svc(C1, "permissions"), { vpc_permissions: ["dom-a", "dom-b", "dom-a"] })).text).toBe("");
    const perms = (await call("GET", svc(C1, "connections"))).json()["permissions"] as Record<string, unknown>[];
    expect(perms.map((p) => p["permission"])).toEqual(["iam:domain::dom-a", "iam:domain::dom-b"]);
    expect(emu.serviceState(C1)?.whitelist).toEqual(["dom-a", "dom-b"]);
    emu.setWhitelist(C1, []);
    expect((await call("GET", svc(C1, "connections"))).json()["permissions"]).toEqual([]);
    expect(emu.cluster(C1)?.busyForMs).toBe(0);
  });
});

describe("busy windows", () => {
  const changes: [string, string, string, unknown][] = [
    ["open", "POST", "open", {}],
    ["close", "PUT", "close", undefined],
    ["permissions", "POST", "permissions", { vpc_permissions: ["d"] }],
    ["receive", "POST", "connections", { action: "receive", endpoint_id_list: ["ep-1"] }],
    ["reject", "POST", "connections", { action: "reject", endpoint_id_list: ["ep-1"] }],
  ];

  beforeEach(async () => {
    await startWith({
      busyMs: 60_000,
      clusters: changes.map(([name]) => ({ id: name, endpoints: ["ep-1"], vpcepEnabled: name !== "open" })),
    });
  });

  test.each(changes)("%s starts the busy window: every change then 409 CSS.0029, GETs never", async (name, method, op, body) => {
    expect((await call(method, svc(name, op), body)).status).toBe(200);
    expect(emu.cluster(name)?.busyForMs).toBeGreaterThan(0);
    for (const [, m, o, b] of changes) {
      const r = await call(m, svc(name, o), b);
      expect([o, r.status, errCode(r)]).toEqual([o, 409, "CSS.0029"]);
    }
    expect((await call("GET", cluster(name))).status).toBe(200);
    expect((await call("GET", LIST)).status).toBe(200);
    // the connections list answers by the service state, never 409
    expect((await call("GET", svc(name, "connections"))).status).toBe(name === "close" ? 400 : 200);
  });

  test("out-of-band changes start no busy window", async () => {
    emu.setVpcepEnabled("open", true, { endpointWithDnsName: false });
    emu.setWhitelist("close", ["d"]);
    emu.setVpcepEnabled("close", false);
    emu.setStatus("receive", "ep-1", "accepted");
    emu.setAccessDenied("reject", true);
    emu.setAccessDenied("reject", false);
    for (const [name] of changes) expect(emu.cluster(name)?.busyForMs).toBe(0);
    expect(emu.serviceState("open")).toMatchObject({ open: true, endpointWithDnsName: false });
  });
});

describe("a second listener on the same state", () => {
  beforeEach(async () => {
    await startWith({ clusters: [{ id: C1, endpoints: ["ep-1", "ep-2"] }] });
  });

  test("listenAlso serves the same clusters; the log tells the URLs apart; stop closes both", async () => {
    const second = await emu.listenAlso();
    expect(second).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(second).not.toBe(emu.url);
    expect(emu.urls).toEqual([emu.url, second]);

    const token2 = await issueToken(second);
    expect((await send(second, "POST", svc(C1, "connections"), { action: "receive", endpoint_id_list: ["ep-1"] }, token2)).status).toBe(200);
    expect(emu.status(C1, "ep-1")).toBe("accepted");
    const seenFromFirst = await connectionsOf(C1);
    expect(seenFromFirst.map((c) => c["status"])).toEqual(["accepted", "pendingAcceptance"]);
    expect((await send(second, "GET", svc(C1, "connections"), undefined, token)).status).toBe(200); // tokens are shared

    expect(emu.count({ via: second, method: "POST", pathEndsWith: "/vpcepservice/connections" })).toBe(1);
    expect(emu.count({ via: emu.url, method: "POST", pathEndsWith: "/connections" })).toBe(0);
    expect(emu.requests.every((r) => r.via === emu.url || r.via === second)).toBe(true);

    await emu.stop();
    expect(emu.urls).toEqual([]);
    await expect(fetch(`${second}/_emulator`)).rejects.toThrow();
    await expect(fetch(`${emu.url}/_emulator`)).rejects.toThrow();
  });

  test("over the control routes; listenAlso before start() throws", async () => {
    const added = await ctl("POST", "/listeners", {});
    expect(added.status).toBe(201);
    const url2 = added.json["url"] as string;
    expect((await ctl("GET", "/listeners")).json).toEqual({ urls: [emu.url, url2] });
    expect((await ctl("GET", "")).json).toMatchObject({ url: emu.url, urls: [emu.url, url2] });
    expect((await send(url2, "GET", "/_emulator/clusters", undefined, null)).json()).toHaveLength(1);
    expect((await ctl("POST", "/listeners", { port: -1 })).status).toBe(400);
    await expect(new CssEmulator().listenAlso()).rejects.toThrow(/start\(\)/);
  });
});

describe("request log filters and state helpers over the controls", () => {
  beforeEach(async () => {
    await startWith({ clusters: [{ id: C1, endpoints: ["ep-1"] }, { id: C2 }] });
  });

  test("count by cluster and path suffix covers open, close, permissions", async () => {
    await call("POST", svc(C1, "permissions"), { vpc_permissions: ["d"] });
    await call("PUT", svc(C1, "close"));
    await call("POST", svc(C1, "open"), { endpoint_with_dns_name: true });
    await call("POST", svc(C2, "open"));
    await call("GET", `${svc(C1, "connections")}?offset=0&limit=5`);
    expect(emu.count({ method: "POST", pathEndsWith: "/vpcepservice/open" })).toBe(2);
    expect(emu.count({ method: "POST", pathEndsWith: "/vpcepservice/open", clusterId: C1 })).toBe(1);
    expect(emu.count({ method: "PUT", pathEndsWith: "/vpcepservice/close", clusterId: C1 })).toBe(1);
    expect(emu.count({ pathEndsWith: "/vpcepservice/permissions", clusterId: C1 })).toBe(1);
    expect(emu.count({ pathEndsWith: "/vpcepservice/connections" })).toBe(1); // the query is not part of the path
    const q = `/count?method=POST&pathEndsWith=${encodeURIComponent("/vpcepservice/open")}&clusterId=${C1}`;
    expect((await ctl("GET", q)).json).toEqual({ count: 1 });
    const viaQ = `/requests?via=${encodeURIComponent(emu.url)}&pathEndsWith=/close`;
    expect((await ctl("GET", viaQ)).json).toMatchObject({ count: 1 });
  });

  test("seed, patch and read the service over HTTP", async () => {
    const created = await ctl("POST", "/clusters", {
      id: "k3",
      vpcepEnabled: true,
      endpointWithDnsName: false,
      whitelist: ["dom-x"],
      connections: [{ id: "e1", domainId: "dom-x", vpcepIpv6Address: "fd00::1" }, { id: "e2", status: "accepted" }],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ endpointWithDnsName: false, permissions: ["dom-x"], accessDenied: false });
    expect((await ctl("GET", "/clusters/k3/service")).json).toEqual({
      open: true,
      whitelist: ["dom-x"],
      endpointWithDnsName: false,
      vpcServiceName: expect.any(String),
      vpcepIp: expect.any(String),
    });
    const conns = await connectionsOf("k3");
    expect(conns.map((c) => [c["id"], c["domain_id"], c["status"], c["vpcepIpv6Address"] ?? null])).toEqual([
      ["e1", "dom-x", "pendingAcceptance", "fd00::1"],
      ["e2", expect.any(String), "accepted", null],
    ]);

    await ctl("PATCH", "/clusters/k3", { whitelist: ["dom-y"], endpointWithDnsName: true });
    expect(emu.serviceState("k3")).toMatchObject({ whitelist: ["dom-y"], endpointWithDnsName: true });
    await ctl("PATCH", "/clusters/k3", { vpcepEnabled: false });
    expect((await ctl("GET", "/clusters/k3/service")).json).toMatchObject({ open: false, whitelist: [] });
    expect((await ctl("POST", "/clusters/k3/connections", { id: "e3", vpcepIpv6Address: "fd00::3" })).json).toMatchObject({
      id: "e3",
      vpcepIpv6Address: "fd00::3",
    });
    expect((await ctl("PATCH", "/clusters/k3", { whitelist: "dom-z" })).status).toBe(400);
    expect((await ctl("GET", "/clusters/none/service")).status).toBe(404);
    expect(emu.serviceState("none")).toBeUndefined();
    expect(emu.cluster("k3")?.busyForMs).toBe(0);
  });
});

describe("CLI seeds", () => {
  test("--closed, --no-dns, --whitelist, --access-denied, --domain for the next --endpoints", async () => {
    const { options } = parseCliArgs([
      "--cluster", "a", "--domain", "dom-a", "--endpoints", "a1,a2", "--endpoints", "a3", "--whitelist", "dom-a,dom-b",
      "--cluster", "b", "--closed", "--endpoints", "b1",
      "--cluster", "c", "--no-dns", "--access-denied",
      "--deny-cluster-list", "--cluster-list-offset", "zero-based",
    ]); // prettier-ignore
    expect(options).toMatchObject({ denyClusterList: true, clusterListOffset: "zero-based" });
    await startWith(options);
    expect(emu.connections("a").map((c) => [c.id, c.domainId])).toEqual([
      ["a1", "dom-a"],
      ["a2", "dom-a"],
      ["a3", expect.not.stringMatching(/^dom-a$/)],
    ]);
    expect(emu.serviceState("a")).toMatchObject({ open: true, whitelist: ["dom-a", "dom-b"], endpointWithDnsName: true });
    expect(emu.serviceState("b")).toMatchObject({ open: false, endpointWithDnsName: false });
    expect(emu.connections("b").map((c) => c.id)).toEqual(["b1"]);
    expect(emu.serviceState("c")).toMatchObject({ open: true, endpointWithDnsName: false });
    expect(emu.cluster("c")?.accessDenied).toBe(true);
    expect((await call("GET", svc("b", "connections"))).status).toBe(400);
  });

  test("bad combinations fail with a message", () => {
    expect(() => parseCliArgs(["--closed"])).toThrow(/--closed must follow a --cluster/);
    expect(() => parseCliArgs(["--cluster", "a", "--domain", "d"])).toThrow(/--domain must be followed by --endpoints/);
    expect(() => new CssEmulator(parseCliArgs(["--cluster-list-offset", "two-based"]).options)).toThrow(/clusterListOffset/);
  });
});
