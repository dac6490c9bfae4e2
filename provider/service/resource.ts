/**
 * `VpcepService`: the cluster owner's VPC endpoint service, opened (or adopted) with a managed
 * whitelist of consumer accounts. Type token `pulumi-nodejs:dynamic/css-vpcep:VpcepService`.
 */
import * as pulumi from "@pulumi/pulumi";
import { derivedSecretMarkers, refuseImport, secretInputNames } from "../core/program";
import type { Cloud } from "../core/types";
import { VpcepServiceProvider } from "./provider";
import { SERVICE_SENSITIVE_INPUTS, ServiceState } from "./types";

export interface VpcepServiceArgs {
  /** The CSS cluster whose VPC endpoint service this is. Changing it replaces the resource. */
  clusterId: pulumi.Input<string>;
  /**
   * Account (domain) IDs allowed to connect: the whole whitelist, a set, updated in place. Unset: the
   * resource leaves the whitelist alone. An empty list lets every account connect (CSS's rule).
   */
  whitelist?: pulumi.Input<pulumi.Input<string>[]>;
  /** Give the service a private DNS name. Applies when the resource opens the service (an open one is adopted as it is). */
  endpointWithDnsName?: pulumi.Input<boolean>;
  /** Region; falls back to stack config `css-vpcep:region`, then OS_REGION_NAME/HW_REGION_NAME. */
  region?: pulumi.Input<string>;
  /** Project ID; falls back to `css-vpcep:projectId`, then OS_PROJECT_ID/HW_PROJECT_ID/... */
  projectId?: pulumi.Input<string>;
  /** "otc" or "huaweicloud"; inferred from the region when unset. */
  cloud?: pulumi.Input<Cloud>;
  /** Base URL override for the CSS API (https; http only for a loopback emulator). */
  endpoint?: pulumi.Input<string>;
  /** Budget for the whole operation, retries and waits included (default 600). */
  timeoutSeconds?: pulumi.Input<number>;
}

// One provider instance for every resource: Pulumi caches its serialization per object.
let sharedProvider: VpcepServiceProvider | undefined;

export class VpcepService extends pulumi.dynamic.Resource {
  declare readonly clusterId: pulumi.Output<string>;
  declare readonly whitelist: pulumi.Output<string[] | undefined>;
  declare readonly endpointWithDnsName: pulumi.Output<boolean | undefined>;
  declare readonly region: pulumi.Output<string | undefined>;
  declare readonly projectId: pulumi.Output<string | undefined>;
  declare readonly cloud: pulumi.Output<Cloud | undefined>;
  declare readonly endpoint: pulumi.Output<string | undefined>;
  declare readonly timeoutSeconds: pulumi.Output<number>;
  /** Whether the service was open when last observed (create, update or refresh). */
  declare readonly open: pulumi.Output<boolean>;
  /** The whitelist as last observed. */
  declare readonly observedWhitelist: pulumi.Output<string[]>;
  /** The service name consumers create their endpoints for, e.g. `eu-de.css-op-no-delete.<uuid>`. */
  declare readonly vpcServiceName: pulumi.Output<string | undefined>;
  /** The service's addresses as CSS reports them. */
  declare readonly vpcepIp: pulumi.Output<string | undefined>;
  declare readonly vpcepIpv6Address: pulumi.Output<string | undefined>;
  /** What the resource found before changing anything: destroy puts it back. */
  declare readonly found: pulumi.Output<ServiceState>;

  constructor(name: string, args: VpcepServiceArgs, opts?: pulumi.CustomResourceOptions) {
    refuseImport("VpcepService", name, opts, "create adopts a service that is already open, and destroy leaves it open");
    const secretInputs = secretInputNames(args, SERVICE_SENSITIVE_INPUTS);
    const markers = derivedSecretMarkers(secretInputs, ["observedWhitelist", "found", "vpcServiceName", "vpcepIp", "vpcepIpv6Address", "target"]);
    super(
      (sharedProvider ??= new VpcepServiceProvider()),
      name,
      { ...args, resourceName: name, secretInputs, open: undefined, ...markers },
      opts,
      "css-vpcep",
      "VpcepService",
    );
  }
}
