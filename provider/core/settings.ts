/**
 * Where each setting comes from: the resource input, then stack config (namespace `css-vpcep`, read
 * in `configure()`), then the environment variables of both clouds' tooling. Pure: the sources are
 * passed in, so precedence is tested without touching the real environment.
 *
 * Credentials are resolved here only when an operation runs; nothing returned is ever stored in
 * outputs or captured into the serialized provider.
 */
import { cssEndpoint, iamEndpoint, inferCloud } from "./endpoints";
import { namedError } from "./errors";
import { endpointUrlProblem } from "./inputs";
import type { RetryPolicy } from "./retry";
import type { Cloud, CommonInputs, StoredTarget } from "./types";

export const CONFIG_NAMESPACE = "css-vpcep";

/** Stack config keys we read (all optional). */
export const CONFIG_KEYS = [
  "region",
  "projectId",
  "cloud",
  "endpoint",
  "authUrl",
  "accessKey",
  "secretKey",
  "securityToken",
  "token",
  "username",
  "password",
  "domainName",
] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type StackConfig = Partial<Record<ConfigKey, string>>;
export type Env = Record<string, string | undefined>;

/** Environment variables per setting, first match wins (OTC Terraform, Huawei Terraform, Huawei SDK). */
export const ENV_VARS: Record<ConfigKey, readonly string[]> = {
  region: ["HW_REGION_NAME", "OS_REGION_NAME", "OS_REGION"],
  projectId: ["HW_PROJECT_ID", "OS_TENANT_ID", "OS_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"],
  cloud: ["CSS_VPCEP_CLOUD"],
  endpoint: ["CSS_VPCEP_ENDPOINT"],
  authUrl: ["HW_AUTH_URL", "OS_AUTH_URL", "HUAWEICLOUD_SDK_IAM_ENDPOINT"],
  accessKey: ["HW_ACCESS_KEY", "OS_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"],
  secretKey: ["HW_SECRET_KEY", "OS_SECRET_KEY", "HUAWEICLOUD_SDK_SK"],
  securityToken: ["HW_SECURITY_TOKEN", "OS_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"],
  token: ["HW_AUTH_TOKEN", "OS_TOKEN", "OS_AUTH_TOKEN"],
  username: ["HW_USER_NAME", "OS_USERNAME"],
  password: ["HW_USER_PASSWORD", "OS_PASSWORD"],
  domainName: ["HW_DOMAIN_NAME", "OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME", "OS_DOMAIN_NAME", "OS_DEFAULT_DOMAIN"],
};

/** The config keys that hold secrets: never logged, never in outputs, scrubbed from messages. */
export const SECRET_KEYS: readonly ConfigKey[] = ["accessKey", "secretKey", "securityToken", "token", "password"];

export type Credentials =
  | { kind: "aksk"; accessKey: string; secretKey: string; securityToken?: string }
  | { kind: "token"; token: string }
  | { kind: "password"; username: string; password: string; domainName: string };

export interface Target {
  cloud: Cloud;
  region?: string;
  projectId: string;
  /** CSS base URL without trailing slash. */
  baseUrl: string;
  /** IAM v3 base URL, for the password exchange. */
  authUrl: string;
}

/** A configuration problem. */
function settingsError(message: string): Error {
  return namedError("SettingsError", message);
}

/** First non-empty value: stack config, then each env var in order. */
export function lookup(key: ConfigKey, config: StackConfig, env: Env): string | undefined {
  const fromConfig = config[key];
  if (fromConfig !== undefined && fromConfig.trim() !== "") return fromConfig.trim();
  for (const name of ENV_VARS[key]) {
    const v = env[name];
    if (v !== undefined && v.trim() !== "") return v.trim();
  }
  return undefined;
}

function describeSources(key: ConfigKey): string {
  return `set ${CONFIG_NAMESPACE}:${key} in stack config, or export ${ENV_VARS[key].join(" / ")}`;
}

/** Where the API is: resource inputs first, then config/env. Every URL, whatever its source, must be https (or loopback http). */
export function resolveTarget(
  inputs: Pick<CommonInputs, "region" | "projectId" | "cloud" | "endpoint">,
  config: StackConfig,
  env: Env,
): Target {
  const region = inputs.region ?? lookup("region", config, env);
  const endpoint = inputs.endpoint ?? lookup("endpoint", config, env);
  const projectId = inputs.projectId ?? lookup("projectId", config, env);
  const cloudSetting = inputs.cloud ?? lookup("cloud", config, env);
  if (cloudSetting !== undefined && cloudSetting !== "otc" && cloudSetting !== "huaweicloud") {
    throw settingsError(`cloud must be "otc" or "huaweicloud", got "${cloudSetting}"`);
  }
  if (!projectId) {
    throw settingsError(`projectId is not set: pass projectId to the resource, or ${describeSources("projectId")}`);
  }
  if (!region && !endpoint) {
    throw settingsError(`region is not set: pass region (or endpoint) to the resource, or ${describeSources("region")}`);
  }
  if (endpoint !== undefined && inputs.endpoint === undefined) checkUrl("endpoint", endpoint);
  const cloud: Cloud = (cloudSetting as Cloud | undefined) ?? (region ? inferCloud(region) : "huaweicloud");
  const baseUrl = (endpoint ?? cssEndpoint(cloud, region as string)).replace(/\/+$/, "");
  return withAuthUrl({ cloud, region, projectId, baseUrl }, config, env);
}

/** A stored target made usable again: the IAM URL comes from config/env, or is derived as at creation. */
export function withAuthUrl(stored: StoredTarget, config: StackConfig, env: Env): Target {
  const configured = lookup("authUrl", config, env);
  if (configured !== undefined) checkUrl("authUrl", configured);
  const derived =
    // With an endpoint override (the emulator, a private endpoint), IAM answers on the same host.
    stored.region && stored.baseUrl === cssEndpoint(stored.cloud, stored.region) ? iamEndpoint(stored.cloud, stored.region) : `${stored.baseUrl}/v3`;
  return { ...stored, authUrl: (configured ?? derived).replace(/\/+$/, "") };
}

/** The part of a target that state records. */
export function storedTarget(target: Target): StoredTarget {
  const stored: StoredTarget = { cloud: target.cloud, projectId: target.projectId, baseUrl: target.baseUrl };
  if (target.region !== undefined) stored.region = target.region;
  return stored;
}

/** The same rule for a URL from stack config or the environment as for the resource input (check() covers that one). */
function checkUrl(key: "endpoint" | "authUrl", value: string): void {
  const problem = endpointUrlProblem(value);
  if (problem) {
    throw settingsError(`${CONFIG_NAMESPACE}:${key} / ${ENV_VARS[key].join(" / ")}: ${problem.replace(/^endpoint/, key)}`);
  }
}

/** Which credentials to use: AK/SK (optionally temporary), else a token, else username/password. */
export function resolveCredentials(config: StackConfig, env: Env): Credentials {
  const accessKey = lookup("accessKey", config, env);
  const secretKey = lookup("secretKey", config, env);
  if (accessKey || secretKey) {
    if (!accessKey || !secretKey) {
      throw settingsError(
        `both an access key and a secret key are needed for AK/SK signing; missing ${accessKey ? "the secret key" : "the access key"} (${describeSources(
          accessKey ? "secretKey" : "accessKey",
        )})`,
      );
    }
    const securityToken = lookup("securityToken", config, env);
    return securityToken ? { kind: "aksk", accessKey, secretKey, securityToken } : { kind: "aksk", accessKey, secretKey };
  }
  const token = lookup("token", config, env);
  if (token) return { kind: "token", token };
  const username = lookup("username", config, env);
  const password = lookup("password", config, env);
  const domainName = lookup("domainName", config, env);
  if (username && password && domainName) return { kind: "password", username, password, domainName };
  if (username || password) {
    throw settingsError(
      `username/password authentication needs username, password and domainName (the account name); ${describeSources("domainName")}`,
    );
  }
  throw settingsError(
    "no credentials found: set css-vpcep:accessKey and css-vpcep:secretKey (as secrets), css-vpcep:token, or " +
      "css-vpcep:username/password/domainName in stack config, or export OS_ACCESS_KEY/OS_SECRET_KEY " +
      "(or HW_ACCESS_KEY/HW_SECRET_KEY, HUAWEICLOUD_SDK_AK/SK), OS_AUTH_TOKEN, or OS_USERNAME/OS_PASSWORD/OS_DOMAIN_NAME",
  );
}

/** Every secret value currently configured, for redaction. */
export function secretValues(config: StackConfig, env: Env): string[] {
  const out: string[] = [];
  for (const key of SECRET_KEYS) {
    const c = config[key];
    if (c) out.push(c);
    for (const name of ENV_VARS[key]) {
      const v = env[name];
      if (v) out.push(v);
    }
  }
  return out;
}

/** Stack config values for our namespace, read through a `get(key)` accessor (configure()'s config). */
export function readStackConfig(get: (key: string) => string | undefined): StackConfig {
  const out: StackConfig = {};
  for (const key of CONFIG_KEYS) {
    const v = get(`${CONFIG_NAMESPACE}:${key}`);
    if (v !== undefined && v !== "") out[key] = v;
  }
  return out;
}

/** Timing knobs (environment only; the defaults suit the real API, tests and benchmarks shorten them). */
export interface Tuning {
  retry: RetryPolicy;
  poll: RetryPolicy;
  requestTimeoutMs: number;
  /** How long a release (reject of endpoints no longer declared) waits for the deployment's other claims. */
  releaseGraceMs: number;
}

export function readTuning(env: Env): Tuning {
  const num = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  return {
    retry: {
      baseMs: num("CSS_VPCEP_RETRY_BASE_MS", 500),
      capMs: num("CSS_VPCEP_RETRY_MAX_MS", 20_000),
      maxAttempts: Math.max(1, Math.floor(num("CSS_VPCEP_MAX_ATTEMPTS", 60))),
    },
    poll: { baseMs: num("CSS_VPCEP_POLL_BASE_MS", 1_000), capMs: num("CSS_VPCEP_POLL_MAX_MS", 10_000), maxAttempts: Number.MAX_SAFE_INTEGER },
    requestTimeoutMs: num("CSS_VPCEP_REQUEST_TIMEOUT_MS", 30_000),
    releaseGraceMs: num("CSS_VPCEP_RELEASE_GRACE_MS", 1_500),
  };
}
