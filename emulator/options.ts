/** Emulator defaults and input validation (shared by the class, the HTTP controls and the CLI). */
import {
  CONNECTION_STATUSES,
  type BodyStyle,
  type ClusterListOffset,
  type ConnectionStatus,
  type EmulatorOptions,
  type GoneStyle,
  type ResolvedEmulatorOptions,
} from "./types";

export const DEFAULT_PROJECT_ID = "0123456789abcdef0123456789abcdef";
export const DEFAULT_ACCESS_KEY = "EMULATORACCESSKEY0001";
export const DEFAULT_SECRET_KEY = "emulator-secret-key-0001";
export const DEFAULT_USER = { name: "emu-user", password: "emu-password", domainName: "emu-domain" } as const;
const BODY_STYLES: readonly BodyStyle[] = ["both", "snake", "camel"];
const GONE_STYLES: readonly GoneStyle[] = ["css0015", "css3027", "css0047", "plain404"];
const CLUSTER_LIST_OFFSETS: readonly ClusterListOffset[] = ["one-based", "zero-based"];

export function defaultOptions(): ResolvedEmulatorOptions {
  return {
    host: "127.0.0.1",
    port: 0,
    projectId: DEFAULT_PROJECT_ID,
    regions: ["eu-de"],
    keys: [{ accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY }],
    users: [{ ...DEFAULT_USER }],
    tokenTtlMs: 24 * 60 * 60 * 1000,
    busyMs: 0,
    maxLimit: 1000,
    bodyStyle: "both",
    clockSkewMs: 15 * 60 * 1000,
    lockMs: 5 * 60 * 1000,
    latencyMs: 0,
    applyDelayMs: 0,
    freezeStatuses: false,
    goneStyle: "css0015",
    denyClusterList: false,
    clusterListOffset: "one-based",
    clusters: [],
  };
}

/** Bad input to the emulator's own API; the HTTP controls answer it with `status`. */
export class EmulatorInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "EmulatorInputError";
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
}

export function requireString(v: unknown, what: string): string {
  if (typeof v !== "string" || v === "") throw new EmulatorInputError(`${what} must be a non-empty string`);
  return v;
}

export function optionalBool(v: unknown, what: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new EmulatorInputError(`${what} must be a boolean`);
  return v;
}

export function asStatus(v: unknown): ConnectionStatus {
  if (typeof v === "string" && (CONNECTION_STATUSES as readonly string[]).includes(v)) return v as ConnectionStatus;
  throw new EmulatorInputError(`status must be one of ${CONNECTION_STATUSES.join(", ")}`);
}

/** Validates and copies an options patch; values arrive untyped over HTTP, hence the runtime checks. */
export function checkOptions(p: Partial<EmulatorOptions>): Partial<EmulatorOptions> {
  const out: Partial<EmulatorOptions> = {};
  for (const k of ["tokenTtlMs", "busyMs", "clockSkewMs", "lockMs", "latencyMs", "applyDelayMs", "port"] as const) {
    const v = p[k];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new EmulatorInputError(`${k} must be a number >= 0`);
    out[k] = v;
  }
  if (p.maxLimit !== undefined) {
    if (typeof p.maxLimit !== "number" || !Number.isInteger(p.maxLimit) || p.maxLimit < 1) {
      throw new EmulatorInputError("maxLimit must be an integer >= 1");
    }
    out.maxLimit = p.maxLimit;
  }
  if (p.bodyStyle !== undefined) {
    if (!BODY_STYLES.includes(p.bodyStyle)) throw new EmulatorInputError(`bodyStyle must be one of ${BODY_STYLES.join(", ")}`);
    out.bodyStyle = p.bodyStyle;
  }
  if (p.goneStyle !== undefined) {
    if (!GONE_STYLES.includes(p.goneStyle)) throw new EmulatorInputError(`goneStyle must be one of ${GONE_STYLES.join(", ")}`);
    out.goneStyle = p.goneStyle;
  }
  if (p.clusterListOffset !== undefined) {
    if (!CLUSTER_LIST_OFFSETS.includes(p.clusterListOffset)) {
      throw new EmulatorInputError(`clusterListOffset must be one of ${CLUSTER_LIST_OFFSETS.join(", ")}`);
    }
    out.clusterListOffset = p.clusterListOffset;
  }
  if (p.freezeStatuses !== undefined) out.freezeStatuses = optionalBool(p.freezeStatuses, "freezeStatuses");
  if (p.denyClusterList !== undefined) out.denyClusterList = optionalBool(p.denyClusterList, "denyClusterList");
  if (p.host !== undefined) out.host = requireString(p.host, "host");
  if (p.projectId !== undefined) out.projectId = requireString(p.projectId, "projectId");
  if (p.regions !== undefined) {
    const r = stringList(p.regions);
    if (!r || r.length === 0) throw new EmulatorInputError("regions must be a non-empty string array");
    out.regions = [...r];
  }
  if (p.keys !== undefined) {
    if (!Array.isArray(p.keys) || p.keys.length === 0) throw new EmulatorInputError("keys must be a non-empty array");
    out.keys = p.keys.map((k) => {
      const key = { accessKey: requireString(k.accessKey, "accessKey"), secretKey: requireString(k.secretKey, "secretKey") };
      return k.securityToken === undefined ? key : { ...key, securityToken: requireString(k.securityToken, "securityToken") };
    });
  }
  if (p.users !== undefined) {
    if (!Array.isArray(p.users)) throw new EmulatorInputError("users must be an array");
    out.users = p.users.map((u) => ({
      name: requireString(u.name, "user name"),
      password: requireString(u.password, "password"),
      domainName: requireString(u.domainName, "domainName"),
    }));
  }
  if (p.clusters !== undefined) {
    if (!Array.isArray(p.clusters)) throw new EmulatorInputError("clusters must be an array");
    out.clusters = p.clusters.map((c) => ({ ...c, id: requireString(c.id, "cluster id") }));
  }
  return out;
}
