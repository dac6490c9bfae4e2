/**
 * The `SDK-HMAC-SHA256` request signer of Huawei Cloud and Open Telekom Cloud (the "simple" form:
 * the secret key is the HMAC key). Pure: same request and key, same signature. Proven on the two
 * known-answer vectors of css-vpcep-api.md section 4b.
 */
import { createHash, createHmac } from "crypto";

export const ALGORITHM = "SDK-HMAC-SHA256";

export interface SignableRequest {
  method: string;
  /** Absolute URL, including the query string. */
  url: string;
  /** Headers to sign (names in any case). `x-sdk-date` must be among them. */
  headers: Record<string, string>;
  /** The exact bytes sent ("" for none). */
  body: string | Buffer;
}

/** Percent-encode everything but the unreserved set A-Za-z0-9-_.~, with upper-case hex. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Each path segment encoded (after decoding what the URL already encoded), with a trailing slash. */
export function canonicalUri(pathname: string): string {
  const segments = pathname.split("/").map((s) => encodeRfc3986(safeDecode(s)));
  const joined = segments.join("/");
  return joined.endsWith("/") ? joined : `${joined}/`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Keys sorted, repeated keys sorted by value, then keys and values encoded alike, in the official
 * Huawei Cloud SDK's order: the SDK sorts the decoded keys and values as Go strings, i.e. by their
 * UTF-8 bytes. So do we (`Buffer.compare`), not by JavaScript's UTF-16 code units, which disagree
 * when a character above U+FFFF meets one in U+E000-U+FFFF (`k=Ａ&k=😀`: UTF-8 puts `Ａ` first).
 * Sorting before encoding matters too: encoding first would order `é` (`%C3%A9`) before `a`.
 */
export function canonicalQuery(search: string): string {
  const pairs: { key: string; value: string; keyBytes: Buffer; valueBytes: Buffer }[] = [];
  new URLSearchParams(search).forEach((value, key) =>
    pairs.push({ key, value, keyBytes: Buffer.from(key, "utf8"), valueBytes: Buffer.from(value, "utf8") }),
  );
  pairs.sort((a, b) => Buffer.compare(a.keyBytes, b.keyBytes) || Buffer.compare(a.valueBytes, b.valueBytes));
  return pairs.map(({ key, value }) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`).join("&");
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The canonical request, and the signed-header list it commits to. */
export function canonicalRequest(req: SignableRequest): { canonical: string; signedHeaders: string } {
  const url = new URL(req.url);
  const names = Object.keys(req.headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) lower[k.toLowerCase()] = v.trim();
  const headerBlock = names.map((n) => `${n}:${lower[n]}\n`).join("");
  const signedHeaders = names.join(";");
  const canonical = [
    req.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    headerBlock,
    signedHeaders,
    sha256Hex(req.body),
  ].join("\n");
  return { canonical, signedHeaders };
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Compute the signature and the Authorization header value for a request. */
export function sign(req: SignableRequest, accessKey: string, secretKey: string): { authorization: string; signature: string } {
  const sdkDate = Object.entries(req.headers).find(([k]) => k.toLowerCase() === "x-sdk-date")?.[1];
  if (!sdkDate) throw new Error("x-sdk-date must be among the signed headers");
  const { canonical, signedHeaders } = canonicalRequest(req);
  const signature = createHmac("sha256", secretKey).update(stringToSign(sdkDate, canonical)).digest("hex");
  return {
    signature,
    authorization: `${ALGORITHM} Access=${accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
