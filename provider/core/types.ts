/**
 * Shared shapes of the resource's inputs and outputs. The provider sees these plain (unwrapped) values;
 * the program-facing `pulumi.Input<...>` forms live in resource.ts.
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

/** Inputs after `check`: defaults applied, endpoint ids sorted and de-duplicated. */
export interface ApprovalInputs extends CommonInputs {
  /** Declared endpoint ids ([] when only domainIds is given). */
  endpointIds: string[];
  /** Accounts whose every connected endpoint gets the action (absent: none). */
  domainIds?: string[];
  action: ApprovalAction;
  rejectOnDelete: boolean;
  /** Which inputs the program passed as secrets (set by the resource class): their values are redacted and never in the id. */
  secretInputs?: SensitiveInput[];
}

/** Inputs whose values the program may pass as secrets. */
export type SensitiveInput = "clusterId" | "endpointIds" | "domainIds" | "projectId";
export const SENSITIVE_INPUTS: readonly SensitiveInput[] = ["clusterId", "endpointIds", "domainIds", "projectId"];

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

/** Outputs: every (normalised) input plus what was observed. Never a credential. */
export interface ApprovalOutputs extends ApprovalInputs {
  connections: ObservedConnection[];
  vpcServiceName?: string;
  /** The target in effect (absent in state written before it was recorded). */
  target?: StoredTarget;
  /** Endpoints dropped from the list whose reject is not confirmed yet (after a failed update): rejected next time. */
  pendingReleases?: string[];
}

/** The target status each action converges to. */
export const TARGET_STATUS: Record<ApprovalAction, ConnectionStatus> = {
  receive: "accepted",
  reject: "rejected",
};
