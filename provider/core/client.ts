/**
 * The CSS VPC endpoint client: one instance per operation, built when the operation runs (never
 * captured into the serialized provider). Thin I/O over axios: authentication, error mapping,
 * retries, paging and the body-field fallback; every decision is delegated to the pure modules.
 */
import axios, { AxiosError, AxiosInstance, AxiosResponse } from "axios";
import { formatSdkDate, sign } from "./auth/signer";
import { PasswordCredentials, cachedToken, forgetToken, storeToken, tokenCacheKey, tokenRequestBody } from "./auth/token";
import type { SendReport } from "./coordinator";
import { Deadline, now } from "./deadline";
import { CssApiError, classifyHttp, cssApiError, isCssApiError, classifyNetwork, parseErrorBody, redactSecrets, summariseText } from "./errors";
import type { Logger } from "./log";
import { RetryPacer, RetryPolicy, parseRetryAfter, withRetry } from "./retry";
import type { Credentials, Target } from "./settings";
import { ServiceAddresses, toObserved, toServiceAddresses, toWhitelist } from "./responses";
import type { ApprovalAction, ObservedConnection } from "./types";

export interface ClientOptions {
  target: Target;
  credentials: Credentials;
  deadline: Deadline;
  policy: RetryPolicy;
  log: Logger;
  /** Secret values to scrub from any message. */
  secrets: readonly string[];
  /** Upper bound for one HTTP exchange (also bounded by the deadline). */
  requestTimeoutMs: number;
}

export interface ConnectionList {
  connections: ObservedConnection[];
  vpcServiceName?: string;
  /** The whitelist: account (domain) ids allowed to connect, sorted. */
  permissions?: string[];
}

export type BodyStyle = "snake" | "camel";
/** Request fields in the current (snake_case) and the older OTC (camelCase) spelling. */
const FIELDS: Record<"endpointIds" | "vpcPermissions" | "endpointWithDnsName", Record<BodyStyle, string>> = {
  endpointIds: { snake: "endpoint_id_list", camel: "endpointIdList" },
  vpcPermissions: { snake: "vpc_permissions", camel: "vpcPermissions" },
  endpointWithDnsName: { snake: "endpoint_with_dns_name", camel: "endpointWithDnsName" },
};

// Which body field each host accepted last (process-wide; older OTC docs used camelCase).
const STYLE_KEY = "__pulumiCssVpcepBodyStyle";
function styleMemory(): Map<string, BodyStyle> {
  const g = globalThis as unknown as Record<string, Map<string, BodyStyle> | undefined>;
  return (g[STYLE_KEY] ??= new Map());
}

interface Answer {
  status: number;
  data: unknown;
  requestId?: string;
}

interface RequestSpec {
  method: "GET" | "POST" | "PUT";
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  /** Treat an unreadable 2xx body as an error (only where we need the body). */
  expectJson?: boolean;
}

/** Page size asked for; the server may clamp it (the emulator can be told to), and paging copes. */
export const PAGE_LIMIT = 1000;
const CLUSTER_PAGE_LIMIT = 1000;
const MAX_PAGES = 10_000;

export class CssClient {
  private readonly http: AxiosInstance;
  /** Tokens from the password exchange that this client sent: scrubbed from messages like secrets. */
  private readonly issuedTokens: string[] = [];

  constructor(private readonly opts: ClientOptions) {
    this.http = axios.create({
      validateStatus: () => true,
      // Raw text in and out: we sign the exact bytes and parse defensively.
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      transformRequest: [(data: unknown) => data],
      maxRedirects: 0,
    });
  }

  private projectPath(suffix: string): string {
    return `/v1.0/${encodeURIComponent(this.opts.target.projectId)}${suffix}`;
  }

  private servicePath(clusterId: string, call: "connections" | "open" | "close" | "permissions"): string {
    return this.projectPath(`/clusters/${encodeURIComponent(clusterId)}/vpcepservice/${call}`);
  }

  private connectionsPath(clusterId: string): string {
    return this.servicePath(clusterId, "connections");
  }

  /** All connections of the cluster's VPC endpoint service, every page. */
  async listConnections(clusterId: string): Promise<ConnectionList> {
    const byId = new Map<string, ObservedConnection>();
    let vpcServiceName: string | undefined;
    let permissions: string[] | undefined;
    let offset = 0;
    let previousPage = "";
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.call(
        { method: "GET", path: this.connectionsPath(clusterId), query: { offset, limit: PAGE_LIMIT }, expectJson: true },
        `list connections of cluster ${clusterId}`,
      );
      const body = answer.data as Record<string, unknown>;
      if (typeof body.vpcServiceName === "string") vpcServiceName = body.vpcServiceName;
      if (Array.isArray(body.permissions)) permissions = toWhitelist(body.permissions);
      const rows = Array.isArray(body.connections) ? body.connections : [];
      const conns = rows.map(toObserved).filter((c): c is ObservedConnection => c !== undefined);
      const signature = conns.map((c) => c.id).join(",");
      // A server that ignores offset returns the same page forever: stop instead of looping.
      if (conns.length === 0 || signature === previousPage) break;
      previousPage = signature;
      for (const c of conns) byId.set(c.id, c);
      offset += rows.length;
      const total = typeof body.total_count === "number" ? body.total_count : undefined;
      if (total !== undefined ? byId.size >= total || offset >= total : rows.length < PAGE_LIMIT) break;
    }
    const list: ConnectionList = { connections: [...byId.values()], vpcServiceName };
    if (permissions) list.permissions = permissions;
    return list;
  }

  /**
   * Does the project's cluster list (ListClustersDetails, paged) include this cluster? The one way to
   * tell "cluster gone" from "no access" after a CSS.0015. Throws when the list itself is refused.
   */
  async clusterListed(clusterId: string): Promise<boolean> {
    // Whether `offset` is 0- or 1-based here is not settled (the docs disagree), so the first page
    // asks for none, and later ones ask for "what we have seen": a 1-based server then repeats one
    // cluster, which costs nothing, and a 0-based one skips none.
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const query: Record<string, number> = page === 0 ? { limit: CLUSTER_PAGE_LIMIT } : { offset: seen.size, limit: CLUSTER_PAGE_LIMIT };
      const answer = await this.call({ method: "GET", path: this.projectPath("/clusters"), query, expectJson: true }, "list the project's clusters");
      const body = answer.data as Record<string, unknown>;
      const ids = (Array.isArray(body.clusters) ? body.clusters : [])
        .map((r: unknown) => (r !== null && typeof r === "object" ? (r as { id?: unknown }).id : undefined))
        .filter((id): id is string => typeof id === "string");
      if (ids.includes(clusterId)) return true;
      const before = seen.size;
      ids.forEach((id) => seen.add(id));
      const total = [body.totalSize, body.total_size, body.total_count].find((t): t is number => typeof t === "number");
      // A server may clamp the page size, so a short page alone does not end the list: the total does,
      // or a page that brings nothing new.
      if (seen.size === before || (total !== undefined && seen.size >= total)) return false;
    }
    return false;
  }

  /**
   * POST the action for the endpoints `ids()` returns at each attempt (the coordinator drops requests
   * whose deadline passed). Reports how many attempts it took, which tells the coordinator how long
   * the cluster stayed busy.
   */
  applyAction(clusterId: string, action: ApprovalAction, ids: () => readonly string[], pace?: RetryPacer): Promise<SendReport> {
    const count = ids().length;
    return this.change(
      "POST",
      this.connectionsPath(clusterId),
      (style) => {
        const endpointIds = ids();
        if (endpointIds.length === 0) {
          throw cssApiError({ kind: "deadline", message: `every approval waiting for this ${action} on cluster ${clusterId} ran out of time; nothing sent` });
        }
        return { action, [FIELDS.endpointIds[style]]: [...endpointIds] };
      },
      `${action} ${count} endpoint(s) on cluster ${clusterId}`,
      pace,
    );
  }

  /** Open the cluster's VPC endpoint service (POST .../vpcepservice/open). */
  openService(clusterId: string, endpointWithDnsName: boolean | undefined, pace?: RetryPacer): Promise<SendReport> {
    return this.change(
      "POST",
      this.servicePath(clusterId, "open"),
      (style) => (endpointWithDnsName === undefined ? undefined : { [FIELDS.endpointWithDnsName[style]]: endpointWithDnsName }),
      `open the VPC endpoint service of cluster ${clusterId}`,
      pace,
    );
  }

  /** Close it (PUT .../vpcepservice/close); consumers' connections go with it. */
  closeService(clusterId: string, pace?: RetryPacer): Promise<SendReport> {
    return this.change("PUT", this.servicePath(clusterId, "close"), () => undefined, `close the VPC endpoint service of cluster ${clusterId}`, pace);
  }

  /** Replace the whitelist of account (domain) ids (POST .../vpcepservice/permissions, the whole list each time). */
  setWhitelist(clusterId: string, domainIds: readonly string[], pace?: RetryPacer): Promise<SendReport> {
    return this.change(
      "POST",
      this.servicePath(clusterId, "permissions"),
      (style) => ({ [FIELDS.vpcPermissions[style]]: [...domainIds] }),
      `set the VPC endpoint whitelist of cluster ${clusterId} (${domainIds.length} account(s))`,
      pace,
    );
  }

  /** The cluster's endpoint-service addresses as CSS reports them (GET cluster detail). */
  async clusterAddresses(clusterId: string): Promise<ServiceAddresses> {
    const answer = await this.call(
      { method: "GET", path: this.projectPath(`/clusters/${encodeURIComponent(clusterId)}`), expectJson: true },
      `read cluster ${clusterId}`,
    );
    return toServiceAddresses(answer.data);
  }

  /**
   * A call that changes the cluster (and makes it busy): the body, built per attempt for the field
   * spelling in use, falls back once to the other spelling on a parameter error, remembered per host
   * (older OTC APIs took camelCase).
   */
  private async change(method: "POST" | "PUT", path: string, body: (style: BodyStyle) => unknown, describe: string, pace?: RetryPacer): Promise<SendReport> {
    const host = new URL(this.opts.target.baseUrl).host;
    const memory = styleMemory();
    const first: BodyStyle = memory.get(host) ?? "snake";
    const report: SendReport = { attempts: 0, lastAttemptAt: 0 };
    const send = (style: BodyStyle) =>
      this.call(() => {
        const spec: RequestSpec = { method, path, body: body(style) };
        report.attempts++;
        report.lastAttemptAt = now();
        return spec;
      }, describe, pace);
    try {
      await send(first);
      memory.set(host, first);
    } catch (err) {
      if (!isCssApiError(err) || err.kind !== "parameter") throw err;
      const other: BodyStyle = first === "snake" ? "camel" : "snake";
      this.opts.log.info(`the API refused the ${first === "snake" ? "snake_case" : "camelCase"} body (${err.code}); retrying once with ${other === "snake" ? "snake_case" : "camelCase"}`);
      await send(other);
      memory.set(host, other);
    }
    return report;
  }

  /** One call with retries; `spec` may be rebuilt for each attempt. */
  private call(spec: RequestSpec | (() => RequestSpec), describe: string, pace?: RetryPacer): Promise<Answer> {
    return withRetry(() => this.send(typeof spec === "function" ? spec() : spec), {
      deadline: this.opts.deadline,
      policy: this.opts.policy,
      log: this.opts.log,
      describe,
      pace,
    });
  }

  /** One exchange (plus one token renewal on 401 for password auth). Throws CssApiError. */
  private async send(spec: RequestSpec, renewed = false): Promise<Answer> {
    const { target, credentials } = this.opts;
    const url = new URL(target.baseUrl + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) url.searchParams.set(k, String(v));
    const body = spec.body === undefined ? "" : JSON.stringify(spec.body);
    const headers: Record<string, string> = { "X-Project-Id": target.projectId };
    if (body) headers["Content-Type"] = "application/json;charset=utf8";
    await this.authenticate(spec.method, url, headers, body);

    const started = Date.now();
    const response = await this.exchange(spec.method, url, headers, body);
    const answer = this.toAnswer(spec, response);
    this.opts.log.debug(
      `${spec.method} ${url.pathname}${url.search} -> ${response.status} in ${Date.now() - started} ms${answer.requestId ? ` (request id ${answer.requestId})` : ""}`,
    );
    if (response.status === 401 && credentials.kind === "password" && !renewed) {
      // The cached token expired or was revoked: exchange the password again, once.
      forgetToken(this.tokenKey(credentials));
      this.opts.log.info("IAM token rejected (401); requesting a new one");
      return this.send(spec, true);
    }
    if (response.status >= 200 && response.status < 300) {
      const facts = parseErrorBody(answer.data);
      // CSS answers some "busy" conditions as 202 with an error code in the body.
      if (response.status === 202 && facts.code) throw this.apiError(spec, response, facts);
      return answer;
    }
    throw this.apiError(spec, response, parseErrorBody(response.data));
  }

  private toAnswer(spec: RequestSpec, response: AxiosResponse<string>): Answer {
    const requestId = headerValue(response.headers["x-request-id"]);
    const text = typeof response.data === "string" ? response.data : "";
    if (response.status < 200 || response.status >= 300 || !spec.expectJson) {
      return { status: response.status, data: text, requestId };
    }
    try {
      const data: unknown = JSON.parse(text);
      if (data !== null && typeof data === "object") return { status: response.status, data, requestId };
    } catch {
      // handled below
    }
    throw cssApiError({
      kind: "bad-response",
      status: response.status,
      requestId,
      method: spec.method,
      path: spec.path,
      message: text.trim() === "" ? "empty response body where JSON was expected" : `unreadable response body: ${this.scrub(summariseText(text, 120))}`,
    });
  }

  private apiError(spec: RequestSpec, response: AxiosResponse<string>, facts: ReturnType<typeof parseErrorBody>): CssApiError {
    const { kind, hint } = classifyHttp(response.status, facts.code);
    const error = cssApiError({
      kind,
      hint,
      status: response.status,
      code: facts.code,
      message: facts.message ? this.scrub(facts.message) : undefined,
      requestId: headerValue(response.headers["x-request-id"]) ?? facts.requestId,
      method: spec.method,
      path: spec.path,
    });
    const retryAfterMs = parseRetryAfter(headerValue(response.headers["retry-after"]));
    if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
    return error;
  }

  private async exchange(method: string, url: URL, headers: Record<string, string>, body: string): Promise<AxiosResponse<string>> {
    const remaining = this.opts.deadline.remainingMs();
    const clipped = remaining < this.opts.requestTimeoutMs;
    const timeout = Math.max(1, Math.min(this.opts.requestTimeoutMs, remaining));
    try {
      return await this.http.request<string>({ method, url: url.toString(), headers, data: body || undefined, timeout });
    } catch (err) {
      const error = this.transportError(err, method, url.pathname);
      if (clipped && error.kind === "network" && this.opts.deadline.expired()) {
        // Our own deadline cut the exchange short: that is a timeout of the operation, not a network fault.
        const s = this.opts.deadline.timeoutSeconds;
        throw cssApiError({
          kind: "deadline",
          method,
          path: url.pathname,
          message: `timed out after ${s}s (timeoutSeconds=${s}) while waiting for an answer from ${this.opts.target.baseUrl}; raise timeoutSeconds`,
        });
      }
      throw error;
    }
  }

  private transportError(err: unknown, method: string, path: string): CssApiError {
    const e = err as AxiosError & { cause?: { code?: string } };
    const code = e.code && e.code !== "ERR_BAD_REQUEST" ? e.code : e.cause?.code;
    const { kind, hint } = classifyNetwork(code);
    return cssApiError({
      kind,
      hint,
      code,
      method,
      path,
      message: this.scrub(
        code === "ECONNABORTED" || code === "ETIMEDOUT"
          ? `no answer from ${this.opts.target.baseUrl} within the request timeout`
          : `${e.message || "network error"} (${this.opts.target.baseUrl})`,
      ),
    });
  }

  /** Add the auth headers for the configured credential kind. */
  private async authenticate(method: string, url: URL, headers: Record<string, string>, body: string): Promise<void> {
    const creds = this.opts.credentials;
    if (creds.kind === "token") {
      headers["X-Auth-Token"] = creds.token;
      return;
    }
    if (creds.kind === "password") {
      const token = await this.passwordToken(creds);
      if (!this.issuedTokens.includes(token)) this.issuedTokens.push(token);
      headers["X-Auth-Token"] = token;
      return;
    }
    headers["Host"] = url.host;
    headers["X-Sdk-Date"] = formatSdkDate(new Date());
    if (creds.securityToken) headers["X-Security-Token"] = creds.securityToken;
    const { authorization } = sign({ method, url: url.toString(), headers, body }, creds.accessKey, creds.secretKey);
    headers["Authorization"] = authorization;
  }

  private tokenKey(creds: PasswordCredentials): string {
    return tokenCacheKey(this.opts.target.authUrl, creds, this.opts.target.projectId);
  }

  private async passwordToken(creds: PasswordCredentials): Promise<string> {
    const key = this.tokenKey(creds);
    const hit = cachedToken(key);
    if (hit) return hit;
    const url = new URL(`${this.opts.target.authUrl}/auth/tokens?nocatalog=true`);
    const answer = await withRetry(
      async () => {
        const response = await this.exchange("POST", url, { "Content-Type": "application/json;charset=utf8" }, tokenRequestBody(creds, this.opts.target.projectId));
        if (response.status === 201 || response.status === 200) return response;
        const facts = parseErrorBody(response.data);
        const { kind } = classifyHttp(response.status, facts.code);
        throw cssApiError({
          kind,
          status: response.status,
          code: facts.code,
          message: this.scrub(facts.message ?? "IAM refused the token request"),
          hint:
            response.status === 401
              ? `IAM rejected the username/password for user "${creds.username}" in domain "${creds.domainName}"`
              : undefined,
          requestId: headerValue(response.headers["x-request-id"]),
          method: "POST",
          path: url.pathname,
        });
      },
      { deadline: this.opts.deadline, policy: this.opts.policy, log: this.opts.log, describe: "IAM token request" },
    );
    const token = headerValue(answer.headers["x-subject-token"]);
    if (!token) {
      throw cssApiError({ kind: "bad-response", status: answer.status, method: "POST", path: url.pathname, message: "IAM answered without an X-Subject-Token header" });
    }
    let expiresAt: string | undefined;
    try {
      expiresAt = (JSON.parse(answer.data) as { token?: { expires_at?: string } }).token?.expires_at;
    } catch {
      expiresAt = undefined;
    }
    storeToken(key, token, expiresAt);
    return token;
  }

  /** Configured secrets, and every IAM token this client obtained (a gateway may quote one back). */
  private scrub(text: string): string {
    return redactSecrets(text, [...this.opts.secrets, ...this.issuedTokens]);
  }
}

function headerValue(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (Array.isArray(v) && typeof v[0] === "string") return v[0];
  return undefined;
}

