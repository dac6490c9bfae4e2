/**
 * pulumi-css-vpcep/sdk: the Node SDK of the provider plugin `pulumi-resource-css-vpcep`. The classes
 * only register by type token; every behaviour is the plugin's (the same core as the dynamic resources).
 */
export { VpcepConnectionApproval } from "./approval";
export type { VpcepConnectionApprovalArgs } from "./approval";
export { VpcepService } from "./service";
export type { VpcepServiceArgs } from "./service";
export { Provider } from "./provider";
export type { ProviderArgs } from "./provider";
export { getVpcepConnections, getVpcepConnectionsOutput } from "./lookup";
export type { GetVpcepConnectionsArgs, GetVpcepConnectionsOutputArgs, GetVpcepConnectionsResult } from "./lookup";
export type { Addresses, Connection } from "./types";
