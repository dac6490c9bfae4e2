/**
 * What `getVpcepConnections` takes and returns, in the program's terms (plain and `pulumi.Input` forms).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Cloud, ObservedConnection } from "../core/types";

export interface GetVpcepConnectionsArgs {
  /** The CSS cluster whose VPC endpoint service to read. */
  clusterId: string;
  /** Region, e.g. "eu-de". Falls back to stack config `css-vpcep:region`, then OS_REGION_NAME/HW_REGION_NAME. */
  region?: string;
  /** Project ID. Falls back to `css-vpcep:projectId`, then OS_PROJECT_ID/HW_PROJECT_ID/... */
  projectId?: string;
  /** "otc" or "huaweicloud"; inferred from the region when unset. */
  cloud?: Cloud;
  /** Base URL override for the CSS API (https; http only for a loopback emulator). */
  endpoint?: string;
  /** Budget for the whole lookup, retries included (default 600). */
  timeoutSeconds?: number;
}

/** The same arguments as `pulumi.Input`s. */
export interface GetVpcepConnectionsOutputArgs {
  clusterId: pulumi.Input<string>;
  region?: pulumi.Input<string>;
  projectId?: pulumi.Input<string>;
  cloud?: pulumi.Input<Cloud>;
  endpoint?: pulumi.Input<string>;
  timeoutSeconds?: pulumi.Input<number>;
}

export interface GetVpcepConnectionsResult {
  clusterId: string;
  /** False when the cluster's VPC endpoint service is closed (CSS.5182): the lists are then empty. */
  serviceOpen: boolean;
  vpcServiceName?: string;
  /** Account (domain) ids allowed to connect, sorted, as CSS reports them. */
  whitelist: string[];
  /** Every connection to the service, sorted by endpoint id. */
  connections: ObservedConnection[];
  /** The service's address(es) from the cluster detail; absent when closed or not reported. */
  addresses?: { vpcepIp?: string; vpcepIpv6Address?: string };
}

/**
 * The options that mean something for a lookup done in the program. There is no provider plugin
 * behind it, so `provider`/`version`/`pluginDownloadURL` of `pulumi.InvokeOptions` are not offered.
 */
export interface GetVpcepConnectionsOptions {
  /** Retry warnings and debug lines are attached to this resource in the CLI output. */
  parent?: pulumi.Resource;
}

export interface GetVpcepConnectionsOutputOptions extends GetVpcepConnectionsOptions {
  /**
   * Look up only once these custom resources are created or updated (as `dependsOn` of an invoke):
   * while one of them has no id yet (created in this preview), the result is unknown.
   */
  dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
}
