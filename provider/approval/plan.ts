/**
 * Diff and action planning (pure: no I/O). Given what the user declares and what the cluster reports,
 * decide what changes, which endpoints to receive or reject, and when a wait is over.
 */
import { UNKNOWN, containsUnknown, normaliseEndpointIds } from "../core/inputs";
import { sameTarget } from "../core/target";
import type { ApprovalAction, ConnectionStatus, ObservedConnection, StoredTarget } from "../core/types";
import { TARGET_STATUS } from "./types";

/** The resource's identity: only a different cluster is a different API object, so only it replaces. */
export const REPLACE_KEYS = ["clusterId"] as const;
/**
 * Inputs updated in place. How the API is reached (region, projectId, cloud, endpoint) is not identity:
 * the update re-reads the cluster through the new target and changes nothing there that the preview
 * did not announce. rejectOnDelete and timeoutSeconds change only state.
 */
export const UPDATE_KEYS = ["endpointIds", "domainIds", "action", "rejectOnDelete", "timeoutSeconds", "region", "projectId", "cloud", "endpoint"] as const;

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Why: the input names that changed, and "connections" when observed statuses drifted. */
  changed: string[];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const sa = normaliseEndpointIds(a.filter((x): x is string => typeof x === "string"));
    const sb = normaliseEndpointIds(b.filter((x): x is string => typeof x === "string"));
    return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
  }
  return a === b;
}

/** The endpoints an approval covers in an observation: its ids, plus every endpoint of its accounts. Sorted. */
export function coveredIds(endpointIds: readonly string[], domainIds: readonly string[] | undefined, observed: readonly ObservedConnection[] | undefined): string[] {
  const byAccount = domainIds && observed ? observed.filter((c) => c.domainId !== undefined && domainIds.includes(c.domainId)).map((c) => c.id) : [];
  return normaliseEndpointIds([...endpointIds, ...byAccount]);
}

/** Endpoints whose last observed status is not the target for `action` (missing counts as drift). */
export function driftedEndpoints(
  endpointIds: readonly string[],
  action: ApprovalAction,
  observed: readonly ObservedConnection[] | undefined,
): string[] {
  if (!observed) return [];
  const byId = new Map(observed.map((c) => [c.id, c.status]));
  return endpointIds.filter((id) => byId.get(id) !== TARGET_STATUS[action]);
}

/**
 * Compare old outputs (which carry the old inputs) with new, checked inputs.
 * Defaults are applied to `olds` too, so state from older provider code compares fairly.
 * `currentTarget` is where the API would be reached now (inputs, stack config, environment); a
 * difference from the target recorded in state is an update ("target"), never a replace.
 */
export function diffApproval(olds: Record<string, unknown>, news: Record<string, unknown>, currentTarget?: StoredTarget): DiffResult {
  const withDefaults = (p: Record<string, unknown>): Record<string, unknown> => ({
    ...p,
    action: p.action ?? "receive",
    rejectOnDelete: p.rejectOnDelete ?? true,
    timeoutSeconds: p.timeoutSeconds ?? 600,
  });
  const o = withDefaults(olds);
  const n = withDefaults(news);
  const replaces: string[] = [];
  const changed: string[] = [];

  for (const key of REPLACE_KEYS) {
    if (n[key] === UNKNOWN || !sameValue(o[key], n[key])) replaces.push(key);
  }
  for (const key of UPDATE_KEYS) {
    if (containsUnknown(n[key]) || !sameValue(o[key], n[key])) changed.push(key);
  }
  const recorded = olds.target as StoredTarget | undefined;
  if (currentTarget && recorded && typeof recorded === "object" && !sameTarget(recorded, currentTarget)) changed.push("target");
  // Drift seen by the last refresh: an endpoint declared here is not in its target status.
  const domainIds = n.domainIds === undefined || n.domainIds === null ? undefined : n.domainIds;
  if (
    replaces.length === 0 &&
    Array.isArray(n.endpointIds) &&
    !containsUnknown(n.endpointIds) &&
    (domainIds === undefined || (Array.isArray(domainIds) && !containsUnknown(domainIds))) &&
    (n.action === "receive" || n.action === "reject") &&
    Array.isArray(o.connections)
  ) {
    const observed = o.connections as ObservedConnection[];
    // A new endpoint of a declared account, seen by refresh, is drift too: `up --refresh` approves it.
    const drift = driftedEndpoints(coveredIds(n.endpointIds as string[], domainIds as string[] | undefined, observed), n.action, observed);
    if (drift.length > 0) changed.push("connections");
  }
  return {
    changes: replaces.length > 0 || changed.length > 0,
    replaces,
    // Create first: if an unknown cluster id turns out to be the same cluster, the old resource's delete
    // leaves alone what the new one declares (claims.ts), so no consumer is rejected in between.
    deleteBeforeReplace: false,
    changed: [...replaces, ...changed],
  };
}

export interface ActionPlan {
  receive: string[];
  reject: string[];
  /** Declared endpoints that are not connected to the cluster at all. */
  missing: string[];
}

export interface PlanRequest {
  /** Endpoints that must reach the target status of `action`. */
  desired: readonly string[];
  action: ApprovalAction;
  /** Endpoints no longer declared; rejected when `rejectRemoved`. */
  removed?: readonly string[];
  rejectRemoved?: boolean;
  observed: readonly ObservedConnection[];
}

/**
 * What to send: only endpoints not already in their target status, so re-applying is idempotent and
 * costs no POST. A removed endpoint that is gone or already rejected needs nothing.
 */
export function planActions(req: PlanRequest): ActionPlan {
  const status = new Map(req.observed.map((c) => [c.id, c.status]));
  const plan: ActionPlan = { receive: [], reject: [], missing: [] };
  const target = TARGET_STATUS[req.action];
  for (const id of normaliseEndpointIds(req.desired)) {
    const current = status.get(id);
    if (current === undefined) plan.missing.push(id);
    else if (current !== target) plan[req.action].push(id);
  }
  if (req.rejectRemoved) {
    const desired = new Set(req.desired);
    for (const id of normaliseEndpointIds(req.removed ?? [])) {
      const current = status.get(id);
      if (!desired.has(id) && current !== undefined && current !== "rejected" && current !== "deleting") {
        plan.reject.push(id);
      }
    }
  }
  return plan;
}

export interface WaitProgress {
  done: boolean;
  /** Endpoints not yet in their target status, with what they show now. */
  pending: { id: string; status: ConnectionStatus; want: ConnectionStatus }[];
  /** Endpoints that disappeared from the cluster. */
  vanished: string[];
  /** Endpoints in a terminal status that is not the target (e.g. `failed`). */
  failed: { id: string; status: ConnectionStatus }[];
}

// An array, not a Set: the closure serializer copies a Set as an empty object.
const TERMINAL_FAILURES: readonly string[] = ["failed"];

/** Has every endpoint reached its target? `targets` maps endpoint id to wanted status. */
export function assessProgress(
  targets: ReadonlyMap<string, ConnectionStatus>,
  observed: readonly ObservedConnection[],
): WaitProgress {
  const status = new Map(observed.map((c) => [c.id, c.status]));
  const progress: WaitProgress = { done: true, pending: [], vanished: [], failed: [] };
  for (const [id, want] of targets) {
    const current = status.get(id);
    if (current === undefined) {
      progress.vanished.push(id);
    } else if (current !== want) {
      if (TERMINAL_FAILURES.includes(current)) progress.failed.push({ id, status: current });
      else progress.pending.push({ id, status: current, want });
    }
  }
  progress.done = progress.pending.length === 0 && progress.failed.length === 0;
  return progress;
}

/** What a previous observation covered: the declared ids and the endpoints its accounts had then. */
export function previouslyCovered(previous: { endpointIds: readonly string[]; domainIds?: readonly string[]; connections?: readonly ObservedConnection[] }): string[] {
  return coveredIds(previous.endpointIds, previous.domainIds, previous.connections);
}

/**
 * The endpoints an update may act on: exactly what its preview announced. Added ones (declared ids,
 * and every endpoint of a newly declared account), all of them on an action change, and those the
 * last observation (create, update or refresh) saw off target. Drift that happened since, including
 * a new endpoint of an account already declared, is recorded by the update and shown by the next
 * preview instead of being acted on unannounced.
 */
export function updateScope(
  previous: { endpointIds: readonly string[]; domainIds?: readonly string[]; action: ApprovalAction; connections?: readonly ObservedConnection[] },
  inputs: { endpointIds: readonly string[]; domainIds?: readonly string[]; action: ApprovalAction },
  observed: readonly ObservedConnection[],
): string[] {
  const covered = coveredIds(inputs.endpointIds, inputs.domainIds, observed);
  if (previous.action !== inputs.action || !previous.connections) return covered;
  const before = new Set(previouslyCovered(previous));
  const drifted = new Set(driftedEndpoints([...before], inputs.action, previous.connections));
  const accountOf = new Map(observed.map((c) => [c.id, c.domainId]));
  return covered.filter((id) => {
    if (before.has(id)) return drifted.has(id);
    if (inputs.endpointIds.includes(id)) return true; // declared by id just now
    const account = accountOf.get(id);
    return account !== undefined && !(previous.domainIds ?? []).includes(account); // an account declared just now
  });
}
