/**
 * The lookup's result, shaped from what the API answered (pure: no I/O).
 */
import type { ConnectionList } from "../core/client";
import type { ServiceAddresses } from "../core/responses";
import type { GetVpcepConnectionsResult } from "./types";

/** The result from a listing (undefined: the service is closed) and the cluster detail's addresses (pure). */
export function toLookupResult(clusterId: string, list: ConnectionList | undefined, addresses?: ServiceAddresses): GetVpcepConnectionsResult {
  if (!list) return { clusterId, serviceOpen: false, whitelist: [], connections: [] };
  const connections = list.connections.map((c) => ({ ...c })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const result: GetVpcepConnectionsResult = { clusterId, serviceOpen: true, whitelist: [...(list.permissions ?? [])], connections };
  if (list.vpcServiceName !== undefined) result.vpcServiceName = list.vpcServiceName;
  if (addresses && (addresses.vpcepIp || addresses.vpcepIpv6Address)) result.addresses = { ...addresses };
  return result;
}
