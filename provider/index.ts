/** pulumi-css-vpcep: the CSS cluster owner's VPC endpoint service, its whitelist, and the consumers' connections (OTC, Huawei Cloud). */
export { VpcepConnectionApproval, VpcepConnectionApprovalArgs } from "./approval/resource";
export { VpcepConnectionApprovalProvider } from "./approval/provider";
export { VpcepService, VpcepServiceArgs } from "./service/resource";
export { VpcepServiceProvider } from "./service/provider";
export type { ServiceInputs, ServiceOutputs, ServiceState } from "./service/types";
export type { ApprovalInputs, ApprovalOutputs } from "./approval/types";
export type { ApprovalAction, Cloud, ConnectionStatus, ObservedConnection } from "./core/types";
export { isCssApiError } from "./core/errors";
export type { CssApiError } from "./core/errors";
export type { ErrorKind } from "./core/errors";
export { getVpcepConnections, getVpcepConnectionsOutput } from "./lookup/function";
export type { GetVpcepConnectionsArgs, GetVpcepConnectionsOptions, GetVpcepConnectionsOutputArgs, GetVpcepConnectionsOutputOptions, GetVpcepConnectionsResult } from "./lookup/types";
