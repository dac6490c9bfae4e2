/**
 * Reading the API's answers into our shapes (pure). Tolerant of both field spellings, since the API
 * moved from camelCase to snake_case and not every region moved at once.
 */
import type { ObservedConnection } from "./types";

const str = (...vals: unknown[]) => vals.find((v): v is string => typeof v === "string" && v !== "");

/** One row of GET .../connections in our output shape. */
export function toObserved(row: unknown): ObservedConnection | undefined {
  if (row === null || typeof row !== "object") return undefined;
  const r = row as Record<string, unknown>;
  if (typeof r.id !== "string") return undefined;
  const c: ObservedConnection = { id: r.id, status: str(r.status) ?? "unknown" };
  const optional: [keyof ObservedConnection, string | undefined][] = [
    ["domainId", str(r.domain_id, r.domainId)],
    ["vpcepIp", str(r.vpcepIp, r.vpcep_ip)],
    ["vpcepIpv6Address", str(r.vpcepIpv6Address, r.vpcep_ipv6_address)],
    ["vpcepDnsName", str(r.vpcepDnsName, r.vpcep_dns_name)],
    ["updatedAt", str(r.update_at, r.updated_at, r.updateAt)],
  ];
  for (const [key, value] of optional) if (value) (c as unknown as Record<string, string>)[key] = value;
  return c;
}

/** The whitelist's account ids from `permissions[]` (`permission` is `iam:domain::<id>`), sorted. */
export function toWhitelist(rows: readonly unknown[]): string[] {
  const ids = rows
    .map((p) => (p !== null && typeof p === "object" ? str((p as Record<string, unknown>).permission) : undefined))
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/^iam:domain::/, ""));
  return [...new Set(ids)].sort();
}

/** The endpoint service's addresses as the cluster detail reports them. */
export interface ServiceAddresses {
  vpcepIp?: string;
  vpcepIpv6Address?: string;
}

export function toServiceAddresses(body: unknown): ServiceAddresses {
  const b = (body !== null && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const out: ServiceAddresses = {};
  const ip = str(b.vpcepIp, b.vpcep_ip);
  const ipv6 = str(b.vpcepIpv6Address, b.vpcep_ipv6_address);
  if (ip) out.vpcepIp = ip;
  if (ipv6) out.vpcepIpv6Address = ipv6;
  return out;
}
