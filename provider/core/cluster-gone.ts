/**
 * Telling a deleted cluster from missing access, for every resource's refresh and delete: a resource
 * is dropped from state only when the cluster is confirmed gone.
 */
import type { OperationContext } from "./context";
import { isCssApiError, namedError } from "./errors";

/**
 * Is the cluster really gone? Codes that say so are trusted; CSS.0015 ("not found or access denied")
 * is checked against the project's cluster list. Anything else throws it again; an unconfirmed CSS.0015
 * throws an `errorName` error that says the resource is kept and what to grant or check.
 */
export async function confirmGone(ctx: OperationContext, clusterId: string, err: unknown, errorName: string): Promise<"cluster-gone" | "service-disabled"> {
  if (!isCssApiError(err)) throw err;
  if (err.kind === "cluster-gone" || err.kind === "service-disabled") return err.kind;
  if (err.kind !== "gone-or-denied") throw err;
  let listed: boolean;
  try {
    listed = await ctx.client.clusterListed(clusterId);
  } catch (listErr) {
    throw namedError(errorName,
      `CSS answered ${err.code} ("not found or access denied") for cluster ${clusterId}, and the project's cluster list could not be read to tell which ` +
        `(${listErr instanceof Error ? listErr.message : String(listErr)}). The resource is kept: grant the credentials css:cluster:list (or the CSS read-only role), or check clusterId and projectId.`,
    );
  }
  if (listed) {
    throw namedError(errorName,
      `CSS answered ${err.code} for cluster ${clusterId}, but the project's cluster list shows it: the credentials lack access to its VPC endpoint service ` +
        `(${err.message}). The resource is kept. Grant css:VPCEndpoint:* (Huawei IAM) or the CSS admin role.`,
    );
  }
  return "cluster-gone";
}
