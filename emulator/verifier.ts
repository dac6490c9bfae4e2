/**
 * AK/SK `SDK-HMAC-SHA256` verification (the simple, unscoped form).
 *
 * Written independently of provider/core/auth so that the emulator checks the provider's signer
 * instead of agreeing with it by construction. Pure: no I/O, the clock is a parameter.
 */
import { createHash, createHmac, timingSafeEqual } from "crypto";

export const ALGORITHM = "SDK-HMAC-SHA256";
export const DEFAULT_CLOCK_SKEW_MS = 15 * 60 * 1000;
export const EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A request as it arrived on the wire. */
export interface SignableRequest {
  method: string;
  /** Path as sent (percent-encoded, no query string). */
  path: string;
  /** Raw query string without the leading "?"; "" or undefined when there is none. */
  query?: string;
  /** Header names in any case. */
  headers: HeaderBag;
  /** The exact bytes received. */
  body?: string | Uint8Array;
}

export interface VerifierKey {
  accessKey: string;
  secretKey: string;
  /** Set for temporary keys: the request must then carry the same X-Security-Token. */
  securityToken?: string;
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

export interface SignatureParts {
  canonicalRequest: string;
  canonicalRequestHash: string;
  stringToSign: string;
  signature: string;
}

export type VerifyFailureReason =
  | "missing-authorization"
  | "malformed-authorization"
  | "unknown-access-key"
  | "date-not-signed"
  | "missing-date"
  | "malformed-date"
  | "clock-skew"
  | "missing-signed-header"
  | "missing-security-token"
  | "wrong-security-token"
  | "unexpected-security-token"
  | "bad-signature";

export type VerifyResult =
  | { ok: true; accessKey: string; signedHeaders: string[]; temporary: boolean }
  | { ok: false; reason: VerifyFailureReason; message: string; accessKey?: string };

export interface VerifyOptions {
  keys: readonly VerifierKey[] | ((accessKey: string) => VerifierKey | undefined);
  /** Server time in ms since the epoch (default Date.now()). */
  now?: number;
  /** Allowed |server time - X-Sdk-Date| (default 15 min). */
  clockSkewMs?: number;
}

/** Percent-encode with unreserved = A-Za-z0-9-_.~ and upper-case hex, as the signers do. */
export function percentEncode(s: string): string {
  // encodeURIComponent also leaves !'()* alone; the signing spec does not.
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Each segment decoded then re-encoded, plus a trailing "/" (added for signing only). */
export function canonicalUri(path: string): string {
  const p = path === "" ? "/" : path;
  const encoded = p
    .split("/")
    .map((seg) => percentEncode(safeDecode(seg)))
    .join("/");
  return encoded.endsWith("/") ? encoded : encoded + "/";
}

/**
 * Sorted by key then value, both encoded like path segments (space = %20). The order is that of the
 * UTF-8 bytes of the decoded key and value, as the official Huawei Cloud Go SDK compares them (Go
 * strings are bytes); JavaScript's `<` on strings compares UTF-16 code units and would put `😀`
 * before `Ａ`.
 */
export function canonicalQuery(rawQuery: string | undefined): string {
  if (!rawQuery) return "";
  const utf8 = new TextEncoder();
  const entries = [...new URLSearchParams(rawQuery)].map(([k, v]) => ({ k, v, sortKey: [utf8.encode(k), utf8.encode(v)] as const }));
  entries.sort((x, y) => Buffer.compare(x.sortKey[0], y.sortKey[0]) || Buffer.compare(x.sortKey[1], y.sortKey[1]));
  return entries.map(({ k, v }) => `${percentEncode(k)}=${percentEncode(v)}`).join("&");
}

/** Header lookup by lower-case name; multi-valued headers are joined the way Node joins them. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== lower || v === undefined) continue;
    return typeof v === "string" ? v : v.join(", ");
  }
  return undefined;
}

export function normaliseSignedHeaders(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ""))].sort();
}

export function canonicalHeaders(headers: HeaderBag, signedHeaders: readonly string[]): string {
  return normaliseSignedHeaders(signedHeaders)
    .map((n) => `${n}:${(headerValue(headers, n) ?? "").trim()}\n`)
    .join("");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function payloadHash(req: SignableRequest): string {
  // Clients may opt out of body signing for non-JSON bodies.
  if (headerValue(req.headers, "x-sdk-content-sha256") === UNSIGNED_PAYLOAD) return UNSIGNED_PAYLOAD;
  return sha256Hex(req.body ?? "");
}

export function canonicalRequest(req: SignableRequest, signedHeaders: readonly string[]): string {
  const names = normaliseSignedHeaders(signedHeaders);
  return [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(req.query),
    canonicalHeaders(req.headers, names),
    names.join(";"),
    payloadHash(req),
  ].join("\n");
}

export function stringToSign(sdkDate: string, canonicalRequestHash: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${canonicalRequestHash}`;
}

/** Everything a signer derives for this request; the date comes from its X-Sdk-Date header. */
export function computeSignature(
  secretKey: string,
  req: SignableRequest,
  signedHeaders: readonly string[],
): SignatureParts {
  const cr = canonicalRequest(req, signedHeaders);
  const crHash = sha256Hex(cr);
  const sts = stringToSign(headerValue(req.headers, "x-sdk-date") ?? "", crHash);
  const signature = createHmac("sha256", secretKey).update(sts).digest("hex");
  return { canonicalRequest: cr, canonicalRequestHash: crHash, stringToSign: sts, signature };
}

/** `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`; undefined when not that form. */
export function parseAuthorization(value: string | undefined): ParsedAuthorization | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (!trimmed.startsWith(ALGORITHM + " ")) return undefined;
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKey = fields.get("Access");
  const signed = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!accessKey || !signed || !signature) return undefined;
  return { accessKey, signedHeaders: signed.split(";"), signature: signature.toLowerCase() };
}

/** `YYYYMMDDTHHMMSSZ` (UTC) to ms since the epoch. */
export function parseSdkDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(t);
  // Reject calendar overflow such as month 13 that Date.UTC would silently roll over.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return undefined;
  return t;
}

export function formatSdkDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function fail(reason: VerifyFailureReason, message: string, accessKey?: string): VerifyResult {
  return accessKey === undefined ? { ok: false, reason, message } : { ok: false, reason, message, accessKey };
}

export function verifyRequest(req: SignableRequest, opts: VerifyOptions): VerifyResult {
  const authHeader = headerValue(req.headers, "authorization");
  if (!authHeader) return fail("missing-authorization", "Authorization header not found");
  const auth = parseAuthorization(authHeader);
  if (!auth) return fail("malformed-authorization", `Authorization is not "${ALGORITHM} Access=..., SignedHeaders=..., Signature=..."`);
  const ak = auth.accessKey;

  const key = typeof opts.keys === "function" ? opts.keys(ak) : opts.keys.find((k) => k.accessKey === ak);
  if (!key) return fail("unknown-access-key", `access key ${ak} does not exist`, ak);

  const signed = normaliseSignedHeaders(auth.signedHeaders);
  if (!signed.includes("x-sdk-date")) return fail("date-not-signed", "x-sdk-date is not in SignedHeaders", ak);
  const date = headerValue(req.headers, "x-sdk-date");
  if (date === undefined) return fail("missing-date", "X-Sdk-Date header not found", ak);
  const t = parseSdkDate(date.trim());
  if (t === undefined) return fail("malformed-date", `X-Sdk-Date ${date} is not YYYYMMDDTHHMMSSZ`, ak);
  const now = opts.now ?? Date.now();
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (Math.abs(now - t) > skew) {
    return fail("clock-skew", `X-Sdk-Date ${date} differs from server time by more than ${Math.round(skew / 1000)} s`, ak);
  }

  const token = headerValue(req.headers, "x-security-token");
  if (key.securityToken !== undefined) {
    if (!token) return fail("missing-security-token", "temporary access key used without X-Security-Token", ak);
    if (token !== key.securityToken) return fail("wrong-security-token", "X-Security-Token does not match the access key", ak);
  } else if (token) {
    return fail("unexpected-security-token", "X-Security-Token sent with a permanent access key", ak);
  }

  for (const name of signed) {
    if (headerValue(req.headers, name) === undefined) {
      return fail("missing-signed-header", `signed header ${name} is not in the request`, ak);
    }
  }

  const expected = Buffer.from(computeSignature(key.secretKey, req, signed).signature, "utf8");
  const given = Buffer.from(auth.signature, "utf8");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return fail("bad-signature", "verify aksk signature fail", ak);
  }
  return { ok: true, accessKey: ak, signedHeaders: signed, temporary: key.securityToken !== undefined };
}
