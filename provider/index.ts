/** pulumi-css-vpcep: accept or reject VPC endpoint connections to a CSS cluster (OTC, Huawei Cloud). */
export { VpcepConnectionApproval, VpcepConnectionApprovalArgs } from "./resource";
export { VpcepConnectionApprovalProvider } from "./provider";
export type { ApprovalAction, ApprovalInputs, ApprovalOutputs, Cloud, ConnectionStatus, ObservedConnection } from "./types";
export { isCssApiError } from "./errors";
export type { CssApiError } from "./errors";
export type { ErrorKind } from "./errors";
export { getVpcepConnections, getVpcepConnectionsOutput } from "./lookup";
export type { GetVpcepConnectionsArgs, GetVpcepConnectionsOptions, GetVpcepConnectionsOutputArgs, GetVpcepConnectionsOutputOptions, GetVpcepConnectionsResult } from "./lookup";
