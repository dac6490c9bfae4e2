/**
 * What a handler answers, and the three error body shapes the real services use
 * (css-vpcep-api.md section 2): CSS backend, API gateway, IAM.
 */
import { randomBytes } from "crypto";

export const JSON_TYPE = "application/json;charset=UTF-8";

export interface Answer {
  status: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Copied into the request log. */
  errCode?: string;
}

/** A request body: parsed JSON (undefined when empty), or not JSON at all. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false };

export function nowIso(): string {
  return new Date().toISOString();
}

export function newRequestId(): string {
  return randomBytes(16).toString("hex");
}

export function json(status: number, value: unknown, headers?: Record<string, string>): Answer {
  return headers ? { status, body: JSON.stringify(value), headers } : { status, body: JSON.stringify(value) };
}

/** CSS backend error shape. */
export function cssError(status: number, code: string, message: string, headers?: Record<string, string>): Answer {
  return { ...json(status, { errCode: code, externalMessage: message }, headers), errCode: code };
}

/** API gateway error shape (auth failures, unknown APIs, throttling). */
export function gatewayError(status: number, code: string, message: string, requestId: string): Answer {
  return { ...json(status, { error_code: code, error_msg: message, request_id: requestId }), errCode: code };
}

/** IAM error shape. */
export function iamError(status: number, message: string, title: string): Answer {
  return json(status, { error: { code: status, message, title } });
}

export function emptyOk(): Answer {
  return { status: 200, body: "" };
}

export function parseJson(buf: Buffer): ParsedBody {
  if (buf.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(buf.toString("utf8")) as unknown };
  } catch {
    return { ok: false };
  }
}
