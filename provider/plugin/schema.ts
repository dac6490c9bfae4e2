/**
 * The package schema of the plugin face (css-vpcep), built from one table of properties per
 * resource so inputs and outputs cannot drift apart. test/unit/plugin-sdk.test.ts checks it against the
 * Node SDK's classes and the core's config keys.
 */
import { CONFIG_KEYS, SECRET_KEYS } from "../core/settings";
import type { ConfigKey } from "../core/settings";

type Spec = Record<string, unknown>;
const str = (description: string): Spec => ({ type: "string", description });
const strings = (description: string): Spec => ({ type: "array", items: { type: "string" }, description });

const COMMON_INPUTS: Record<string, Spec> = {
  clusterId: str("The CSS cluster ID. Changing it replaces the resource."),
  timeoutSeconds: { type: "number", description: "Budget for each operation, in seconds (default 600)." },
  region: str("Region, e.g. eu-de; defaults to provider config or the environment."),
  projectId: str("Project ID; defaults to provider config or the environment."),
  cloud: str("otc or huawei; inferred from the region when absent."),
  endpoint: str("The CSS API's base URL, overriding the region's."),
};

const LOOKUP_INPUTS: Record<string, Spec> = { ...COMMON_INPUTS, timeoutSeconds: { type: "number", description: "Budget for the whole lookup, in seconds (default 600)." } };

const APPROVAL_INPUTS: Record<string, Spec> = {
  ...COMMON_INPUTS,
  endpointIds: strings("VPC endpoint IDs to accept or reject."),
  domainIds: strings("Consumer account (domain) IDs whose every connected endpoint gets the action."),
  action: str("receive (accept, default) or reject."),
  rejectOnDelete: { type: "boolean", description: "Reject the endpoints on destroy (default true)." },
};

const SERVICE_INPUTS: Record<string, Spec> = {
  ...COMMON_INPUTS,
  whitelist: strings("Consumer account (domain) IDs allowed to connect; absent: not managed."),
  endpointWithDnsName: { type: "boolean", description: "Give the service a private DNS name when the resource opens it." },
};

const connection = { $ref: "#/types/css-vpcep:index:Connection" };

const CONFIG_HELP: Record<ConfigKey, string> = {
  region: "Region, e.g. eu-de.",
  projectId: "Project ID.",
  cloud: "otc or huawei.",
  endpoint: "The CSS API's base URL.",
  authUrl: "The IAM URL.",
  accessKey: "Access key.",
  secretKey: "Secret key.",
  securityToken: "Security token, for temporary keys.",
  token: "A ready IAM token.",
  username: "IAM user name.",
  password: "IAM password.",
  domainName: "IAM domain (account) name.",
};
// The core's config keys, with the core's own list of which are secrets.
const CONFIG_VARIABLES = Object.fromEntries(
  CONFIG_KEYS.map((key) => [key, { ...str(CONFIG_HELP[key]), ...(SECRET_KEYS.includes(key) ? { secret: true } : {}) }]),
);

export function buildSchema(version: string): string {
  return JSON.stringify({
    name: "css-vpcep",
    displayName: "CSS VPC endpoint",
    version,
    description: "Accept VPC endpoint connections to CSS clusters on Open Telekom Cloud and Huawei Cloud.",
    config: { variables: CONFIG_VARIABLES },
    // An explicit provider (new css_vpcep.Provider(...), `pulumi:providers:css-vpcep`) takes the same keys as stack config.
    provider: { inputProperties: CONFIG_VARIABLES },
    types: {
      "css-vpcep:index:Connection": {
        type: "object",
        properties: {
          id: str("Endpoint ID."),
          status: str("Its status: pendingAcceptance, accepted, rejected, failed, deleting."),
          domainId: str("The consumer account."),
          vpcepIp: str("The endpoint's address."),
          vpcepIpv6Address: str("The endpoint's IPv6 address."),
          vpcepDnsName: str("The endpoint's DNS name."),
          updatedAt: str("When CSS last changed it."),
        },
        required: ["id", "status"],
      },
      "css-vpcep:index:Addresses": {
        type: "object",
        properties: { vpcepIp: str("The service's address."), vpcepIpv6Address: str("The service's IPv6 address.") },
      },
    },
    functions: {
      "css-vpcep:index:getVpcepConnections": {
        description: "A cluster's VPC endpoint service as CSS reports it: open or not, name, whitelist, connections, addresses.",
        inputs: { properties: LOOKUP_INPUTS, required: ["clusterId"] },
        outputs: {
          properties: {
            clusterId: str("The cluster."),
            serviceOpen: { type: "boolean", description: "False when the service is closed; the lists are then empty." },
            vpcServiceName: str("The endpoint service's name."),
            whitelist: strings("Account (domain) IDs allowed to connect, sorted."),
            connections: { type: "array", items: connection, description: "Every connection, sorted by endpoint ID." },
            addresses: { $ref: "#/types/css-vpcep:index:Addresses" },
          },
          required: ["clusterId", "serviceOpen", "whitelist", "connections"],
        },
      },
    },
    resources: {
      "css-vpcep:index:VpcepConnectionApproval": {
        inputProperties: APPROVAL_INPUTS,
        requiredInputs: ["clusterId"],
        properties: { ...APPROVAL_INPUTS, connections: { type: "array", items: connection }, vpcServiceName: str("The endpoint service's name.") },
        required: ["clusterId", "endpointIds", "connections"],
      },
      "css-vpcep:index:VpcepService": {
        inputProperties: SERVICE_INPUTS,
        requiredInputs: ["clusterId"],
        properties: {
          ...SERVICE_INPUTS,
          open: { type: "boolean" },
          observedWhitelist: strings("The whitelist as last observed."),
          vpcServiceName: str("The endpoint service's name."),
          vpcepIp: str("The service address."),
        },
        required: ["clusterId", "open", "observedWhitelist"],
      },
    },
  });
}
