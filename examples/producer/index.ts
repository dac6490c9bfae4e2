/**
 * The cluster owner's whole job: open the CSS cluster's VPC endpoint service, whitelist the consumer
 * accounts, and approve every endpoint those accounts connect, now and later.
 *
 * Copy this into your own program and import from the package instead:
 *   import { VpcepConnectionApproval, VpcepService, getVpcepConnectionsOutput } from "pulumi-css-vpcep";
 * (In this repository it imports the source so `npm run demo` needs no install.)
 *
 * Config (Pulumi.<stack>.yaml):
 *   css-vpcep-producer:clusterId         the CSS cluster id
 *   css-vpcep-producer:consumerAccounts  JSON list of account (domain) ids allowed to connect
 *   css-vpcep:region / css-vpcep:projectId / css-vpcep:accessKey (secret) / css-vpcep:secretKey (secret)
 *     or the OS_* / HW_* environment variables (see the README).
 *
 * Run it on a schedule with `pulumi up --refresh --yes`: refresh sees the endpoints the consumers
 * added since, and the update approves them.
 */
import * as pulumi from "@pulumi/pulumi";
import { VpcepConnectionApproval, VpcepService, getVpcepConnectionsOutput } from "../../provider";

const config = new pulumi.Config();
const clusterId = config.require("clusterId");
const consumerAccounts = config.requireObject<string[]>("consumerAccounts");

// 1 and 2: the endpoint service, opened if it is closed (adopted if open), with its whitelist.
const service = new VpcepService("search-endpoint-service", {
  clusterId,
  whitelist: consumerAccounts,
  endpointWithDnsName: true,
});

// 3: every endpoint of those accounts accepted. Taking the cluster id from the service makes the
// approval wait for it (and be deleted before it).
const approval = new VpcepConnectionApproval("consumer-endpoints", {
  clusterId: service.clusterId,
  domainIds: consumerAccounts,
});

export const vpcServiceName = service.vpcServiceName;
export const serviceAddress = service.vpcepIp;
export const approvedEndpoints = approval.connections.apply((connections) =>
  Object.fromEntries(connections.map((c) => [c.id, `${c.status} (account ${c.domainId ?? "?"})`])),
);

// 4: what the cluster shows after the approval ran, e.g. endpoints of accounts nobody approved (yet).
const seen = getVpcepConnectionsOutput({ clusterId: service.clusterId }, { dependsOn: [approval] });
export const notApproved = seen.connections.apply((connections) => connections.filter((c) => c.status !== "accepted").map((c) => c.id));
