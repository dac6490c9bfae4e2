/**
 * Type tokens and property names of the plugin's schema, as the SDK classes send them.
 * test/unit/plugin-sdk.test.ts checks every list against provider/plugin/schema.ts, so the two cannot drift.
 */
export const PACKAGE = "css-vpcep";
export const APPROVAL_TYPE = "css-vpcep:index:VpcepConnectionApproval";
export const SERVICE_TYPE = "css-vpcep:index:VpcepService";
export const LOOKUP_TOKEN = "css-vpcep:index:getVpcepConnections";

const COMMON = ["clusterId", "timeoutSeconds", "region", "projectId", "cloud", "endpoint"] as const;
export const APPROVAL_INPUTS = [...COMMON, "endpointIds", "domainIds", "action", "rejectOnDelete"] as const;
export const APPROVAL_OUTPUTS = ["connections", "vpcServiceName"] as const;
export const SERVICE_INPUTS = [...COMMON, "whitelist", "endpointWithDnsName"] as const;
export const SERVICE_OUTPUTS = ["open", "observedWhitelist", "vpcServiceName", "vpcepIp"] as const;
export const LOOKUP_INPUTS = COMMON;

export const PROVIDER_INPUTS = [
  "region",
  "projectId",
  "cloud",
  "endpoint",
  "authUrl",
  "accessKey",
  "secretKey",
  "securityToken",
  "token",
  "username",
  "password",
  "domainName",
] as const;
/** Sent as secrets whatever the program passes, so they are ciphertext in state. */
export const PROVIDER_SECRETS: readonly (typeof PROVIDER_INPUTS)[number][] = ["accessKey", "secretKey", "securityToken", "token", "password"];

/** The properties a resource registers: its inputs from args, its outputs left for the engine to fill. */
export function registration(inputs: readonly string[], outputs: readonly string[], args: object | undefined): Record<string, unknown> {
  const given = (args ?? {}) as Record<string, unknown>;
  const props: Record<string, unknown> = {};
  for (const k of inputs) props[k] = given[k];
  for (const k of outputs) props[k] = undefined;
  return props;
}
