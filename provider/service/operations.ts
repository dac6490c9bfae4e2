/**
 * `VpcepService` operations: observe the service (open? whitelist?), change it through the cluster's
 * lane of the per-cluster coordinator (the same lane as every accept and reject), wait until the API
 * shows the change, and restore what was found on destroy.
 */
import type { ConnectionList } from "../core/client";
import type { OperationContext } from "../core/context";
import type { SendTracker } from "../core/coordinator";
import { now, sleep } from "../core/deadline";
import { isCssApiError, namedError, withPartialOutputs } from "../core/errors";
import { confirmGone } from "../core/cluster-gone";
import { backoffDelay } from "../core/retry";
import type { RetryPacer } from "../core/retry";
import { planRestore, planService } from "./plan";
import type { ServiceInputs, ServiceOutputs, ServiceState } from "./types";

interface Observation extends ServiceState {
  vpcServiceName?: string;
}

/** Open with its whitelist, or closed (CSS answers CSS.5182 for the connection list of a closed service). */
export async function observeService(ctx: OperationContext, clusterId: string, notBefore = 0): Promise<Observation> {
  let list: ConnectionList;
  try {
    list = await ctx.coordinator.sharedList(ctx.clusterKey, notBefore, ctx.deadline, `the VPC endpoint service of CSS cluster ${clusterId}`, () =>
      ctx.client.listConnections(clusterId),
    );
  } catch (err) {
    if (isCssApiError(err) && err.kind === "service-disabled") return { open: false, whitelist: [] };
    throw err;
  }
  const observation: Observation = { open: true, whitelist: list.permissions ?? [] };
  if (list.vpcServiceName) observation.vpcServiceName = list.vpcServiceName;
  return observation;
}

async function outputsFor(ctx: OperationContext, inputs: ServiceInputs, observed: Observation, found: ServiceState): Promise<ServiceOutputs> {
  const outputs: ServiceOutputs = { ...inputs, open: observed.open, observedWhitelist: observed.whitelist, found, target: ctx.target };
  if (observed.vpcServiceName) outputs.vpcServiceName = observed.vpcServiceName;
  if (observed.open) Object.assign(outputs, await ctx.client.clusterAddresses(inputs.clusterId));
  return outputs;
}

/** One change of the service, queued in the cluster's lane (it waits out the busy window we caused). */
function change(ctx: OperationContext, what: string, tracker: SendTracker, send: (pace?: RetryPacer) => ReturnType<OperationContext["client"]["openService"]>) {
  return ctx.coordinator.exclusive(ctx.clusterKey, what, ctx.deadline, send, tracker);
}

/**
 * Create and update: open the service if it is closed (one already open is adopted), set a managed
 * whitelist, and wait until the API shows both. `found` is what create saw first (kept by updates).
 */
export async function convergeService(ctx: OperationContext, inputs: ServiceInputs, found?: ServiceState): Promise<ServiceOutputs> {
  const { clusterId } = inputs;
  let observed = await observeService(ctx, clusterId);
  const before: ServiceState = found ?? { open: observed.open, whitelist: observed.whitelist };
  const plan = planService(observed, inputs.whitelist);
  const tracker: SendTracker = { attempted: false };
  try {
    let sentAt = 0;
    if (plan.open) {
      sentAt = (await change(ctx, `open the VPC endpoint service of cluster ${clusterId}`, tracker, (pace) => ctx.client.openService(clusterId, inputs.endpointWithDnsName, pace))).doneAt;
    }
    if (plan.whitelist) {
      const whitelist = plan.whitelist;
      sentAt = (await change(ctx, `set the whitelist of cluster ${clusterId}`, tracker, (pace) => ctx.client.setWhitelist(clusterId, whitelist, pace))).doneAt;
    }
    if (sentAt > 0) observed = await waitForService(ctx, clusterId, true, inputs.whitelist, sentAt);
    return await outputsFor(ctx, inputs, observed, before);
  } catch (err) {
    if (!tracker.attempted) throw err;
    // Something may have changed: record what the resource found, so destroy can still put it back.
    throw withPartialOutputs(err, { ...inputs, open: observed.open, observedWhitelist: observed.whitelist, found: before, target: ctx.target });
  }
}

/** Destroy: close the service if the resource opened it, else put back the whitelist it found. */
export async function restoreService(ctx: OperationContext, inputs: ServiceInputs, found: ServiceState): Promise<void> {
  const { clusterId } = inputs;
  try {
    const observed = await observeService(ctx, clusterId);
    const plan = planRestore(found, observed, inputs.whitelist !== undefined);
    const tracker: SendTracker = { attempted: false };
    if (plan.close) {
      const { doneAt } = await change(ctx, `close the VPC endpoint service of cluster ${clusterId}`, tracker, (pace) => ctx.client.closeService(clusterId, pace));
      await waitForService(ctx, clusterId, false, undefined, doneAt);
    } else if (plan.whitelist) {
      const whitelist = plan.whitelist;
      const { doneAt } = await change(ctx, `restore the whitelist of cluster ${clusterId}`, tracker, (pace) => ctx.client.setWhitelist(clusterId, whitelist, pace));
      await waitForService(ctx, clusterId, true, whitelist, doneAt);
    }
  } catch (err) {
    await confirmGone(ctx, clusterId, err, "ServiceError");
    ctx.log.info(`cluster ${clusterId}: cluster gone; nothing to restore`);
  }
}

/** Refresh: the service as it is now (undefined when the cluster is gone). */
export async function readService(ctx: OperationContext, inputs: ServiceInputs, found: ServiceState): Promise<ServiceOutputs | undefined> {
  try {
    return await outputsFor(ctx, inputs, await observeService(ctx, inputs.clusterId, now()), found);
  } catch (err) {
    await confirmGone(ctx, inputs.clusterId, err, "ServiceError");
    return undefined;
  }
}

/** Poll until the service shows the wanted state (open/closed and, if given, the whitelist). */
async function waitForService(ctx: OperationContext, clusterId: string, open: boolean, whitelist: readonly string[] | undefined, notBefore: number): Promise<Observation> {
  const want = whitelist ? [...whitelist].sort().join(",") : undefined;
  for (let attempt = 1; ; attempt++) {
    const observed = await observeService(ctx, clusterId, notBefore);
    if (observed.open === open && (want === undefined || observed.whitelist.join(",") === want)) return observed;
    const remaining = ctx.deadline.remainingMs() - 250;
    if (remaining <= 0) {
      throw namedError(
        "ServiceError",
        `timed out after ${ctx.deadline.timeoutSeconds}s (timeoutSeconds=${ctx.deadline.timeoutSeconds}) waiting for the VPC endpoint service of CSS cluster ${clusterId} to be ` +
          `${open ? "open" : "closed"}${want !== undefined ? ` with whitelist [${want}]` : ""} (it is ${observed.open ? `open with [${observed.whitelist.join(",")}]` : "closed"}); raise timeoutSeconds`,
      );
    }
    await sleep(Math.min(backoffDelay(attempt, ctx.poll, () => 0.5 + Math.random() / 2), remaining));
    notBefore = now();
  }
}
