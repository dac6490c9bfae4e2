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

/** Inputs after `check`: defaults applied, endpoint ids sorted and de-duplicated. */
export interface ApprovalInputs {
  clusterId: string;
  endpointIds: string[];
  action: ApprovalAction;
  rejectOnDelete: boolean;
  timeoutSeconds: number;
  region?: string;
  projectId?: string;
  cloud?: Cloud;
  endpoint?: string;
}

/** One VPC endpoint connection as last observed on the cluster. */
export interface ObservedConnection {
  id: string;
  status: ConnectionStatus;
  domainId?: string;
  vpcepIp?: string;
  vpcepDnsName?: string;
  updatedAt?: string;
}

/** Outputs: every (normalised) input plus what was observed. Never a credential. */
export interface ApprovalOutputs extends ApprovalInputs {
  connections: ObservedConnection[];
  vpcServiceName?: string;
}

/** The target status each action converges to. */
export const TARGET_STATUS: Record<ApprovalAction, ConnectionStatus> = {
  receive: "accepted",
  reject: "rejected",
};
