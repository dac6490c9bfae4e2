/**
 * The approval's inputs and outputs, as its provider sees them (plain, unwrapped); the program-facing
 * `pulumi.Input<...>` forms live in resource.ts.
 */
import type { ApprovalAction, CommonInputs, ConnectionStatus, ObservedConnection, StoredTarget } from "../core/types";

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
