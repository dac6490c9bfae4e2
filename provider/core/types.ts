/**
 * The shapes every resource shares: the API's actions and statuses, a connection as observed, the
 * common inputs and the target recorded in state. Plain (unwrapped) values, as the providers see them.
 */

export type ApprovalAction = "receive" | "reject";
export type Cloud = "otc" | "huaweicloud";

/** The statuses a connection can report (CSS documents accepted/rejected; the VPCEP service has the rest). */
export type ConnectionStatus =
  | "pendingAcceptance"
  | "creating"
  | "accepted"
  | "rejected"
  | "failed"
  | "deleting"
  | (string & {});

/** The inputs every resource of the package has (after `check`, with defaults). */
export interface CommonInputs {
  clusterId: string;
  /** Budget for the whole operation, in seconds. */
  timeoutSeconds: number;
  region?: string;
  projectId?: string;
  cloud?: Cloud;
  endpoint?: string;
  /** The resource's logical name, set by the resource class: names it in messages and claims (see claims.ts). */
  resourceName?: string;
}

/**
 * Where the API was reached when the resource was last created or updated: refresh and delete use
 * it, so a changed stack config or shell cannot silently retarget (or "lose") an existing resource.
 */
export interface StoredTarget {
  cloud: Cloud;
  region?: string;
  projectId: string;
  /** CSS base URL without trailing slash. */
  baseUrl: string;
}

/** One VPC endpoint connection as last observed on the cluster. */
export interface ObservedConnection {
  id: string;
  status: ConnectionStatus;
  domainId?: string;
  vpcepIp?: string;
  vpcepIpv6Address?: string;
  vpcepDnsName?: string;
  updatedAt?: string;
}
