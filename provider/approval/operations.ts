/**
 * The operations behind create/update/delete/read: observe the cluster, plan, send through the
 * per-cluster coordinator, and wait until every endpoint sent shows its target status.
 */
import { conflictsFor, describeConflicts, recordClaim, releaseWaitMs, wantedReceived } from "../core/claims";
import type { ConnectionList } from "../core/client";
import { confirmGone as confirmClusterGone } from "../core/cluster-gone";
import type { OperationContext } from "../core/context";
import type { SendTracker } from "../core/coordinator";
import { now, sleep } from "../core/deadline";
import { CssApiError, isCssApiError, namedError, withPartialOutputs } from "../core/errors";
import { assessProgress, coveredIds, planActions, previouslyCovered, updateScope } from "./plan";
import { backoffDelay } from "../core/retry";
import { sameTarget } from "../core/target";
import type { ApprovalAction, ConnectionStatus, ObservedConnection, StoredTarget } from "../core/types";
import { ApprovalInputs, ApprovalOutputs, TARGET_STATUS } from "./types";

/** Time kept for the last status listing before the deadline. */
const LAST_POLL_MARGIN_MS = 250;

/** An error whose message a user reads in `pulumi up`: it names the cluster and what to do. */
function approvalError(message: string): Error {
  return namedError("ApprovalError", message);
}

/** Is the cluster really gone? (core/cluster-gone.ts) Unconfirmed, it throws an ApprovalError that keeps the resource. */
function confirmGone(ctx: OperationContext, clusterId: string, err: unknown): Promise<"cluster-gone" | "service-disabled"> {
  return confirmClusterGone(ctx, clusterId, err, "ApprovalError");
}

function observe(ctx: OperationContext, clusterId: string, notBefore: number): Promise<ConnectionList> {
  return ctx.coordinator.sharedList(ctx.clusterKey, notBefore, ctx.deadline, `the connection list of CSS cluster ${clusterId}`, () =>
    ctx.client.listConnections(clusterId),
  );
}

interface SendOptions {
  /** A release leaves alone what other approvals of this deployment still want received. */
  release?: boolean;
  tracker: SendTracker;
  /** Fails the request when the POST is formed (a conflicting approval checked meanwhile). */
  precheck?: () => void;
}

/** Queue a POST on the cluster's lane; resolves with when it returned and which ids it carried. */
function send(ctx: OperationContext, clusterId: string, action: ApprovalAction, ids: readonly string[], opts: SendOptions) {
  return ctx.coordinator.submit(ctx.clusterKey, {
    action,
    ids,
    deadline: ctx.deadline,
    tracker: opts.tracker,
    release: opts.release,
    precheck: opts.precheck,
    exclude: opts.release ? (candidates) => keepUnclaimed(ctx, clusterId, candidates) : undefined,
    send: (batch, pace) => ctx.client.applyAction(clusterId, action, batch, pace),
  });
}

function keepUnclaimed(ctx: OperationContext, clusterId: string, ids: readonly string[]): string[] {
  const claimed = wantedReceived(clusterId, ids);
  if (claimed.length > 0) ctx.log.info(`cluster ${clusterId}: not rejecting ${listIds(claimed)}: another approval of this deployment declares them`);
  return ids.filter((id) => !claimed.includes(id));
}

/**
 * Let the rest of the deployment declare what it still wants before a release is sent: wait until the
 * engine has checked no resource for the grace period (no wait at all in a destroy, which checks none).
 */
async function releaseGrace(ctx: OperationContext): Promise<void> {
  for (let wait = releaseWaitMs(ctx.releaseGraceMs); wait > 0; wait = releaseWaitMs(ctx.releaseGraceMs)) {
    if (wait >= ctx.deadline.remainingMs() / 2) return; // keep the deadline for the release itself
    await sleep(wait);
  }
}

/** The declared endpoints' connections, sorted, for outputs. */
function declaredConnections(list: ConnectionList, endpointIds: readonly string[]): ObservedConnection[] {
  const wanted = new Set(endpointIds);
  return list.connections.filter((c) => wanted.has(c.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function toOutputs(inputs: ApprovalInputs, list: ConnectionList, target: StoredTarget): ApprovalOutputs {
  const covered = coveredIds(inputs.endpointIds, inputs.domainIds, list.connections);
  const outputs: ApprovalOutputs = { ...inputs, connections: declaredConnections(list, covered), target };
  if (list.vpcServiceName) outputs.vpcServiceName = list.vpcServiceName;
  return outputs;
}

function listIds(ids: readonly string[], max = 10): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`;
}

/**
 * Record this approval's claim (its ids, plus `covered` endpoints of its accounts once observed), and
 * fail fast when another approval of the deployment wants the opposite.
 */
export function claim(clusterId: string, inputs: Pick<ApprovalInputs, "resourceName" | "action" | "endpointIds">, covered: readonly string[] = []): void {
  if (!inputs.resourceName) return;
  const endpointIds = [...new Set([...inputs.endpointIds, ...covered])];
  recordClaim(clusterId, { name: inputs.resourceName, action: inputs.action, endpointIds });
  const conflicts = conflictsFor(clusterId, inputs.resourceName, endpointIds);
  if (conflicts.length > 0) throw approvalError(describeConflicts(clusterId, conflicts));
}

/**
 * Bring the declared endpoints to the declared action's status. Create acts on every endpoint; an
 * update (`previous` = the old outputs) only on what its preview announced (plan.ts updateScope), and
 * rejects the endpoints it dropped (when rejectOnDelete) unless another approval still declares them.
 * A failure after a POST may have been sent carries the outputs to record (PartialFailure).
 */
export async function converge(ctx: OperationContext, inputs: ApprovalInputs, previous?: ApprovalOutputs): Promise<ApprovalOutputs> {
  const { clusterId, action } = inputs;
  claim(clusterId, inputs);
  // Planning may share a listing already in flight for this cluster: a stale "pending" only costs an
  // idempotent POST, and the wait below only trusts listings that started after our own POST.
  const retargeted = previous?.target && !sameTarget(previous.target, ctx.target) ? previous.target : undefined;
  let latest = await observe(ctx, clusterId, 0).catch((err: unknown) => {
    throw retargeted && isCssApiError(err) && err.kind !== "deadline" ? retargetError(ctx, clusterId, retargeted, err) : err;
  });
  const covered = coveredIds(inputs.endpointIds, inputs.domainIds, latest.connections);
  claim(clusterId, inputs, covered);
  const scope = previous ? updateScope(previous, inputs, latest.connections) : covered;
  const dropped = previous ? previouslyCovered(previous).filter((id) => !covered.includes(id)) : [];
  const removed = [...new Set([...(inputs.rejectOnDelete ? dropped : []), ...(previous?.pendingReleases ?? [])])].filter((id) => !covered.includes(id));
  const plan = planActions({ desired: scope, action, removed, rejectRemoved: true, observed: latest.connections });
  if (plan.missing.length > 0) {
    throw approvalError(
      `VPC endpoint(s) ${listIds(plan.missing)} are not connected to CSS cluster ${clusterId}` +
        (latest.vpcServiceName ? ` (VPC endpoint service ${latest.vpcServiceName})` : "") +
        `; ${latest.connections.length} endpoint(s) are connected. Check the endpoint IDs, and that each endpoint was created for this cluster's VPC endpoint service.`,
    );
  }
  const releases = plan.reject.filter((id) => !scope.includes(id));
  const declared = { receive: plan.receive, reject: plan.reject.filter((id) => scope.includes(id)) };
  if (action === "receive") {
    // Endpoints a release of ours rejected after our listing may still look accepted: accept them anyway.
    for (const id of ctx.coordinator.takeReleased(ctx.clusterKey, covered)) if (!declared.receive.includes(id)) declared.receive.push(id);
  }
  ctx.log.debug(`cluster ${clusterId}: receive [${declared.receive.join(",")}] reject [${declared.reject.join(",")}] release [${releases.join(",")}]`);

  const tracker: SendTracker = { attempted: false };
  const fail = (err: unknown): never => {
    if (!tracker.attempted) throw err;
    const stillClaimed = wantedReceived(clusterId, releases);
    const unconfirmed = releases.filter((id) => !stillClaimed.includes(id) && !latest.connections.some((c) => c.id === id && c.status === "rejected"));
    const outputs = toOutputs(inputs, latest, ctx.target);
    if (unconfirmed.length > 0) outputs.pendingReleases = unconfirmed;
    throw withPartialOutputs(err, outputs);
  };
  try {
    // Another approval of the deployment may be checked while this one observes: look again before sending.
    const precheck = () => claim(clusterId, inputs, covered);
    const sends = [
      send(ctx, clusterId, "receive", declared.receive, { tracker, precheck }),
      send(ctx, clusterId, "reject", declared.reject, { tracker, precheck }),
      releases.length > 0 ? releaseGrace(ctx).then(() => send(ctx, clusterId, "reject", releases, { release: true, tracker })) : undefined,
    ];
    const results = await Promise.all(sends);
    const released = results[2]?.sent ?? [];
    // Wait on listings started after our POSTs returned; resources coalesced into the same POST share them.
    const sentAt = Math.max(0, ...results.map((r) => r?.doneAt ?? 0));
    const targets = new Map<string, ConnectionStatus>();
    for (const r of results.slice(0, 2)) for (const id of r?.sent ?? []) targets.set(id, TARGET_STATUS[action]);
    for (const id of released) targets.set(id, "rejected");
    if (targets.size > 0) {
      latest = await waitFor(ctx, clusterId, targets, new Set(released), sentAt, (list) => (latest = list));
    }
  } catch (err) {
    fail(err);
  }
  return toOutputs(inputs, latest, ctx.target);
}

function retargetError(ctx: OperationContext, clusterId: string, old: StoredTarget, err: CssApiError): Error {
  const where = (t: StoredTarget) => `${t.baseUrl} (project ${t.projectId}${t.region ? `, region ${t.region}` : ""})`;
  return approvalError(
    `CSS cluster ${clusterId} was not found through the new settings, ${where(ctx.target)}: ${err.message}. ` +
      `Nothing was changed; the resource still records ${where(old)}. Check region, projectId, cloud and endpoint (inputs, css-vpcep:* stack config, or OS_*/HW_* variables).`,
  );
}


/** Reject every declared endpoint (delete) that no other approval of this deployment still declares. Anything already gone counts as done. */
export async function release(
  ctx: OperationContext,
  inputs: ApprovalInputs & { pendingReleases?: string[]; connections?: ObservedConnection[] },
): Promise<void> {
  const { clusterId } = inputs;
  // What the resource covered when it last looked (its accounts' endpoints included), and what a failed update left.
  const endpointIds = [...new Set([...previouslyCovered(inputs), ...(inputs.pendingReleases ?? [])])];
  try {
    // As in converge: planning may share a listing in flight; the wait trusts only later ones.
    const before = await observe(ctx, clusterId, 0);
    const plan = planActions({ desired: [], action: "reject", removed: endpointIds, rejectRemoved: true, observed: before.connections });
    if (plan.reject.length === 0) return;
    await releaseGrace(ctx);
    const { sent, doneAt } = await send(ctx, clusterId, "reject", plan.reject, { release: true, tracker: { attempted: false } });
    if (sent.length === 0) return;
    await waitFor(ctx, clusterId, new Map(sent.map((id) => [id, "rejected"])), new Set(sent), doneAt);
  } catch (err) {
    const gone = await confirmGone(ctx, clusterId, err);
    ctx.log.info(`cluster ${clusterId}: ${gone === "service-disabled" ? "VPC endpoint service disabled" : "cluster gone"}; nothing left to reject`);
  }
}

/** What refresh reports: the observed statuses, or undefined when the cluster is gone. */
export async function observeForRead(ctx: OperationContext, inputs: ApprovalInputs): Promise<ApprovalOutputs | undefined> {
  try {
    return toOutputs(inputs, await observe(ctx, inputs.clusterId, now()), ctx.target);
  } catch (err) {
    // The service is off: no endpoint is connected, which the next diff shows as drift.
    if ((await confirmGone(ctx, inputs.clusterId, err)) === "service-disabled") return toOutputs(inputs, { connections: [] }, ctx.target);
    return undefined;
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
  onList: (list: ConnectionList) => void = () => undefined,
): Promise<ConnectionList> {
  let progress = assessProgress(targets, []);
  for (let attempt = 1; ; attempt++) {
    let list: ConnectionList;
    try {
      list = await observe(ctx, clusterId, notBefore);
    } catch (err) {
      if (isCssApiError(err) && err.kind === "deadline") throw timedOut(ctx, clusterId, attempt === 1 ? undefined : progress);
      throw err;
    }
    onList(list);
    progress = assessProgress(targets, list.connections);
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
    if (remaining <= 0) throw timedOut(ctx, clusterId, progress);
    await sleep(Math.min(backoffDelay(attempt, ctx.poll, () => 0.5 + Math.random() / 2), remaining));
    notBefore = now();
  }
}

function timedOut(ctx: OperationContext, clusterId: string, progress: ReturnType<typeof assessProgress> | undefined): Error {
  const pending = progress?.pending ?? [];
  const seen =
    pending.length > 0
      ? `: ${pending.slice(0, 10).map((p) => `${p.id} is "${p.status}" (want "${p.want}")`).join(", ")}${pending.length > 10 ? ` and ${pending.length - 10} more` : ""}`
      : " for the connection list to show the new statuses";
  return approvalError(
    `timed out after ${(ctx.deadline.elapsedMs() / 1000).toFixed(0)}s (timeoutSeconds=${ctx.deadline.timeoutSeconds}) waiting on CSS cluster ${clusterId}${seen}. ` +
      "Raise timeoutSeconds, or check the endpoints in the CSS console.",
  );
}
