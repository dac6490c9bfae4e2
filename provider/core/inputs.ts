/**
 * The input checks every resource shares (pure: no I/O): the cluster id, the timeout, where the API
 * is, id lists that are sets, Pulumi's unknown sentinel. Each resource's own inputs.ts builds on them.
 */
import type { Cloud } from "./types";

/** Pulumi's placeholder for a value not known until another resource is created (preview only). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const DEFAULT_TIMEOUT_SECONDS = 600;
const CLOUDS: readonly Cloud[] = ["otc", "huaweicloud"];
// Region names of both clouds: eu-de, eu-ch2, cn-north-4, ap-southeast-1, la-south-2, eu-west-101 ...
const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+){1,3}$/;
// CSS cluster ids are UUIDs; accept any plain path segment, never "." or "..".
export const CLUSTER_ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9_.-]+$/;
const DOMAIN_ID_PATTERN = /^[0-9a-fA-F]{32}$/;

export interface CheckFailure {
  property: string;
  reason: string;
}

/** True when `value` is, or contains, Pulumi's unknown sentinel. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Loopback hosts may be reached over plain http (the emulator); anything else must be https. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Why `value` is not a usable CSS endpoint override, or undefined when it is. */
export function endpointUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `endpoint must be an absolute URL such as https://css.eu-de.otc.t-systems.com, got "${value}"`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `endpoint must use https://, got "${url.protocol}"`;
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return "endpoint must use https:// (plain http:// is accepted only for a loopback emulator)";
  }
  if (url.username || url.password) return "endpoint must not contain credentials";
  if (url.search || url.hash) return "endpoint must not contain a query or fragment";
  return undefined;
}

/** Why `value` is not a plausible region name, or undefined when it is. */
export function regionProblem(value: string): string | undefined {
  return REGION_PATTERN.test(value)
    ? undefined
    : `region must be a region name such as "eu-de" or "cn-north-4", got "${value}"`;
}

/** Sort and de-duplicate endpoint ids: the list is a set. */
export function normaliseEndpointIds(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => id.trim()))].sort();
}

export interface CheckResult {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

export type Fail = (property: string, reason: string) => void;

/**
 * The inputs every resource of the package shares (cluster id, timeout, where the API is, the
 * resource class's secret markers): validated into `out`, with defaults applied.
 */
export function checkCommonInputs(news: Record<string, unknown>, out: Record<string, unknown>, fail: Fail, sensitive: readonly string[]): void {
  const clusterId = news.clusterId;
  if (clusterId === undefined || clusterId === null || clusterId === "") {
    fail("clusterId", "clusterId is required: the ID of the CSS cluster whose VPC endpoint service the endpoints connect to");
  } else if (typeof clusterId !== "string") {
    fail("clusterId", `clusterId must be a string, got ${typeof clusterId}`);
  } else if (clusterId !== UNKNOWN && clusterId.trim() === "") {
    fail("clusterId", "clusterId must not be blank");
  } else if (clusterId !== UNKNOWN && !CLUSTER_ID_PATTERN.test(clusterId.trim())) {
    // It becomes a path segment: "..", "/" or "?" would send the call somewhere else.
    fail("clusterId", `clusterId must be a CSS cluster ID (letters, digits, "-", "_" and "."), got ${JSON.stringify(clusterId)}`);
  } else if (clusterId !== UNKNOWN) {
    out.clusterId = clusterId.trim();
  }

  const timeout = news.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (timeout !== UNKNOWN && (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0)) {
    fail("timeoutSeconds", `timeoutSeconds must be a positive number of seconds, got ${JSON.stringify(timeout)}`);
  }
  out.timeoutSeconds = timeout;

  checkOptionalString(news, "projectId", fail, () => undefined);
  checkOptionalString(news, "region", fail, regionProblem);
  checkOptionalString(news, "endpoint", fail, endpointUrlProblem);
  checkOptionalString(news, "cloud", fail, (v) =>
    CLOUDS.includes(v as Cloud) ? undefined : `cloud must be "otc" or "huaweicloud", got "${v}"`,
  );
  if (typeof news.endpoint === "string" && news.endpoint !== UNKNOWN && !endpointUrlProblem(news.endpoint)) {
    out.endpoint = news.endpoint.replace(/\/+$/, "");
  }
  if (news.secretInputs !== undefined && news.secretInputs !== null && news.secretInputs !== UNKNOWN) {
    const list = news.secretInputs;
    if (!Array.isArray(list) || !list.every((k) => sensitive.includes(k as string))) {
      fail("secretInputs", `secretInputs is set by the resource class: a list of ${sensitive.join(", ")}`);
    }
  }
}

export interface IdListRule {
  /** What the ids are, for messages ("VPC endpoint IDs"). */
  what: string;
  /** An empty list is refused (a missing one is handled by the caller). */
  nonEmpty: boolean;
  /** Why one id is malformed, or undefined. */
  problem?: (id: string) => string | undefined;
}

/**
 * A list of ids that is a set (order and duplicates ignored): validated, and normalised into `out`
 * when fully known. Returns false when absent (undefined/null).
 */
export function checkIdList(news: Record<string, unknown>, key: string, out: Record<string, unknown>, fail: Fail, rule: IdListRule): boolean {
  const ids = news[key];
  if (ids === undefined || ids === null) return false;
  if (ids === UNKNOWN) return true; // the whole list is unknown: nothing to check yet
  if (typeof ids === "string") {
    fail(key, `${key} must be a list of ${rule.what}, got the string ${JSON.stringify(ids)}: write [${JSON.stringify(ids)}]`);
  } else if (!Array.isArray(ids)) {
    fail(key, `${key} must be a list of ${rule.what}`);
  } else if (ids.length === 0 && rule.nonEmpty) {
    fail(key, `${key} must contain at least one ${rule.what.replace(/s$/, "")}`);
  } else {
    ids.forEach((id, i) => {
      if (typeof id !== "string") fail(`${key}[${i}]`, `${key}[${i}] must be a string, got ${id === null ? "null" : typeof id}`);
      else if (id.trim() === "") fail(`${key}[${i}]`, `${key}[${i}] must not be empty`);
      else if (id !== UNKNOWN && rule.problem?.(id.trim())) fail(`${key}[${i}]`, `${key}[${i}]: ${rule.problem(id.trim()) as string}`);
    });
    if (!ids.some((id) => id === UNKNOWN) && ids.every((id) => typeof id === "string")) {
      out[key] = normaliseEndpointIds(ids as string[]);
    }
  }
  return true;
}

/** Account (domain) ids are 32 hexadecimal characters on both clouds. */
export function domainIdProblem(id: string): string | undefined {
  return DOMAIN_ID_PATTERN.test(id) ? undefined : `an account (domain) ID is 32 hexadecimal characters, got ${JSON.stringify(id)}`;
}

function checkOptionalString(
  news: Record<string, unknown>,
  key: "projectId" | "region" | "endpoint" | "cloud",
  fail: (property: string, reason: string) => void,
  problem: (value: string) => string | undefined,
): void {
  const value = news[key];
  if (value === undefined || value === null || value === UNKNOWN) return;
  if (typeof value !== "string" || value.trim() === "") {
    fail(key, `${key} must be a non-empty string when set, got ${JSON.stringify(value)}`);
    return;
  }
  const reason = problem(value);
  if (reason) fail(key, reason);
}

/** The optional common inputs (where the API is, the resource class's markers) into a typed result. */
export function copyCommonOptionals(inputs: Record<string, unknown>, result: Record<string, unknown>): void {
  for (const key of ["region", "projectId", "cloud", "endpoint", "resourceName"] as const) {
    const value = inputs[key];
    if (typeof value === "string") result[key] = value;
  }
  if (Array.isArray(inputs.secretInputs) && inputs.secretInputs.length > 0) result.secretInputs = [...(inputs.secretInputs as string[])];
}
