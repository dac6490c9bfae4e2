/** pulumi-css-vpcep: the CSS cluster owner's VPC endpoint service, its whitelist, and the consumers' connections (OTC, Huawei Cloud). */
export { VpcepConnectionApproval, VpcepConnectionApprovalArgs } from "./approval/resource";
export { VpcepConnectionApprovalProvider } from "./approval/provider";
export { VpcepService, VpcepServiceArgs } from "./service/resource";
export { VpcepServiceProvider } from "./service/provider";
export type { ServiceInputs, ServiceOutputs, ServiceState } from "./service/types";
export type { ApprovalAction, ApprovalInputs, ApprovalOutputs, Cloud, ConnectionStatus, ObservedConnection } from "./core/types";
export { isCssApiError } from "./core/errors";
export type { CssApiError } from "./core/errors";
export type { ErrorKind } from "./core/errors";
export { getVpcepConnections, getVpcepConnectionsOutput } from "./lookup/lookup";
export type { GetVpcepConnectionsArgs, GetVpcepConnectionsOptions, GetVpcepConnectionsOutputArgs, GetVpcepConnectionsOutputOptions, GetVpcepConnectionsResult } from "./lookup/lookup";
