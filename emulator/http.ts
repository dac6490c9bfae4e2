/**
 * HTTP serving: the listening sockets, and the pipeline every request goes through.
 *
 * /_emulator/... goes to the controls (no auth, not recorded). Everything else is recorded, then:
 * latency -> unknown route (404 APIG.0101, before auth) -> IAM token call (faults aimed at it)
 * or: auth (401) -> injected fault -> the CSS routes.
 */
import * as http from "http";
import type { AddressInfo, Socket } from "net";
import { performance } from "perf_hooks";
import { cssError, gatewayError, json, JSON_TYPE, newRequestId, parseJson, type Answer } from "./answers";
import type { ControlAnswer } from "./contract";
import type { CssRoutes } from "./css-routes";
import { routeFor } from "./css-routes";
import { faultOutcome, type FaultQueue } from "./faults";
import type { IamAuthority } from "./iam";
import { redact, type RequestLog } from "./request-log";
import type { Timers } from "./timers";
import type { Fault, RecordedRequest, ResolvedEmulatorOptions } from "./types";

const MAX_BODY_BYTES = 1024 * 1024;

/** What the pipeline hands requests to. */
export interface Backends {
  options(): ResolvedEmulatorOptions;
  timers: Timers;
  log: RequestLog;
  faults: FaultQueue;
  iam: IamAuthority;
  routes: CssRoutes;
  control(method: string, path: string, rawQuery: string, body: Buffer): Promise<ControlAnswer>;
}

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
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

function decodeSegments(path: string): string[] {
  return path
    .split("/")
    .slice(1)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export class HttpFront {
  private readonly servers: http.Server[] = [];
  private readonly sockets = new Set<Socket>();
  private startedAt = performance.now();
  /** Bumped by stop() so handlers still awaiting a delay do not answer afterwards. */
  private generation = 0;

  constructor(private readonly backends: Backends) {}

  /** Base URLs being served, the first one from start(). */
  get urls(): string[] {
    return this.servers.map((s) => baseUrlOf(s));
  }

  get listening(): boolean {
    return this.servers.length > 0;
  }

  /** Listens on host:port; resolves the base URL, e.g. http://127.0.0.1:PORT. */
  async listen(host: string, port: number): Promise<string> {
    let via = "";
    const server = http.createServer((req, res) => {
      this.handle(req, res, via).catch((err: unknown) => {
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
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    if (this.servers.length === 0) this.startedAt = performance.now();
    this.servers.push(server);
    via = baseUrlOf(server);
    return via;
  }

  /** Closes every listener, ends pending delays and destroys every socket, including idle keep-alive ones. */
  async close(): Promise<void> {
    this.generation++;
    this.backends.timers.cancelPending();
    this.backends.timers.wakeAll();
    const servers = this.servers.splice(0);
    const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    for (const s of servers) s.closeAllConnections();
    await Promise.all(closed);
  }

  private write(res: http.ServerResponse, gen: number, answer: Answer, rec?: RecordedRequest): void {
    if (rec) {
      rec.status = answer.status;
      if (answer.errCode !== undefined) rec.errCode = answer.errCode;
    }
    if (gen !== this.generation || res.destroyed || res.headersSent) return;
    const body = answer.body ?? "";
    res.writeHead(answer.status, {
      "Content-Type": answer.contentType ?? JSON_TYPE,
      "Content-Length": Buffer.byteLength(body),
      ...(answer.headers ?? {}),
    });
    res.end(body);
  }

  /** Applies a fault; false when the call should then proceed normally (a pure delay). */
  private async applyFault(fault: Fault, req: http.IncomingMessage, res: http.ServerResponse, gen: number, rec: RecordedRequest): Promise<boolean> {
    rec.fault = true;
    await this.backends.timers.sleep(fault.delayMs ?? 0);
    if (gen !== this.generation) return true;
    const outcome = faultOutcome(fault, rec.requestId);
    if (outcome.kind === "proceed") return false;
    if (outcome.kind === "reset") {
      rec.status = 0;
      req.socket.destroy();
      return true;
    }
    this.write(res, gen, outcome.answer, rec);
    return true;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, via: string): Promise<void> {
    const b = this.backends;
    const gen = this.generation;
    const requestId = newRequestId();
    res.setHeader("X-Request-Id", requestId);
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
    const method = (req.method ?? "GET").toUpperCase();
    const body = await readBody(req);

    if (path === "/_emulator" || path.startsWith("/_emulator/")) {
      if (body === undefined) return this.write(res, gen, json(413, { error: "body too large" }));
      const answer = await b.control(method, path, rawQuery, body);
      return this.write(res, gen, json(answer.status, answer.body));
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawQuery)) query[k] = v;
    const parsed = body === undefined ? { ok: false as const } : parseJson(body);
    const route = routeFor(method, decodeSegments(path));
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
      via,
    };
    if (route && route !== "iam" && route.kind !== "clusters") rec.clusterId = route.clusterId;
    b.log.add(rec);

    await b.timers.sleep(b.options().latencyMs);
    if (gen !== this.generation) return;
    if (body === undefined) return this.write(res, gen, cssError(413, "CSS.0001", "Request body too large"), rec);
    if (!route) {
      const msg = "The API does not exist or has not been published in the environment";
      return this.write(res, gen, gatewayError(404, "APIG.0101", msg, requestId), rec);
    }

    if (route === "iam") {
      const fault = b.faults.take(method, path, true);
      if (fault && (await this.applyFault(fault, req, res, gen, rec))) return;
      return this.write(res, gen, b.iam.issueToken(parsed), rec);
    }

    const auth = b.iam.authenticate({ method: req.method ?? "GET", path, rawQuery, headers: req.headers, body }, requestId);
    rec.auth = auth.kind;
    if (auth.answer) return this.write(res, gen, auth.answer, rec);

    const fault = b.faults.take(method, path, false);
    if (fault && (await this.applyFault(fault, req, res, gen, rec))) return;

    return this.write(res, gen, b.routes.answer({ method, route, headers, query, raw: body, parsed }), rec);
  }
}

function baseUrlOf(server: http.Server): string {
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" || addr.address.includes(":") ? `[${addr.address}]` : addr.address;
  return `http://${host}:${addr.port}`;
}
