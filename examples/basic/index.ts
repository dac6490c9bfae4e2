/**
 * Accept the VPC endpoints that consumers created for a CSS cluster.
 *
 * Copy this into your own program and import from the package instead:
 *   import { VpcepConnectionApproval } from "pulumi-css-vpcep";
 * (In this repository it imports the source so `npm run demo` needs no install.)
 *
 * Config (Pulumi.<stack>.yaml):
 *   css-vpcep-basic:clusterId     the CSS cluster id
 *   css-vpcep-basic:endpointIds   JSON list of VPC endpoint ids, e.g. '["ep-1","ep-2"]'
 *   css-vpcep:region / css-vpcep:projectId / css-vpcep:accessKey (secret) / css-vpcep:secretKey (secret)
 *     or the OS_* / HW_* environment variables (see the README).
 */
import * as pulumi from "@pulumi/pulumi";
import { VpcepConnectionApproval } from "../../provider";

const config = new pulumi.Config();

const approval = new VpcepConnectionApproval("consumers", {
  clusterId: config.require("clusterId"),
  endpointIds: config.requireObject<string[]>("endpointIds"),
  action: config.get("action") === "reject" ? "reject" : "receive",
});

export const approvalId = approval.id;
export const vpcServiceName = approval.vpcServiceName;
export const connectionStatuses = approval.connections.apply((connections) =>
  Object.fromEntries(connections.map((c) => [c.id, c.status])),
);
