/**
 * API errors and their classification (pure: no I/O). Every failure the client raises is a
 * `CssApiError` carrying what an operator needs: HTTP status, CSS error code, message, request id.
 */

export type ErrorKind =
  | "conflict" // 409, or "operation not allowed in the current status": retry later
  | "throttled" // 429
  | "unavailable" // 502/503/504 from a gateway
  | "network" // connection reset, socket timeout: the request may not have arrived
  | "bad-response" // a 2xx whose body is not the JSON we expect
  | "auth" // 401: bad keys, expired token, clock skew
  | "forbidden" // 403 other than "cluster gone"
  | "parameter" // 400 parameter errors: the body-field fallback looks at these
  | "precondition" // 412: VPCEP service not enabled, or cluster not available
  | "cluster-gone" // the cluster does not exist (a code that says so)
  | "gone-or-denied" // 403 CSS.0015: "not found or access denied"; confirmed against the cluster list before acting on it
  | "service-disabled" // CSS.5182: the VPC endpoint service is not enabled on the cluster
  | "not-found" // 404 on something other than the cluster
  | "unreachable" // DNS failure, connection refused: wrong region or endpoint
  | "tls" // certificate not trusted
  | "deadline" // the operation's timeoutSeconds ran out
  | "client" // other 4xx
  | "server"; // 500 and other 5xx

// Constant lists are arrays, not Sets: the closure serializer copies a Set as an empty object.

/** Codes CSS uses for "the cluster does not exist". CSS.0015 is not among them: it also means "access denied". */
export const CLUSTER_GONE_CODES: readonly string[] = ["CSS.0047", "CSS.3027", "CSS.1103", "CSS.0002", "CSS.0022"];
/** "Resource not found or access denied": gone only when the project's cluster list confirms it. */
export const GONE_OR_DENIED_CODE = "CSS.0015";
/** 400 codes that mean "the parameters are wrong": the trigger for the endpoint_id_list/endpointIdList fallback. */
export const PARAMETER_CODES: readonly string[] = ["CSS.0001", "CSS.0006", "CSS.0017"];
/** 400/202 codes that mean "busy, try again later". */
export const BUSY_CODES: readonly string[] = ["CSS.5090", "CSS.5140", "CSS.0077", "CSS.0011"];

// A 2xx with an unreadable body only happens on GETs (POST bodies are ignored), so it is safe to retry.
const RETRYABLE: readonly ErrorKind[] = ["conflict", "throttled", "unavailable", "network", "bad-response"];
const UNREACHABLE_CODES: readonly string[] = ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH"];
const TLS_CODES: readonly string[] = [
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_UNTRUSTED",
];

export interface ErrorFacts {
  status?: number;
  code?: string;
  message?: string;
  requestId?: string;
}

export interface Classification {
  kind: ErrorKind;
  retryable: boolean;
  /** What the user should do, when we can tell. */
  hint?: string;
}

/** Classify an HTTP answer (status + CSS code). */
export function classifyHttp(status: number, code: string | undefined): Classification {
  const kind = httpKind(status, code);
  return { kind, retryable: RETRYABLE.includes(kind), hint: hintFor(kind, status, code) };
}

function httpKind(status: number, code: string | undefined): ErrorKind {
  if (code === "CSS.5182") return "service-disabled";
  if (code && CLUSTER_GONE_CODES.includes(code)) return "cluster-gone";
  if (code === GONE_OR_DENIED_CODE) return "gone-or-denied";
  // 412 never retries, whatever code comes with it (the emulator and CSS pair it with CSS.0011).
  if (status === 412) return "precondition";
  if (code && BUSY_CODES.includes(code) && (status === 400 || status === 202)) return "conflict";
  if (status === 409) return "conflict";
  if (status === 429) return "throttled";
  if (status === 502 || status === 503 || status === 504) return "unavailable";
  if (status === 401) return "auth";
  if (status === 403) return "forbidden";
  // A 404 without a CSS code proves nothing about the cluster: a wrong base URL or a proxy answers it too.
  if (status === 404) return "not-found";
  if (status === 400 && code && PARAMETER_CODES.includes(code)) return "parameter";
  if (status >= 500) return "server";
  return "client";
}

function hintFor(kind: ErrorKind, status: number, code: string | undefined): string | undefined {
  switch (kind) {
    case "precondition":
      return "is the VPC endpoint service enabled on the cluster, and is the cluster available (not being created, restarted or frozen)?";
    case "service-disabled":
      return "enable the VPC endpoint service on the cluster first (CSS console, or the cluster's vpcep_endpoint setting)";
    case "cluster-gone":
      return "check clusterId and projectId: CSS says the cluster does not exist";
    case "gone-or-denied":
      return "CSS answers this code when the cluster does not exist or the credentials may not see it; check clusterId, projectId and the credentials' permissions";
    case "not-found":
      return code ? undefined : "a 404 without a CSS error code: check the endpoint URL (css-vpcep:endpoint, region, cloud) and any proxy in between";
    case "auth":
      return "check the credentials (access key/secret key, token, or username/password) and, for AK/SK, the machine's clock (X-Sdk-Date must be within 15 minutes of server time; five failed attempts in a row lock the key for 5 minutes)";
    case "forbidden":
      return code === "CSS.0010"
        ? "the credentials lack permission: grant css:VPCEndpoint:manageConnection (Huawei IAM) or the CSS admin role"
        : "the credentials may not perform this call on this project or cluster";
    case "parameter":
      return "the API rejected the request parameters";
    case "server":
      return status === 500 ? "the CSS service failed internally; try again later or contact the cloud's support with the request id" : undefined;
    default:
      return undefined;
  }
}

/** Classify a transport failure (no HTTP answer). */
export function classifyNetwork(errorCode: string | undefined): Classification {
  if (errorCode && TLS_CODES.includes(errorCode)) {
    return {
      kind: "tls",
      retryable: false,
      hint: "the server's TLS certificate is not trusted; add your CA bundle with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (verification is never switched off)",
    };
  }
  if (errorCode && UNREACHABLE_CODES.includes(errorCode)) {
    return { kind: "unreachable", retryable: false, hint: "check region, cloud and endpoint, and HTTPS_PROXY if you need a proxy" };
  }
  return { kind: "network", retryable: true };
}

export function isRetryable(kind: ErrorKind): boolean {
  return RETRYABLE.includes(kind);
}

/** Pull code, message and request id out of any of the three error body shapes CSS and its gateway use. */
export function parseErrorBody(body: unknown): ErrorFacts {
  if (typeof body === "string") {
    const trimmed = body.trim();
    if (trimmed.startsWith("{")) {
      try {
        return parseErrorBody(JSON.parse(trimmed));
      } catch {
        // fall through: not JSON after all
      }
    }
    return trimmed ? { message: summariseText(trimmed) } : {};
  }
  if (body === null || typeof body !== "object") return {};
  const b = body as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);
  // IAM wraps its errors: {"error":{"code":401,"message":"..."}}
  if (b.error && typeof b.error === "object") {
    const e = b.error as Record<string, unknown>;
    return { code: str(e.code) && `IAM.${str(e.code)}`, message: str(e.message) ?? str(e.title) };
  }
  return {
    code: str(b.errCode) ?? str(b.error_code) ?? str(b.code),
    message: str(b.externalMessage) ?? str(b.error_msg) ?? str(b.message) ?? str(b.errMsg),
    requestId: str(b.request_id),
  };
}

/** Shorten a non-JSON body (e.g. a gateway's HTML page) into one readable line. */
export function summariseText(text: string, max = 200): string {
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

/** Replace every occurrence of the given secret values with "***". */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join("***");
  }
  return out;
}

export interface CssApiErrorInit extends ErrorFacts {
  kind: ErrorKind;
  method?: string;
  path?: string;
  hint?: string;
  attempts?: number;
  cause?: unknown;
}

/**
 * The one error shape the client throws. Its message names the call and never holds a credential.
 *
 * A plain Error with fields, not a subclass: Pulumi's closure serializer rewrites `class X extends
 * Error` into a function calling `Error.call(this, ...)`, which leaves the message empty and breaks
 * `instanceof` in the provider process. Use `isCssApiError` to test for it.
 */
export interface CssApiError extends Error {
  readonly name: "CssApiError";
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly apiMessage?: string;
  readonly method?: string;
  readonly path?: string;
  readonly hint?: string;
  attempts?: number;
  /** Milliseconds the server asked us to wait (Retry-After). */
  retryAfterMs?: number;
}

export function cssApiError(init: CssApiErrorInit): CssApiError {
  const error = new Error(formatMessage(init)) as Error & Record<string, unknown>;
  error.name = "CssApiError";
  error.kind = init.kind;
  for (const [key, value] of [
    ["status", init.status],
    ["code", init.code],
    ["requestId", init.requestId],
    ["apiMessage", init.message],
    ["method", init.method],
    ["path", init.path],
    ["hint", init.hint],
    ["attempts", init.attempts],
  ] as const) {
    if (value !== undefined) error[key] = value;
  }
  return error as unknown as CssApiError;
}

/** True for errors made by `cssApiError` (by shape, so it holds across serialized copies). */
export function isCssApiError(err: unknown): err is CssApiError {
  return typeof err === "object" && err !== null && (err as { name?: unknown }).name === "CssApiError" && typeof (err as { kind?: unknown }).kind === "string";
}

/** A failure after something may have changed in the cloud: the outputs to record with it. */
export interface PartialFailure extends Error {
  partialOutputs: Record<string, unknown>;
}

export function isPartialFailure(err: unknown): err is PartialFailure {
  return err instanceof Error && typeof (err as Partial<PartialFailure>).partialOutputs === "object";
}

/** `err`, carrying the outputs to record (see context.ts guard). */
export function withPartialOutputs(err: unknown, outputs: object): PartialFailure {
  return Object.assign(err instanceof Error ? err : new Error(String(err)), { partialOutputs: { ...outputs } });
}

/** A plain Error with a name (see CssApiError for why not a subclass). */
export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function formatMessage(init: CssApiErrorInit): string {
  // The provider's own deadline errors name no call: their message says everything.
  if (init.kind === "deadline" && !init.method && init.message) return init.message;
  const call = init.method && init.path ? `${init.method} ${init.path}` : "CSS API call";
  const parts = [`${call} failed`];
  const detail = [init.status !== undefined ? `HTTP ${init.status}` : undefined, init.code].filter(Boolean).join(" ");
  if (detail) parts[0] += ` (${detail})`;
  if (init.message) parts.push(init.message);
  if (init.hint) parts.push(init.hint);
  if (init.requestId) parts.push(`request id ${init.requestId}`);
  return parts.join(": ").replace(/: request id/, "; request id");
}
