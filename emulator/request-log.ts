/** The request log: every API and IAM call as received and answered, for test assertions. */
import { isObject, type JsonObject } from "./options";
import type { RecordedRequest, RequestFilter } from "./types";

/** Keep passwords out of the log. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === "password" && typeof v === "string" ? "***" : redact(v);
  return out;
}

export function matchesFilter(r: RecordedRequest, f: RequestFilter): boolean {
  if (f.method !== undefined && r.method !== f.method.toUpperCase()) return false;
  if (f.pathIncludes !== undefined && !r.path.includes(f.pathIncludes)) return false;
  if (f.pathEndsWith !== undefined && !r.path.endsWith(f.pathEndsWith)) return false;
  if (f.status !== undefined && r.status !== f.status) return false;
  if (f.clusterId !== undefined && r.clusterId !== f.clusterId) return false;
  if (f.auth !== undefined && r.auth !== f.auth) return false;
  if (f.via !== undefined && r.via !== f.via) return false;
  return true;
}

export class RequestLog {
  /** Live array: tests read it directly through CssEmulator.requests. */
  readonly entries: RecordedRequest[] = [];

  add(rec: RecordedRequest): void {
    this.entries.push(rec);
  }

  clear(): void {
    this.entries.length = 0;
  }

  find(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries.filter((r) => matchesFilter(r, filter));
  }
}
