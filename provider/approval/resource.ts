/**
 * `VpcepConnectionApproval`: the program-facing resource. Type token
 * `pulumi-nodejs:dynamic/css-vpcep:VpcepConnectionApproval`.
 */
import * as pulumi from "@pulumi/pulumi";
import { VpcepConnectionApprovalProvider } from "./provider";
import { derivedSecretMarkers, refuseImport, secretInputNames } from "../core/program";
import type { ApprovalAction, Cloud, ObservedConnection } from "../core/types";
import { SENSITIVE_INPUTS } from "./types";

export interface VpcepConnectionApprovalArgs {
  /** The CSS cluster whose VPC endpoint service the endpoints connect to. Changing it replaces the resource. */
  clusterId: pulumi.Input<string>;
  /** VPC endpoint IDs to accept (or reject). A set: order and duplicates do not matter. Updated in place. Optional when domainIds is given. */
  endpointIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Account (domain) IDs: every endpoint these accounts connect gets the action, including endpoints
   * they add later (seen by `pulumi refresh`, approved by the next `up`). With endpointIds: the union.
   */
  domainIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** "receive" (accept, the default) or "reject". Updated in place. */
  action?: pulumi.Input<ApprovalAction>;
  /** Reject the endpoints when the resource is deleted or an endpoint is removed from the list (default true). */
  rejectOnDelete?: pulumi.Input<boolean>;
  /** Region, e.g. "eu-de". Falls back to stack config `css-vpcep:region`, then OS_REGION_NAME/HW_REGION_NAME. */
  region?: pulumi.Input<string>;
  /** Project ID. Falls back to `css-vpcep:projectId`, then OS_PROJECT_ID/HW_PROJECT_ID/... */
  projectId?: pulumi.Input<string>;
  /** "otc" or "huaweicloud"; inferred from the region when unset. */
  cloud?: pulumi.Input<Cloud>;
  /** Base URL override for the CSS API (https; http only for a loopback emulator). */
  endpoint?: pulumi.Input<string>;
  /** Budget for the whole operation, retries and status waits included (default 600). */
  timeoutSeconds?: pulumi.Input<number>;
}

// One provider instance for every resource: Pulumi caches its serialization per object.
let sharedProvider: VpcepConnectionApprovalProvider | undefined;
function provider(): VpcepConnectionApprovalProvider {
  return (sharedProvider ??= new VpcepConnectionApprovalProvider());
}

export class VpcepConnectionApproval extends pulumi.dynamic.Resource {
  declare readonly clusterId: pulumi.Output<string>;
  declare readonly endpointIds: pulumi.Output<string[]>;
  declare readonly domainIds: pulumi.Output<string[] | undefined>;
  declare readonly action: pulumi.Output<ApprovalAction>;
  declare readonly rejectOnDelete: pulumi.Output<boolean>;
  declare readonly region: pulumi.Output<string | undefined>;
  declare readonly projectId: pulumi.Output<string | undefined>;
  declare readonly cloud: pulumi.Output<Cloud | undefined>;
  declare readonly endpoint: pulumi.Output<string | undefined>;
  declare readonly timeoutSeconds: pulumi.Output<number>;
  /** The declared endpoints' connections as last observed (after create, update or refresh). */
  declare readonly connections: pulumi.Output<ObservedConnection[]>;
  /** The cluster's VPC endpoint service name, as reported by CSS. */
  declare readonly vpcServiceName: pulumi.Output<string | undefined>;

  constructor(name: string, args: VpcepConnectionApprovalArgs, opts?: pulumi.CustomResourceOptions) {
    refuseImport("VpcepConnectionApproval", name, opts, "create is idempotent and adopts connections that are already accepted");
    const secretInputs = secretInputNames(args, SENSITIVE_INPUTS);
    const markers = derivedSecretMarkers(secretInputs, ["connections", "vpcServiceName", "target", "pendingReleases"]);
    super(
      provider(),
      name,
      { ...args, resourceName: name, secretInputs, ...markers },
      opts,
      "css-vpcep",
      "VpcepConnectionApproval",
    );
  }
}
