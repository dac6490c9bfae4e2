/** css-vpcep:index:VpcepConnectionApproval through the plugin: accept or reject endpoints by id or by account. */
import * as pulumi from "@pulumi/pulumi";
import { APPROVAL_INPUTS, APPROVAL_OUTPUTS, APPROVAL_TYPE, registration } from "./names";
import type { Connection } from "./types";

export interface VpcepConnectionApprovalArgs {
  /** The CSS cluster. Changing it replaces the resource. */
  clusterId: pulumi.Input<string>;
  endpointIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Consumer accounts whose every connected endpoint gets the action. */
  domainIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** "receive" (default) or "reject". */
  action?: pulumi.Input<string>;
  /** Reject the endpoints on destroy (default true). */
  rejectOnDelete?: pulumi.Input<boolean>;
  timeoutSeconds?: pulumi.Input<number>;
  region?: pulumi.Input<string>;
  projectId?: pulumi.Input<string>;
  cloud?: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
}

export class VpcepConnectionApproval extends pulumi.CustomResource {
  declare readonly clusterId: pulumi.Output<string>;
  declare readonly endpointIds: pulumi.Output<string[]>;
  declare readonly domainIds: pulumi.Output<string[] | undefined>;
  declare readonly action: pulumi.Output<string>;
  declare readonly rejectOnDelete: pulumi.Output<boolean>;
  declare readonly connections: pulumi.Output<Connection[]>;
  declare readonly vpcServiceName: pulumi.Output<string | undefined>;

  /** Adopt an existing approval: `id` is `<clusterId>/<endpointId>[,<endpointId>...]`, as for `pulumi import`. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): VpcepConnectionApproval {
    return new VpcepConnectionApproval(name, undefined, { ...opts, id });
  }

  static override isInstance(obj: unknown): obj is VpcepConnectionApproval {
    return pulumi.CustomResource.isInstance(obj) && (obj as { __pulumiType?: string }).__pulumiType === APPROVAL_TYPE;
  }

  constructor(name: string, args: VpcepConnectionApprovalArgs | undefined, opts: pulumi.CustomResourceOptions = {}) {
    if (!opts.id && args?.clusterId === undefined) throw new Error(`VpcepConnectionApproval ${name}: clusterId is required`);
    super(APPROVAL_TYPE, name, registration(APPROVAL_INPUTS, APPROVAL_OUTPUTS, opts.id ? undefined : args), opts);
  }
}
