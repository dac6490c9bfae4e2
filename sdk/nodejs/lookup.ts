/** css-vpcep:index:getVpcepConnections through the plugin (an invoke): the provider's config answers it. */
import * as pulumi from "@pulumi/pulumi";
import { LOOKUP_TOKEN } from "./names";
import type { Addresses, Connection } from "./types";

export interface GetVpcepConnectionsArgs {
  clusterId: string;
  region?: string;
  projectId?: string;
  cloud?: string;
  endpoint?: string;
  timeoutSeconds?: number;
}

export interface GetVpcepConnectionsResult {
  clusterId: string;
  serviceOpen: boolean;
  vpcServiceName?: string;
  whitelist: string[];
  connections: Connection[];
  addresses?: Addresses;
}

export type GetVpcepConnectionsOutputArgs = { [K in keyof GetVpcepConnectionsArgs]: pulumi.Input<GetVpcepConnectionsArgs[K]> };

export function getVpcepConnections(args: GetVpcepConnectionsArgs, opts?: pulumi.InvokeOptions): Promise<GetVpcepConnectionsResult> {
  return pulumi.runtime.invoke(LOOKUP_TOKEN, { ...args }, opts) as Promise<GetVpcepConnectionsResult>;
}

/** The Output form: unknown while an argument is, secret when one is. */
export function getVpcepConnectionsOutput(args: GetVpcepConnectionsOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetVpcepConnectionsResult> {
  return pulumi.runtime.invokeOutput<GetVpcepConnectionsResult>(LOOKUP_TOKEN, { ...args }, opts);
}
