/**
 * The operations behind create/update/delete/read: observe the cluster, plan, send through the
 * per-cluster coordinator, and wait until every endpoint shows its target status.
 */
import type { ClusterCoordinator } from "./coordinator";
import type { ConnectionList, CssClient } from "./client";
import { Deadline, now, sleep } from "./deadline";
import { isCssApiError, isGone, namedError } from "./errors";
import type { Logger } from "./log";
import { assessProgress, endpointChanges, planActions } from "./plan";
import { backoffDelay, RetryPolicy } from "./retry";
import type { ApprovalAction, ApprovalInputs, ApprovalOutputs, ConnectionStatus, ObservedConnection } from "./types";
import { TARGET_STATUS } from "./types";

/** Time kept for the last status listing before the deadline. */
const LAST_POLL_MARGIN_MS = 250;

export interface OperationContext {
  client: CssClient;
  coordinator: ClusterCoordinator;
  deadline: Deadline;
  log: Logger;
  /** Identifies the cluster across resources: base URL, project and cluster id. */
  clusterKey: string;
  /** Backoff for status polls (base, cap). */
  poll: RetryPolicy;
}

/** An error whose message a user reads in `pulumi up`: it names the cluster and what to do. */
function approvalError(message: string): Error {
  return namedError("ApprovalError", message);
}

function observe(ctx: OperationContext, clusterId: string, notBefore: number): Promise<ConnectionList> {
  return ctx.coordinator.sharedList(ctx.clusterKey, notBefore, () => ctx.client.listConnections(clusterId));
}

/** Resolves with the time the POST returned (0 when there was nothing to send). */
function send(ctx: OperationContext, clusterId: string, action: ApprovalAction, ids: readonly string[]): Promise<number> {
  return ctx.coordinator.submit(ctx.clusterKey, action, ids, ctx.deadline, (batch) => ctx.client.applyAction(clusterId, action, batch));
}

/** The declared endpoints' connections, sorted, for outputs. */
function declaredConnections(list: ConnectionList, endpointIds: readonly string[]): ObservedConnection[] {
  const wanted = new Set(endpointIds);
  return list.connections.filter((c) => wanted.has(c.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function toOutputs(inputs: ApprovalInputs, list: ConnectionList): ApprovalOutputs {
  const outputs: ApprovalOutputs = { ...inputs, connections: declaredConnections(list, inputs.endpointIds) };
  if (list.vpcServiceName) outputs.vpcServiceName = list.vpcServiceName;
  return outputs;
}

function listIds(ids: readonly string[], max = 10): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`;
}

/**
 * Bring the declared endpoints to the declared action's status (create, and update: `previous` holds
 * the old inputs, whose removed endpoints are rejected when rejectOnDelete).
 */
export async function converge(ctx: OperationContext, inputs: ApprovalInputs, previous?: ApprovalInputs): Promise<ApprovalOutputs> {
  const { clusterId, action } = inputs;
  // Planning may share a listing already in flight for this cluster: a stale "pending" only costs an
  // idempotent POST, and the wait below only trusts listings that started after our own POST.
  const before = await observe(ctx, clusterId, 0);
  const removed = previous ? endpointChanges(previous.endpointIds, inputs.endpointIds).removed : [];
  const plan = planActions({ desired: inputs.endpointIds, action, removed, rejectRemoved: inputs.rejectOnDelete, observed: before.connections });
  if (plan.missing.length > 0) {
    throw approvalError(
      `VPC endpoint(s) ${listIds(plan.missing)} are not connected to CSS cluster ${clusterId}` +
        (before.vpcServiceName ? ` (VPC endpoint service ${before.vpcServiceName})` : "") +
        `; ${before.connections.length} endpoint(s) are connected. Check the endpoint IDs, and that each endpoint was created for this cluster's VPC endpoint service.`,
    );
  }
  ctx.log.debug(`cluster ${clusterId}: receive [${plan.receive.join(",")}] reject [${plan.reject.join(",")}]`);
  // Wait on listings started after our POSTs returned; resources coalesced into the same POST share them.
  const sentAt = Math.max(...(await Promise.all([send(ctx, clusterId, "receive", plan.receive), send(ctx, clusterId, "reject", plan.reject)])));

  const targets = new Map<string, ConnectionStatus>(inputs.endpointIds.map((id) => [id, TARGET_STATUS[action]]));
  for (const id of plan.reject) if (!targets.has(id)) targets.set(id, "rejected");
  const mayVanish = new Set(removed);
  const after = plan.receive.length + plan.reject.length === 0 ? before : await waitFor(ctx, clusterId, targets, mayVanish, sentAt);
  return toOutputs(inputs, after);
}

/** Reject every declared endpoint (delete). Anything already gone counts as done. */
export async function release(ctx: OperationContext, inputs: ApprovalInputs): Promise<void> {
  const { clusterId, endpointIds } = inputs;
  try {
    // As in converge: planning may share a listing in flight; the wait trusts only later ones.
    const before = await observe(ctx, clusterId, 0);
    const plan = planActions({ desired: [], action: "reject", removed: endpointIds, rejectRemoved: true, observed: before.connections });
    if (plan.reject.length === 0) return;
    const sentAt = await send(ctx, clusterId, "reject", plan.reject);
    await waitFor(ctx, clusterId, new Map(plan.reject.map((id) => [id, "rejected"])), new Set(plan.reject), sentAt);
  } catch (err) {
    if (isCssApiError(err) && isGone(err.kind)) {
      ctx.log.info(`cluster ${clusterId}: ${err.kind === "service-disabled" ? "VPC endpoint service disabled" : "cluster gone"} (${err.code ?? err.status}); nothing left to reject`);
      return;
    }
    throw err;
  }
}

/** What refresh reports: the observed statuses, or undefined when the cluster is gone. */
export async function observeForRead(ctx: OperationContext, inputs: ApprovalInputs): Promise<ApprovalOutputs | undefined> {
  try {
    return toOutputs(inputs, await observe(ctx, inputs.clusterId, now()));
  } catch (err) {
    if (isCssApiError(err) && err.kind === "cluster-gone") return undefined;
    if (isCssApiError(err) && err.kind === "service-disabled") {
      // The service is off: no endpoint is connected, which the next diff shows as drift.
      return toOutputs(inputs, { connections: [] });
    }
    throw err;
  }
}

/**
 * Poll (sharing listings with concurrent pollers) until every target is reached, an endpoint fails
 * or vanishes (fine only for those in `mayVanish`), or the deadline passes.
 */
export async function waitFor(
  ctx: OperationContext,
  clusterId: string,
  targets: ReadonlyMap<string, ConnectionStatus>,
  mayVanish: ReadonlySet<string>,
  notBefore: number,
): Promise<ConnectionList> {
  for (let attempt = 1; ; attempt++) {
    const list = await observe(ctx, clusterId, notBefore);
    const progress = assessProgress(targets, list.connections);
    const lost = progress.vanished.filter((id) => !mayVanish.has(id));
    if (lost.length > 0) {
      throw approvalError(`VPC endpoint(s) ${listIds(lost)} disappeared from CSS cluster ${clusterId} while waiting for them to be ${[...new Set(lost.map((id) => targets.get(id)))].join("/")}; was the endpoint deleted?`);
    }
    if (progress.failed.length > 0) {
      throw approvalError(`CSS cluster ${clusterId}: VPC endpoint(s) ${progress.failed.map((f) => `${f.id} (${f.status})`).join(", ")} ended in a failed state`);
    }
    if (progress.done) return list;
    // Poll once more just before the deadline rather than give up a whole poll interval early.
    const remaining = ctx.deadline.remainingMs() - LAST_POLL_MARGIN_MS;
    const wait = Math.min(backoffDelay(attempt, ctx.poll, () => 0.5 + Math.random() / 2), remaining);
    if (remaining <= 0) {
      const pending = progress.pending;
      throw approvalError(
        `timed out after ${(ctx.deadline.elapsedMs() / 1000).toFixed(0)}s (timeoutSeconds=${ctx.deadline.timeoutSeconds}) waiting on CSS cluster ${clusterId}: ` +
          pending.slice(0, 10).map((p) => `${p.id} is "${p.status}" (want "${p.want}")`).join(", ") +
          (pending.length > 10 ? ` and ${pending.length - 10} more` : "") +
          ". Raise timeoutSeconds, or check the endpoints in the CSS console.",
      );
    }
    await sleep(wait);
    notBefore = now();
  }
}
