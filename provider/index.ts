/** pulumi-css-vpcep: the CSS cluster owner's VPC endpoint service, its whitelist, and the consumers' connections (OTC, Huawei Cloud). */
export { VpcepConnectionApproval, VpcepConnectionApprovalArgs } from "./resource";
export { VpcepConnectionApprovalProvider } from "./provider";
export { VpcepService, VpcepServiceArgs } from "./service/resource";
export { VpcepServiceProvider } from "./service/provider";
export type { ServiceInputs, ServiceOutputs, ServiceState } from "./service/types";
export type { ApprovalAction, ApprovalInputs, ApprovalOutputs, Cloud, ConnectionStatus, ObservedConnection } from "./types";
export { isCssApiError } from "./errors";
export type { CssApiError } from "./errors";
export type { ErrorKind } from "./errors";
export { getVpcepConnections, getVpcepConnectionsOutput } from "./lookup";
export type { GetVpcepConnectionsArgs, GetVpcepConnectionsOptions, GetVpcepConnectionsOutputArgs, GetVpcepConnectionsOutputOptions, GetVpcepConnectionsResult } from "./lookup";
