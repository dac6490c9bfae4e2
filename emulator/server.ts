/**
 * A local HTTP emulator of the CSS VPC-endpoint API (DESIGN.md section 6): the five VPCEP calls,
 * GET cluster and IAM POST /v3/auth/tokens, with AK/SK and token auth, busy windows, fault
 * injection and a request log.
 *
 * Choices where the real API is undocumented:
 * - path project id != the emulator's (or X-Project-Id differs): 403 CSS.0010;
 * - unknown route or wrong method: 404 APIG.0101 (gateway shape), before auth;
 * - check order for API calls: auth (401) -> injected fault -> project (403) -> cluster gone ->
 *   POST/PUT only: unavailable (412 CSS.0011) -> busy (409 CSS.0029) -> service disabled
 *   (400 CSS.5182) -> body validation (400/404) -> apply;
 * - disabling the service keeps its connections; re-enabling allocates a new vpcepIp;
 * - `start` (the old 1-based paging parameter) is ignored, like the current API.
 *
 * Controls for out-of-process users are served under /_emulator/ (see control.ts).
 */
import * as http from "http";
import type { AddressInfo, Socket } from "net";
import { createHash, randomBytes, randomUUID } from "crypto";
import { performance } from "perf_hooks";
import { handleControl } from "./control";
import {
  checkOptions,
  defaultOptions,
  EmulatorInputError,
  isObject,
  stringList,
  type JsonObject,
} from "./options";
import { headerValue, verifyRequest } from "./verifier";
import {
  type AuthKind,
  type ClusterInfo,
  type ClusterOptions,
  type ConnectionInfo,
  type ConnectionStatus,
  type EmulatorOptions,
  type Fault,
  type NewConnection,
  type RecordedRequest,
  type RequestFilter,
  type ResolvedEmulatorOptions,
} from "./types";

/** Consecutive signature failures after which an AK is locked. */
export const AK_LOCK_THRESHOLD = 5;
const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPE = "application/json;charset=UTF-8";

/** A connection as stored: the same shape tests read back. */
type ConnectionState = ConnectionInfo;

interface PermissionState {
  id: string;
  domainId: string;
  createdAt: string;
}

interface ClusterState {
  id: string;
  name: string;
  vpcepEnabled: boolean;
  available: boolean;
  vpcServiceName: string;
  vpcepIp: string;
  permissions: PermissionState[];
  /** performance.now() until which POST/PUT answer 409. */
  busyUntil: number;
  createdAt: string;
  connections: Map<string, ConnectionState>;
}

interface Answer {
  status: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  errCode?: string;
}

interface TokenState {
  expiresAt: number;
  revoked: boolean;
}

interface AkState {
  failures: number;
  lockedUntil: number;
}

interface PendingFault {
  remaining: number;
  fault: Fault;
}

type ApiRoute =
  | { kind: "cluster"; projectId: string; clusterId: string }
  | { kind: "connections"; projectId: string; clusterId: string }
  | { kind: "open"; projectId: string; clusterId: string }
  | { kind: "close"; projectId: string; clusterId: string }
  | { kind: "permissions"; projectId: string; clusterId: string };

function nowIso(): string {
  return new Date().toISOString();
}

function newRequestId(): string {
  return randomBytes(16).toString("hex");
}

function json(status: number, value: unknown, headers?: Record<string, string>): Answer {
  return headers ? { status, body: JSON.stringify(value), headers } : { status, body: JSON.stringify(value) };
}

/** CSS backend error shape. */
function cssError(status: number, code: string, message: string, headers?: Record<string, string>): Answer {
  return { ...json(status, { errCode: code, externalMessage: message }, headers), errCode: code };
}

/** API gateway error shape (auth failures, unknown APIs, throttling). */
function gatewayError(status: number, code: string, message: string, requestId: string): Answer {
  return { ...json(status, { error_code: code, error_msg: message, request_id: requestId }), errCode: code };
}

function iamError(status: number, message: string, title: string): Answer {
  return json(status, { error: { code: status, message, title } });
}

function emptyOk(): Answer {
  return { status: 200, body: "" };
}

function parseJson(buf: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (buf.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(buf.toString("utf8")) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Keep passwords out of the request log. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === "password" && typeof v === "string" ? "***" : redact(v);
  return out;
}

function stableDomainId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 32);
}

function defaultFaultCode(status: number): string {
  switch (status) {
    case 400:
      return "CSS.0001";
    case 401:
      return "APIG.0301";
    case 403:
      return "CSS.0010";
    case 404:
      return "CSS.0015";
    case 409:
      return "CSS.0029";
    case 412:
      return "CSS.0011";
    case 429:
      return "APIG.0308";
    default:
      return "CSS.9999";
  }
}

function matchesFilter(r: RecordedRequest, f: RequestFilter): boolean {
  if (f.method !== undefined && r.method !== f.method.toUpperCase()) return false;
  if (f.pathIncludes !== undefined && !r.path.includes(f.pathIncludes)) return false;
  if (f.status !== undefined && r.status !== f.status) return false;
  if (f.clusterId !== undefined && r.clusterId !== f.clusterId) return false;
  if (f.auth !== undefined && r.auth !== f.auth) return false;
  return true;
}

export class CssEmulator {
  private readonly initial: ResolvedEmulatorOptions;
  private opts: ResolvedEmulatorOptions;
  private server: http.Server | undefined;
  private baseUrl = "";
  private startedAt = performance.now();
  /** Bumped by stop() so handlers still awaiting a delay do not answer afterwards. */
  private generation = 0;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private readonly clusterMap = new Map<string, ClusterState>();
  private readonly tokens = new Map<string, TokenState>();
  private readonly akState = new Map<string, AkState>();
  private faults: PendingFault[] = [];
  private ipCounter = 10;
  private readonly log: RecordedRequest[] = [];

  constructor(opts: EmulatorOptions = {}) {
    this.initial = { ...defaultOptions(), ...checkOptions(opts) };
    this.opts = structuredClone(this.initial);
    this.seedClusters();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Starts listening; resolves the base URL, e.g. http://127.0.0.1:PORT. */
  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { "Content-Type": JSON_TYPE });
          res.end(JSON.stringify({ errCode: "CSS.9999", externalMessage: `emulator error: ${String(err)}` }));
        }
      });
    });
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    const host = addr.family === "IPv6" || addr.address.includes(":") ? `[${addr.address}]` : addr.address;
    this.baseUrl = `http://${host}:${addr.port}`;
    this.startedAt = performance.now();
    return this.baseUrl;
  }

  /** Closes the server and destroys every socket, including idle keep-alive ones. */
  async stop(): Promise<void> {
    this.generation++;
    this.clearTimers();
    this.wakeSleepers();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    server.closeAllConnections();
    await closed;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error("CssEmulator: start() has not been called");
    return this.baseUrl;
  }

  get projectId(): string {
    return this.opts.projectId;
  }

  /** A copy of the current options. */
  get options(): ResolvedEmulatorOptions {
    return structuredClone(this.opts);
  }

  /** Change behaviour at runtime (busyMs, bodyStyle, maxLimit, latencyMs, keys...). host/port apply at the next start(). */
  configure(partial: Partial<EmulatorOptions>): void {
    this.opts = { ...this.opts, ...checkOptions(partial) };
  }

  /** Back to the constructor's options and seeded clusters; clears the log, faults, tokens and AK locks. */
  reset(): void {
    this.clearTimers();
    this.opts = structuredClone(this.initial);
    this.clusterMap.clear();
    this.tokens.clear();
    this.akState.clear();
    this.faults = [];
    this.log.length = 0;
    this.seedClusters();
  }

  // ---- state control ---------------------------------------------------------------------

  addCluster(id: string, opts: ClusterOptions = {}): void {
    if (this.clusterMap.has(id)) throw new EmulatorInputError(`cluster ${id} already exists`, 409);
    const c: ClusterState = {
      id,
      name: opts.name ?? `css-${id.slice(0, 8)}`,
      vpcepEnabled: opts.vpcepEnabled ?? true,
      available: opts.available ?? true,
      vpcServiceName: opts.vpcServiceName ?? `${this.opts.regions[0] ?? "eu-de"}.css-op-no-delete.${randomUUID()}`,
      vpcepIp: this.nextIp(),
      permissions: [],
      busyUntil: 0,
      createdAt: nowIso(),
      connections: new Map(),
    };
    this.clusterMap.set(id, c);
    for (const e of opts.endpoints ?? []) this.addConnection(id, { id: e });
  }

  removeCluster(id: string): void {
    this.clusterMap.delete(id);
  }

  setVpcepEnabled(id: string, enabled: boolean): void {
    const c = this.mustCluster(id);
    if (enabled && !c.vpcepEnabled) c.vpcepIp = this.nextIp();
    c.vpcepEnabled = enabled;
  }

  setClusterAvailable(id: string, available: boolean): void {
    this.mustCluster(id).available = available;
  }

  addConnection(clusterId: string, conn: NewConnection): void {
    const c = this.mustCluster(clusterId);
    if (c.connections.has(conn.id)) throw new EmulatorInputError(`endpoint ${conn.id} is already connected to cluster ${clusterId}`, 409);
    c.connections.set(conn.id, {
      id: conn.id,
      status: conn.status ?? "pendingAcceptance",
      domainId: conn.domainId ?? stableDomainId(`consumer:${conn.id}`),
      vpcepIp: conn.vpcepIp ?? this.nextIp(),
      vpcepDnsName: conn.vpcepDnsName ?? `${conn.id}.vpcep.${this.opts.regions[0] ?? "eu-de"}.emulator.local`,
      createdAt: nowIso(),
      updatedAt: null,
    });
  }

  removeConnection(clusterId: string, endpointId: string): void {
    this.clusterMap.get(clusterId)?.connections.delete(endpointId);
  }

  /** Out-of-band change (someone clicked in the console); does not start a busy window. */
  setStatus(clusterId: string, endpointId: string, status: ConnectionStatus): void {
    const conn = this.mustCluster(clusterId).connections.get(endpointId);
    if (!conn) throw new EmulatorInputError(`endpoint ${endpointId} is not connected to cluster ${clusterId}`, 404);
    conn.status = status;
    conn.updatedAt = nowIso();
  }

  /** Every connection of the cluster back to pendingAcceptance. */
  resetConnections(clusterId: string): void {
    for (const conn of this.mustCluster(clusterId).connections.values()) {
      conn.status = "pendingAcceptance";
      conn.updatedAt = null;
    }
  }

  status(clusterId: string, endpointId: string): ConnectionStatus | undefined {
    return this.clusterMap.get(clusterId)?.connections.get(endpointId)?.status;
  }

  /** Connections in insertion order; [] for an unknown cluster. */
  connections(clusterId: string): ConnectionInfo[] {
    const c = this.clusterMap.get(clusterId);
    return c ? [...c.connections.values()].map((x) => ({ ...x })) : [];
  }

  cluster(id: string): ClusterInfo | undefined {
    const c = this.clusterMap.get(id);
    if (!c) return undefined;
    return {
      id: c.id,
      name: c.name,
      vpcepEnabled: c.vpcepEnabled,
      available: c.available,
      vpcServiceName: c.vpcServiceName,
      vpcepIp: c.vpcepIp,
      permissions: c.permissions.map((p) => p.domainId),
      busyForMs: Math.max(0, Math.ceil(c.busyUntil - performance.now())),
      connections: this.connections(id),
    };
  }

  clusters(): ClusterInfo[] {
    return [...this.clusterMap.keys()].map((id) => this.cluster(id) as ClusterInfo);
  }

  /** The next n matching API calls (after successful auth) get this fault. */
  failNext(n: number, fault: Fault): void {
    if (!Number.isInteger(n) || n < 1) throw new EmulatorInputError("failNext: n must be an integer >= 1");
    this.faults.push({ remaining: n, fault: structuredClone(fault) });
  }

  clearFaults(): void {
    this.faults = [];
  }

  pendingFaults(): { remaining: number; fault: Fault }[] {
    return structuredClone(this.faults);
  }

  /** Every issued token now answers 401 "token expired". */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  get requests(): RecordedRequest[] {
    return this.log;
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  /** Recorded requests matching the filter (all when none). */
  findRequests(filter: RequestFilter = {}): RecordedRequest[] {
    return this.log.filter((r) => matchesFilter(r, filter));
  }

  count(filter: RequestFilter = {}): number {
    return this.findRequests(filter).length;
  }

  // ---- internals: helpers ----------------------------------------------------------------

  private seedClusters(): void {
    for (const seed of this.opts.clusters) {
      const { id, ...rest } = seed;
      this.addCluster(id, rest);
    }
  }

  private mustCluster(id: string): ClusterState {
    const c = this.clusterMap.get(id);
    if (!c) throw new EmulatorInputError(`cluster ${id} does not exist`, 404);
    return c;
  }

  private nextIp(): string {
    const n = this.ipCounter++;
    return `192.168.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
  }

  /** Pending status changes (applyDelayMs); in-flight delays are left alone. */
  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Ends every in-flight delay at once (stop() only). */
  private wakeSleepers(): void {
    for (const wake of [...this.sleepers]) wake();
    this.sleepers.clear();
  }

  /** A delay that stop() cuts short (so stop never waits on it). */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private takeFault(method: string, path: string, iam: boolean): Fault | undefined {
    for (const pf of this.faults) {
      const m = pf.fault.match;
      if (m?.method !== undefined && m.method.toUpperCase() !== method) continue;
      if (m?.pathIncludes !== undefined && !path.includes(m.pathIncludes)) continue;
      // IAM calls only get faults that explicitly target them.
      if (iam && m?.pathIncludes === undefined) continue;
      pf.remaining--;
      if (pf.remaining <= 0) this.faults = this.faults.filter((x) => x !== pf);
      return pf.fault;
    }
    return undefined;
  }

  private readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          resolve(undefined);
          req.removeAllListeners("data");
          req.resume();
          return;
        }
        chunks.push(c);
      });
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });
  }

  private write(res: http.ServerResponse, gen: number, answer: Answer, rec?: RecordedRequest): void {
    if (rec) {
      rec.status = answer.status;
      if (answer.errCode !== undefined) rec.errCode = answer.errCode;
    }
    if (gen !== this.generation || res.destroyed || res.headersSent) return;
    const body = answer.body ?? "";
    const headers: Record<string, string | number> = {
      "Content-Type": answer.contentType ?? JSON_TYPE,
      "Content-Length": Buffer.byteLength(body),
      ...(answer.headers ?? {}),
    };
    res.writeHead(answer.status, headers);
    res.end(body);
  }

  // ---- internals: request handling -------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const gen = this.generation;
    const requestId = newRequestId();
    res.setHeader("X-Request-Id", requestId);
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
    const method = (req.method ?? "GET").toUpperCase();
    const body = await this.readBody(req);

    if (path === "/_emulator" || path.startsWith("/_emulator/")) {
      if (body === undefined) return this.write(res, gen, json(413, { error: "body too large" }));
      const answer = handleControl(this, method, path, rawQuery, body);
      return this.write(res, gen, json(answer.status, answer.body));
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawQuery)) query[k] = v;
    const parsed = body === undefined ? { ok: false as const } : parseJson(body);
    const segments = path.split("/").slice(1).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    const route = this.route(method, segments);
    const rec: RecordedRequest = {
      method,
      path,
      query,
      headers,
      body: parsed.ok ? redact(parsed.value) : body?.toString("utf8"),
      status: 0,
      requestId,
      auth: "none",
      at: Math.round(performance.now() - this.startedAt),
    };
    if (route && route !== "iam") rec.clusterId = route.clusterId;
    this.log.push(rec);

    await this.sleep(this.opts.latencyMs);
    if (gen !== this.generation) return;
    if (body === undefined) return this.write(res, gen, cssError(413, "CSS.0001", "Request body too large"), rec);
    if (!route) {
      return this.write(
        res,
        gen,
        gatewayError(404, "APIG.0101", "The API does not exist or has not been published in the environment", requestId),
        rec,
      );
    }

    if (route === "iam") {
      const fault = this.takeFault(method, path, true);
      if (fault && (await this.applyFault(fault, req, res, gen, rec))) return;
      return this.write(res, gen, this.issueToken(parsed), rec);
    }

    const auth = this.authenticate(req, path, rawQuery, body, requestId);
    rec.auth = auth.kind;
    if (auth.answer) return this.write(res, gen, auth.answer, rec);

    const fault = this.takeFault(method, path, false);
    if (fault && (await this.applyFault(fault, req, res, gen, rec))) return;

    return this.write(res, gen, this.api(method, route, headers, query, body, parsed), rec);
  }

  /** Applies a fault; false when the call should then proceed normally (a pure delay). */
  private async applyFault(
    fault: Fault,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    gen: number,
    rec: RecordedRequest,
  ): Promise<boolean> {
    rec.fault = true;
    await this.sleep(fault.delayMs ?? 0);
    if (gen !== this.generation) return true;
    if (fault.reset) {
      rec.status = 0;
      req.socket.destroy();
      return true;
    }
    if (fault.status === undefined && fault.body === undefined) return false;
    const status = fault.status ?? 200;
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": fault.retryAfter } : {};
    let answer: Answer;
    if (fault.body !== undefined) {
      answer = { status, body: fault.body, contentType: fault.contentType ?? JSON_TYPE, headers };
      if (fault.code !== undefined) answer.errCode = fault.code;
    } else {
      const code = fault.code ?? defaultFaultCode(status);
      const message = fault.message ?? `injected fault: ${http.STATUS_CODES[status] ?? status}`;
      answer = /^APIGW?\./.test(code)
        ? { ...gatewayError(status, code, message, rec.requestId), headers }
        : cssError(status, code, message, headers);
      if (fault.contentType !== undefined) answer.contentType = fault.contentType;
    }
    this.write(res, gen, answer, rec);
    return true;
  }

  private route(method: string, s: string[]): ApiRoute | "iam" | undefined {
    if (s.length === 3 && s[0] === "v3" && s[1] === "auth" && s[2] === "tokens") return method === "POST" ? "iam" : undefined;
    if (s[0] !== "v1.0" || s[2] !== "clusters" || !s[1] || !s[3]) return undefined;
    const base = { projectId: s[1], clusterId: s[3] };
    if (s.length === 4) return method === "GET" ? { kind: "cluster", ...base } : undefined;
    if (s.length !== 6 || s[4] !== "vpcepservice") return undefined;
    const op = `${method} ${s[5]}`;
    if (op === "GET connections" || op === "POST connections") return { kind: "connections", ...base };
    if (op === "POST open") return { kind: "open", ...base };
    if (op === "PUT close") return { kind: "close", ...base };
    if (op === "POST permissions") return { kind: "permissions", ...base };
    return undefined;
  }

  private authenticate(
    req: http.IncomingMessage,
    path: string,
    rawQuery: string,
    body: Buffer,
    requestId: string,
  ): { kind: AuthKind; answer?: Answer } {
    const deny = (msg: string): { kind: AuthKind; answer: Answer } => ({
      kind: "failed",
      answer: gatewayError(401, "APIG.0301", `Incorrect IAM authentication information: ${msg}`, requestId),
    });
    const authorization = headerValue(req.headers, "authorization");
    if (authorization) {
      const ak = /Access=([^,\s]+)/.exec(authorization)?.[1];
      const now = performance.now();
      const st = ak !== undefined ? this.akState.get(ak) : undefined;
      if (ak !== undefined && st && st.lockedUntil > now) {
        return deny(`AK locked after ${AK_LOCK_THRESHOLD} failed attempts, try again in ${Math.ceil((st.lockedUntil - now) / 1000)} s`);
      }
      const result = verifyRequest(
        { method: req.method ?? "GET", path, query: rawQuery, headers: req.headers, body },
        { keys: this.opts.keys, clockSkewMs: this.opts.clockSkewMs },
      );
      if (result.ok) {
        this.akState.delete(result.accessKey);
        return { kind: "aksk" };
      }
      if (ak !== undefined) {
        // A lock that has run out starts a fresh count.
        const s = !st || st.lockedUntil > 0 ? { failures: 0, lockedUntil: 0 } : st;
        s.failures++;
        if (s.failures >= AK_LOCK_THRESHOLD) s.lockedUntil = now + this.opts.lockMs;
        this.akState.set(ak, s);
      }
      return deny(result.message);
    }
    const token = headerValue(req.headers, "x-auth-token");
    if (token) {
      const t = this.tokens.get(token);
      if (!t) return deny("token is invalid");
      if (t.revoked || t.expiresAt <= Date.now()) return deny("token expired");
      return { kind: "token" };
    }
    return deny("neither Authorization nor X-Auth-Token was sent");
  }

  private issueToken(parsed: { ok: true; value: unknown } | { ok: false }): Answer {
    const bad = (m: string): Answer => iamError(400, m, "Bad Request");
    if (!parsed.ok || !isObject(parsed.value)) return bad("The request body is not valid JSON.");
    const auth = parsed.value["auth"];
    const identity = isObject(auth) ? auth["identity"] : undefined;
    const password = isObject(identity) ? identity["password"] : undefined;
    const user = isObject(password) ? password["user"] : undefined;
    const methods = isObject(identity) ? stringList(identity["methods"]) : undefined;
    if (!isObject(user) || !methods?.includes("password")) return bad("Only password authentication is supported.");
    const domain = user["domain"];
    const match = this.opts.users.find(
      (u) =>
        u.name === user["name"] &&
        u.password === user["password"] &&
        isObject(domain) &&
        u.domainName === domain["name"],
    );
    if (!match) return iamError(401, "The username or password is wrong.", "Unauthorized");

    const scope = isObject(auth) ? auth["scope"] : undefined;
    const project = isObject(scope) ? scope["project"] : undefined;
    if (!isObject(project)) return bad("A project scope (scope.project.id or scope.project.name) is required.");
    const okId = project["id"] === this.opts.projectId;
    const okName = typeof project["name"] === "string" && this.opts.regions.includes(project["name"]);
    if (!okId && !okName) {
      return iamError(403, `No access to project ${String(project["id"] ?? project["name"])}.`, "Forbidden");
    }

    const token = "MIIemu" + randomBytes(48).toString("base64url");
    const expiresAt = Date.now() + this.opts.tokenTtlMs;
    this.tokens.set(token, { expiresAt, revoked: false });
    const domainRef = { id: stableDomainId(`domain:${match.domainName}`), name: match.domainName };
    return json(
      201,
      {
        token: {
          expires_at: new Date(expiresAt).toISOString(),
          issued_at: nowIso(),
          methods: ["password"],
          project: {
            id: this.opts.projectId,
            name: okName ? (project["name"] as string) : (this.opts.regions[0] ?? "eu-de"),
            domain: domainRef,
          },
          user: { id: stableDomainId(`user:${match.name}`), name: match.name, domain: domainRef },
          catalog: [],
        },
      },
      { "X-Subject-Token": token },
    );
  }

  private goneAnswer(clusterId: string): Answer {
    const msg = `Cluster ${clusterId} does not exist or has been deleted`;
    switch (this.opts.goneStyle) {
      case "css3027":
        return cssError(404, "CSS.3027", msg);
      case "css0047":
        return cssError(400, "CSS.0047", msg);
      case "plain404":
        return json(404, { message: msg });
      case "css0015":
        return cssError(403, "CSS.0015", "Resource not found or access denied");
    }
  }

  private api(
    method: string,
    route: ApiRoute,
    headers: Record<string, string>,
    query: Record<string, string>,
    raw: Buffer,
    parsed: { ok: true; value: unknown } | { ok: false },
  ): Answer {
    const pid = this.opts.projectId;
    // 403 (not 404): the project exists somewhere, these credentials just are not for it.
    if (route.projectId !== pid) {
      return cssError(403, "CSS.0010", `Not authorized for project ${route.projectId}: the credentials are scoped to another project`);
    }
    const xProject = headers["x-project-id"];
    if (xProject !== undefined && xProject !== pid) {
      return cssError(403, "CSS.0010", `X-Project-Id ${xProject} does not match project ${pid}`);
    }
    const c = this.clusterMap.get(route.clusterId);
    if (!c) return this.goneAnswer(route.clusterId);

    if (route.kind === "cluster") return json(200, this.clusterBody(c));

    if (method !== "GET") {
      if (!c.available) {
        return cssError(412, "CSS.0011", `Cluster ${c.id} is not available (status 303); wait until it is available and retry`);
      }
      if (c.busyUntil > performance.now()) {
        return cssError(409, "CSS.0029", "Another operation is in progress on the cluster, try again later");
      }
    }
    if (route.kind === "open") return this.open(c, raw, parsed);
    if (!c.vpcepEnabled) return cssError(400, "CSS.5182", "VPC endpoint service is not enabled");
    if (route.kind === "close") {
      c.vpcepEnabled = false;
      this.markBusy(c);
      return json(200, { action: "deleteVpcepservice" });
    }
    if (route.kind === "permissions") return this.permissions(c, raw, parsed);
    return method === "GET" ? this.list(c, query) : this.action(c, raw, parsed);
  }

  private markBusy(c: ClusterState): void {
    c.busyUntil = performance.now() + this.opts.busyMs;
  }

  private clusterBody(c: ClusterState): JsonObject {
    const body: JsonObject = {
      id: c.id,
      name: c.name,
      status: c.available ? "200" : "303",
      created: c.createdAt,
      updated: c.createdAt,
      datastore: { type: "elasticsearch", version: "7.10.2" },
      supportVpcep: c.vpcepEnabled,
    };
    if (c.vpcepEnabled) body["vpcepIp"] = c.vpcepIp;
    return body;
  }

  /** The field in the configured spelling, or undefined with the 400 to send. */
  private styled(obj: JsonObject, snake: string, camel: string): { value: unknown; error?: Answer } {
    const style = this.opts.bodyStyle;
    if (style !== "camel" && obj[snake] !== undefined) return { value: obj[snake] };
    if (style !== "snake" && obj[camel] !== undefined) return { value: obj[camel] };
    const wanted = style === "camel" ? camel : snake;
    return { value: undefined, error: cssError(400, "CSS.0001", `Invalid parameter: ${wanted} is required`) };
  }

  private list(c: ClusterState, query: Record<string, string>): Answer {
    // `start` (the pre-2025 1-based parameter) is ignored, as the current API does.
    const int = (v: string | undefined, def: number): number | undefined =>
      v === undefined || v === "" ? def : /^\d+$/.test(v) ? Number(v) : undefined;
    const offset = int(query["offset"], 0);
    const limit = int(query["limit"], 10);
    if (offset === undefined) return cssError(400, "CSS.0001", "Invalid parameter: offset must be an integer >= 0");
    if (limit === undefined || limit < 1) return cssError(400, "CSS.0001", "Invalid parameter: limit must be an integer >= 1");
    const all = [...c.connections.values()];
    const page = all.slice(offset, offset + Math.min(limit, this.opts.maxLimit));
    return json(200, {
      connections: page.map((x) => ({
        id: x.id,
        status: x.status,
        maxSession: "3000",
        specificationName: "default",
        created_at: x.createdAt,
        update_at: x.updatedAt,
        domain_id: x.domainId,
        vpcepIp: x.vpcepIp,
        vpcepDnsName: x.vpcepDnsName,
      })),
      vpcServiceName: c.vpcServiceName,
      permissions: c.permissions.map((p) => ({
        id: p.id,
        permission: `iam:domain::${p.domainId}`,
        permission_type: "domainId",
        created_at: p.createdAt,
      })),
      vpcepUpdateSwitch: false,
      total_count: all.length,
    });
  }

  private action(c: ClusterState, raw: Buffer, parsed: { ok: true; value: unknown } | { ok: false }): Answer {
    if (raw.length === 0) return cssError(400, "CSS.0006", "The request body is empty");
    if (!parsed.ok || !isObject(parsed.value)) return cssError(400, "CSS.0001", "Invalid parameter: the request body is not a JSON object");
    const body = parsed.value;
    const list = this.styled(body, "endpoint_id_list", "endpointIdList");
    if (list.error) return list.error;
    const action = body["action"];
    if (action !== "receive" && action !== "reject") {
      return cssError(400, "CSS.0001", `Invalid parameter: action must be "receive" or "reject", got ${JSON.stringify(action)}`);
    }
    const ids = stringList(list.value);
    if (!ids) return cssError(400, "CSS.0001", "Invalid parameter: the endpoint id list must be an array of strings");
    if (ids.length === 0) return cssError(400, "CSS.0006", "The endpoint id list is empty");
    const unknown = [...new Set(ids.filter((id) => !c.connections.has(id)))];
    if (unknown.length > 0) {
      return cssError(404, "CSS.0016", `VPC endpoint ${unknown.join(", ")} is not connected to cluster ${c.id}`);
    }
    const target: ConnectionStatus = action === "receive" ? "accepted" : "rejected";
    const apply = (): void => {
      const at = nowIso();
      for (const id of ids) {
        const conn = c.connections.get(id);
        if (!conn) continue;
        conn.status = target;
        conn.updatedAt = at;
      }
    };
    if (!this.opts.freezeStatuses) {
      if (this.opts.applyDelayMs > 0) this.later(this.opts.applyDelayMs, apply);
      else apply();
    }
    this.markBusy(c);
    return emptyOk();
  }

  private open(c: ClusterState, raw: Buffer, parsed: { ok: true; value: unknown } | { ok: false }): Answer {
    if (raw.length > 0 && (!parsed.ok || !isObject(parsed.value))) {
      return cssError(400, "CSS.0001", "Invalid parameter: the request body is not a JSON object");
    }
    // Re-enabling allocates a new endpoint-service IP, as the real service may.
    if (!c.vpcepEnabled) c.vpcepIp = this.nextIp();
    c.vpcepEnabled = true;
    this.markBusy(c);
    return json(200, { action: "createVpcepservice" });
  }

  private permissions(c: ClusterState, raw: Buffer, parsed: { ok: true; value: unknown } | { ok: false }): Answer {
    if (raw.length === 0) return cssError(400, "CSS.0006", "The request body is empty");
    if (!parsed.ok || !isObject(parsed.value)) return cssError(400, "CSS.0001", "Invalid parameter: the request body is not a JSON object");
    const field = this.styled(parsed.value, "vpc_permissions", "vpcPermissions");
    if (field.error) return field.error;
    const domains = stringList(field.value);
    if (!domains) return cssError(400, "CSS.0001", "Invalid parameter: the permission list must be an array of strings");
    const at = nowIso();
    c.permissions = [...new Set(domains)].map((d) => ({ id: randomUUID(), domainId: d, createdAt: at }));
    this.markBusy(c);
    return emptyOk();
  }
}
