/** Shapes of `VpcepService`'s inputs and outputs as the provider sees them (plain values). */
import type { CommonInputs, StoredTarget } from "../core/types";

export type ServiceSensitiveInput = "clusterId" | "whitelist" | "projectId";
export const SERVICE_SENSITIVE_INPUTS: readonly ServiceSensitiveInput[] = ["clusterId", "whitelist", "projectId"];

/** Inputs after `check`: defaults applied, the whitelist sorted and de-duplicated. */
export interface ServiceInputs extends CommonInputs {
  /** Account (domain) ids allowed to connect; absent: the resource does not manage the whitelist. */
  whitelist?: string[];
  /** Give the service a private DNS name (applies when the resource opens the service). */
  endpointWithDnsName?: boolean;
  secretInputs?: ServiceSensitiveInput[];
}

/** What the service looked like (observed, or found before the resource changed anything). */
export interface ServiceState {
  open: boolean;
  /** Account ids on the whitelist, sorted ([] = none set: CSS then lets every account connect). */
  whitelist: string[];
}

export interface ServiceOutputs extends ServiceInputs {
  /** As last observed (create, update or refresh). */
  open: boolean;
  observedWhitelist: string[];
  vpcServiceName?: string;
  vpcepIp?: string;
  vpcepIpv6Address?: string;
  /** What the resource found before it changed anything: destroy puts it back. */
  found: ServiceState;
  target?: StoredTarget;
}
