/**
 * What the approvals of this deployment declare, per cluster, so that one approval never undoes
 * another (renames, an endpoint moved between approvals, a replacement on the same cluster).
 *
 * Every approval of a deployment runs in the one provider process, and the engine checks each
 * resource of the program before it changes anything for it. A claim is recorded by check (and again
 * by create/update, with the resolved inputs). A release, i.e. the reject of an endpoint that an
 * approval drops or of a deleted approval's endpoints, leaves alone every endpoint that a claim of this
 * deployment still wants received. Claims come only from the resource class (which names the
 * resource); direct users of the provider opt in by passing `resourceName`.
 *
 * Across deployments (another stack, blue/green) the process sees nothing: see the README.
 * Plain data on globalThis, like the coordinator's, so every serialized copy of this module shares it.
 */
import type { ApprovalAction } from "./types";

export interface Claim {
  /** The declaring resource's logical name. */
  name: string;
  action: ApprovalAction;
  endpointIds: readonly string[];
}

export interface ClaimConflict {
  endpointId: string;
  receiver: string;
  rejecter: string;
}

type ClaimState = Map<string, Claim[]>;

const CLAIMS_KEY = "__pulumiCssVpcepClaims";
const LAST_CHECK_KEY = "__pulumiCssVpcepLastCheck";
function state(): ClaimState {
  const g = globalThis as unknown as Record<string, ClaimState | undefined>;
  return (g[CLAIMS_KEY] ??= new Map());
}

/** The engine checked a resource of the program (any resource of this package): more claims may follow. */
export function noteCheck(at: number = Date.now()): void {
  (globalThis as unknown as Record<string, number>)[LAST_CHECK_KEY] = at;
}

/**
 * How long a release should still wait for the program's other resources to be checked: until no
 * check has come for `graceMs`. Zero when none came at all (a destroy, or deletes at the end of an up).
 */
export function releaseWaitMs(graceMs: number, now: number = Date.now()): number {
  const last = (globalThis as unknown as Record<string, number | undefined>)[LAST_CHECK_KEY];
  return last === undefined ? 0 : Math.max(0, last + graceMs - now);
}

/** Record a claim (idempotent for the same name, action and endpoints). */
export function recordClaim(clusterId: string, claim: Claim): void {
  const list = state().get(clusterId) ?? [];
  const key = (c: Claim) => `${c.name}|${c.action}|${[...c.endpointIds].sort().join(",")}`;
  if (!list.some((c) => key(c) === key(claim))) list.push({ ...claim, endpointIds: [...claim.endpointIds] });
  state().set(clusterId, list);
}

/** The endpoints among `ids` that a claim of this deployment wants received: a release must skip them. */
export function wantedReceived(clusterId: string, ids: readonly string[]): string[] {
  const claims = state().get(clusterId) ?? [];
  return ids.filter((id) => claims.some((c) => c.action === "receive" && c.endpointIds.includes(id)));
}

/** Pairs of claims that want opposite actions for one endpoint (pure over the given claims). */
export function findConflicts(claims: readonly Claim[], ids?: readonly string[]): ClaimConflict[] {
  const out: ClaimConflict[] = [];
  const seen: string[] = [];
  for (const receiver of claims.filter((c) => c.action === "receive")) {
    for (const rejecter of claims.filter((c) => c.action === "reject" && c.name !== receiver.name)) {
      for (const id of receiver.endpointIds) {
        if (ids && !ids.includes(id)) continue;
        const key = `${id}|${receiver.name}|${rejecter.name}`;
        if (rejecter.endpointIds.includes(id) && !seen.includes(key)) {
          seen.push(key);
          out.push({ endpointId: id, receiver: receiver.name, rejecter: rejecter.name });
        }
      }
    }
  }
  return out;
}

/** Conflicts on this cluster that involve the named resource's endpoints. */
export function conflictsFor(clusterId: string, name: string, ids: readonly string[]): ClaimConflict[] {
  return findConflicts(state().get(clusterId) ?? [], ids).filter((c) => c.receiver === name || c.rejecter === name);
}

/** One line per conflict, naming both approvals. */
export function describeConflicts(clusterId: string, conflicts: readonly ClaimConflict[]): string {
  const lines = conflicts
    .slice(0, 5)
    .map((c) => `endpoint ${c.endpointId} is received by approval "${c.receiver}" and rejected by approval "${c.rejecter}"`);
  return (
    `conflicting approvals on CSS cluster ${clusterId}: ${lines.join("; ")}${conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : ""}. ` +
    "An endpoint can have one action only: declare it in one approval, or give both the same action."
  );
}

/** Forget every claim and check (tests that reuse one process for several deployments). */
export function clearClaims(): void {
  state().clear();
  delete (globalThis as unknown as Record<string, number | undefined>)[LAST_CHECK_KEY];
}
