/** css-vpcep:index:VpcepService through the plugin: open the endpoint service and manage its whitelist. */
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_INPUTS, SERVICE_OUTPUTS, SERVICE_TYPE, registration } from "./names";

export interface VpcepServiceArgs {
  /** The CSS cluster. Changing it replaces the resource. */
  clusterId: pulumi.Input<string>;
  /** Consumer accounts allowed to connect; absent: not managed. */
  whitelist?: pulumi.Input<pulumi.Input<string>[]>;
  /** Give the service a private DNS name when this resource opens it. */
  endpointWithDnsName?: pulumi.Input<boolean>;
  timeoutSeconds?: pulumi.Input<number>;
  region?: pulumi.Input<string>;
  projectId?: pulumi.Input<string>;
  cloud?: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
}

export class VpcepService extends pulumi.CustomResource {
  declare readonly clusterId: pulumi.Output<string>;
  declare readonly whitelist: pulumi.Output<string[] | undefined>;
  declare readonly open: pulumi.Output<boolean>;
  declare readonly observedWhitelist: pulumi.Output<string[]>;
  declare readonly vpcServiceName: pulumi.Output<string | undefined>;
  declare readonly vpcepIp: pulumi.Output<string | undefined>;

  /** Adopt a cluster's endpoint service as found: `id` is the cluster id. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): VpcepService {
    return new VpcepService(name, undefined, { ...opts, id });
  }

  static override isInstance(obj: unknown): obj is VpcepService {
    return pulumi.CustomResource.isInstance(obj) && (obj as { __pulumiType?: string }).__pulumiType === SERVICE_TYPE;
  }

  constructor(name: string, args: VpcepServiceArgs | undefined, opts: pulumi.CustomResourceOptions = {}) {
    if (!opts.id && args?.clusterId === undefined) throw new Error(`VpcepService ${name}: clusterId is required`);
    super(SERVICE_TYPE, name, registration(SERVICE_INPUTS, SERVICE_OUTPUTS, opts.id ? undefined : args), opts);
  }
}
