/**
 * Self-inflicted conflicts: the engine runs resources in parallel and they all share one provider
 * process. For each cluster, calls are serialised (one POST in flight), concurrent requests for the
 * same action are coalesced into one POST, and concurrent status polls share one listing.
 * The state lives on globalThis so every copy of this module in the process (one per serialized
 * provider) shares it; it is created at run time and never serialized. No class instance goes there
 * (only maps, plain objects and the callbacks of requests in flight): the closure serializer emits a
 * class it can reach from `global` as a reference to that live object, which a fresh provider
 * process does not have.
 */
import { releaseWaitMs } from "./claims";
import { Deadline, now, sleep } from "./deadline";
import { MAX_COOLDOWN_MS, inOwnBusyWindow, learnBusyWindow, paceBusyRetry } from "./busy-window";
import type { BusyBounds, SendReport } from "./busy-window";
import { cssApiError, isCssApiError, isRetryable } from "./errors";
import type { RetryPacer } from "./retry";
import type { ApprovalAction } from "./types";

export type { SendReport } from "./busy-window";

/** What a request's POST did: when it returned (0 if nothing was sent) and which of its ids it carried. */
export interface SendResult {
  doneAt: number;
  sent: string[];
}

/** Set by the coordinator as soon as a POST attempt carrying one of the request's endpoints starts. */
export interface SendTracker {
  attempted: boolean;
}

/** Accept/reject requests coalesce; a "service" change (open, close, whitelist) goes through the lane alone. */
export type LaneAction = ApprovalAction | "service";

export interface QueuedAction {
  action: LaneAction;
  ids: readonly string[];
  deadline: Deadline;
  /**
   * Sends one POST (with its own retries) for the ids the getter returns at each attempt: a request
   * whose deadline passed meanwhile is left out of the next attempt.
   */
  send: (ids: () => readonly string[], pace?: RetryPacer) => Promise<SendReport | void>;
  /** Evaluated when the POST is formed: the ids this request may still send (a release skips what others declare). */
  exclude?: (ids: readonly string[]) => readonly string[];
  /** Runs when the POST is formed; throwing fails the request instead (a conflict found meanwhile). */
  precheck?: () => void;
  /** A release (the reject of endpoints no longer declared): remembered so a later claimer re-accepts them. */
  release?: boolean;
  tracker?: SendTracker;
  resolve: (result: SendResult) => void;
  reject: (err: unknown) => void;
}

/** A queued request with the coordinator's bookkeeping. */
interface Pending extends QueuedAction {
  /** Resolved, rejected, or expired: nothing more is sent for it. */
  settled: boolean;
  /** The ids it sends, after `exclude`. */
  effective: readonly string[];
  timer?: ReturnType<typeof setTimeout>;
  /** Its client sends the batch: its own retry loop ends at its deadline, with the last answer. */
  sending?: boolean;
}

/**
 * Pick the next batch (pure): the head's action, plus every later request for the same action that
 * does not touch an endpoint an earlier request of the other action is about to change, so the
 * order the engine asked for is kept where it matters.
 */
export function pickBatch<T extends Pick<QueuedAction, "action" | "ids">>(queue: readonly T[]): T[] {
  if (queue.length === 0) return [];
  const action = queue[0].action;
  if (action === "service") return [queue[0]];
  const blocked = new Set<string>();
  const batch: T[] = [];
  for (const item of queue) {
    if (item.action === action) {
      if (!item.ids.some((id) => blocked.has(id))) batch.push(item);
      else item.ids.forEach((id) => blocked.add(id));
    } else {
      item.ids.forEach((id) => blocked.add(id));
    }
  }
  return batch;
}

/** The union of the batch's endpoint ids, sorted. */
export function mergeIds(batch: readonly Pick<QueuedAction, "ids">[]): string[] {
  return [...new Set(batch.flatMap((b) => b.ids))].sort();
}

interface ClusterLane {
  queue: Pending[];
  running: boolean;
  /** When our last POST on this cluster returned. */
  lastDoneAt?: number;
  /** How long we wait after our last POST before the next one (busyWait of `busy`). */
  busyEstimateMs: number;
  /** Do not POST before this: the cluster is probably still busy with our previous change. */
  quietUntil: number;
  /**
   * What our POSTs' attempts showed of the busy window. Optional, like the two fields below: a lane
   * may have been created by an older copy of this module in the same process (state written by an
   * older version), which knows only the fields above.
   */
  busy?: BusyBounds;
  /** When a request last joined the queue, or a planning listing returned (its callers are about to). */
  lastArrivalAt?: number;
  /** When a request last joined the queue. */
  lastSubmitAt?: number;
  /** How far apart requests of one wave have been reaching the queue (moving average). */
  arrivalGapMs?: number;
  /** Callers waiting on a planning listing (sharedList with notBefore 0): requests about to be queued. */
  planning?: number;
  listing?: { startedAt: number; promise: Promise<unknown> };
  /** Endpoints our releases rejected: a claimer that wants them received sends the accept even if its listing was older. */
  released: string[];
}

export interface CoordinatorStats {
  posts: number;
  coalescedRequests: number;
}

/** The coordinator's plain-data state (shared per process through globalThis). */
export interface CoordinatorState {
  lanes: Map<string, ClusterLane>;
  stats: CoordinatorStats;
}

export function newCoordinatorState(): CoordinatorState {
  return { lanes: new Map(), stats: { posts: 0, coalescedRequests: 0 } };
}

/**
 * Upper bound on how long a batch keeps waiting for requests that are still arriving. The engine
 * starts a wave of up to `--parallel` operations one by one (a checkpoint write between each), so on
 * a loaded machine or with a large state a wave reaches the provider over hundreds of milliseconds;
 * a request that misses its wave's POST waits a whole busy window for the next one.
 */
const MAX_GATHER_MS = 1_000;
/** How often a batch looks again while a planning listing is in flight. */
const PLANNING_POLL_MS = 5;
/** Upper bound on the gather window learned from how far apart a wave's requests arrive. */
const MAX_ARRIVAL_WINDOW_MS = 300;

export class ClusterCoordinator {
  /**
   * @param state lanes per cluster and counters
   * @param gatherMs how long a POST waits after the latest sign of more requests (an arrival, an
   *   engine check) before it goes; the engine starts its steps tens of milliseconds apart on a
   *   loaded machine
   */
  constructor(
    private readonly state: CoordinatorState = newCoordinatorState(),
    private readonly gatherMs: number = 50,
  ) {}

  get stats(): CoordinatorStats {
    return this.state.stats;
  }

  private get lanes(): Map<string, ClusterLane> {
    return this.state.lanes;
  }

  private lane(key: string): ClusterLane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { queue: [], running: false, busyEstimateMs: 0, quietUntil: 0, released: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /**
   * Queue an action for a cluster. Resolves, when a POST carrying these ids succeeded, with the time
   * that POST returned (every request it carried may then trust, and share, listings started after
   * it) and the ids it carried. Rejects at the request's own deadline, whatever else shares the lane.
   */
  submit(key: string, request: Omit<QueuedAction, "resolve" | "reject">): Promise<SendResult> {
    if (request.ids.length === 0) return Promise.resolve({ doneAt: 0, sent: [] });
    return new Promise<SendResult>((resolve, reject) => {
      const lane = this.lane(key);
      const pending: Pending = { ...request, effective: request.ids, settled: false, resolve, reject };
      pending.resolve = (result) => {
        if (this.settle(pending)) resolve(result);
      };
      pending.reject = (err) => {
        if (this.settle(pending)) reject(err);
      };
      pending.timer = setTimeout(() => this.expire(key, lane, pending), request.deadline.remainingMs());
      noteArrival(lane, now());
      lane.queue.push(pending);
      void this.drain(key);
    });
  }

  /**
   * Queue a change of the endpoint service itself (open, close, whitelist) in the same lane as the
   * accepts and rejects: it waits out our own busy window and makes the next request wait out its.
   */
  exclusive(key: string, describe: string, deadline: Deadline, send: (pace?: RetryPacer) => Promise<SendReport | void>, tracker?: SendTracker): Promise<SendResult> {
    // Asking for the ids marks the tracker: the change may reach the cluster from here on.
    return this.submit(key, { action: "service", ids: [describe], deadline, tracker, send: (ids, pace) => (ids(), send(pace)) });
  }

  /** Endpoints among `ids` that our own releases rejected on this cluster; forgets them (the caller re-accepts). */
  takeReleased(key: string, ids: readonly string[]): string[] {
    const lane = this.lane(key);
    const taken = ids.filter((id) => lane.released.includes(id));
    lane.released = lane.released.filter((id) => !taken.includes(id));
    return taken;
  }

  private settle(p: Pending): boolean {
    if (p.settled) return false;
    p.settled = true;
    if (p.timer) clearTimeout(p.timer);
    return true;
  }

  /** The request's deadline passed: fail it now, and leave its ids out of any further attempt. */
  private expire(key: string, lane: ClusterLane, p: Pending): void {
    const queued = lane.queue.includes(p);
    // The sender's own retry loop stops at this same deadline and fails with the last answer it got.
    if (!queued && p.sending) return;
    lane.queue = lane.queue.filter((q) => q !== p);
    const seconds = p.deadline.timeoutSeconds;
    const cluster = key.split("|").pop() ?? key;
    const what = `${p.action === "service" ? `call to ${p.ids[0]}` : `${p.action} of ${p.ids.length} endpoint(s)`} on CSS cluster ${cluster}`;
    p.reject(
      cssApiError({
        kind: "deadline",
        message: queued
          ? `timed out after ${seconds}s (timeoutSeconds=${seconds}) before the ${what} could be sent: the cluster was still busy with earlier changes, and nothing was sent for them; raise timeoutSeconds`
          : `timed out after ${seconds}s (timeoutSeconds=${seconds}) while the cluster kept answering busy to the ${what}; raise timeoutSeconds`,
      }),
    );
  }

  private async drain(key: string): Promise<void> {
    const lane = this.lane(key);
    if (lane.running) return;
    lane.running = true;
    try {
      while (lane.queue.length > 0) {
        await this.readyToSend(lane);
        const batch = pickBatch(lane.queue);
        if (batch.length === 0) break;
        lane.queue = lane.queue.filter((q) => !batch.includes(q));
        await this.run(lane, this.applyExclusions(batch));
      }
    } finally {
      lane.running = false;
      if (lane.queue.length > 0) void this.drain(key);
    }
  }

  /**
   * Wait until the next POST may go: first out of the busy window our previous POST caused (that
   * costs no 409s, and requests arriving meanwhile join the POST), then while more requests are
   * probably on their way, for at most MAX_GATHER_MS: one arrived within the gather window (twice
   * the usual spacing of a wave's requests, at least `gatherMs`), a planning listing is in flight
   * (its callers queue as soon as it returns), or, before the lane's first POST, the engine checked
   * a resource within `gatherMs` (it is still working through the program and starts steps as it
   * goes; later POSTs gather while they wait out the busy window). Each request's own timer fails it
   * at its deadline meanwhile.
   */
  private async readyToSend(lane: ClusterLane): Promise<void> {
    const quiet = Math.min(lane.quietUntil - now(), MAX_COOLDOWN_MS);
    if (quiet > 0) await sleep(quiet);
    if (this.gatherMs <= 0) return;
    const until = now() + MAX_GATHER_MS;
    for (let t = now(); t < until; t = now()) {
      const arrival = Math.max(0, gatherWindow(lane, this.gatherMs) - (t - (lane.lastArrivalAt ?? -Infinity)));
      const checking = lane.lastDoneAt === undefined ? releaseWaitMs(this.gatherMs) : 0;
      const planning = (lane.planning ?? 0) > 0 ? PLANNING_POLL_MS : 0;
      const wait = Math.max(arrival, checking, planning);
      if (wait <= 0) return;
      await sleep(Math.min(until - t, wait));
    }
  }

  /** Apply each request's `precheck` and `exclude` now; a request with nothing left to send is done at once. */
  private applyExclusions(batch: Pending[]): Pending[] {
    const out: Pending[] = [];
    for (const p of batch) {
      try {
        p.precheck?.();
      } catch (err) {
        p.reject(err);
        continue;
      }
      p.effective = p.exclude ? p.exclude(p.ids) : p.ids;
      if (p.effective.length > 0) out.push(p);
      else p.resolve({ doneAt: 0, sent: [] });
    }
    return out;
  }

  private async run(lane: ClusterLane, batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    // The client asks for the ids as it builds each attempt: those calls time the attempts, and
    // requests for the same action queued meanwhile join the next attempt (absorb).
    const attemptsAt: number[] = [];
    const live = (members: Pending[], absorb = false) => () => {
      attemptsAt.push(now());
      if (absorb) this.absorb(lane, members);
      const ids = mergeIds(members.filter((m) => !m.settled).map((m) => ({ ids: m.effective })));
      if (ids.length > 0) members.forEach((m) => m.tracker && !m.settled && (m.tracker.attempted = true));
      return ids;
    };
    // The request with the most time left sends for everyone.
    const sender = batch.reduce((a, b) => (b.deadline.expiresAt > a.deadline.expiresAt ? b : a));
    sender.sending = true;
    this.stats.posts++;
    this.stats.coalescedRequests += batch.length;
    try {
      const startedAt = now();
      const report = await sender.send(live(batch, true), this.pacer(lane, sender.action));
      const doneAt = now();
      learnBusyWindow(lane, report ?? undefined, doneAt, attemptsAt, startedAt);
      this.succeeded(lane, batch, doneAt);
    } catch (err) {
      const isolate = batch.length > 1 && isCssApiError(err) && !isRetryable(err.kind) && err.kind !== "deadline" && err.kind !== "auth";
      if (!isolate) {
        batch.forEach((b) => b.reject(err));
        return;
      }
      // One request's bad id must not fail the others: send each on its own.
      for (const b of batch) {
        if (b.settled) continue;
        this.stats.posts++;
        b.sending = true;
        try {
          await b.send(live([b]), this.pacer(lane, b.action));
          this.succeeded(lane, [b], now());
        } catch (e) {
          b.reject(e);
        }
      }
    }
  }

  /**
   * Paces the retries of this lane's POST by what the lane knows of the window (paceBusyRetry). A
   * service change (open, close, whitelist) keeps the client's backoff; for both, a 409 in the window
   * the lane's previous change caused is marked as ours, so it is logged as expected, not as a warning.
   */
  private pacer(lane: ClusterLane, action: Pending["action"]): RetryPacer {
    return (_attempt, err, proposedMs) => {
      const previous = lane.lastDoneAt;
      const sinceOurs = previous === undefined ? undefined : now() - previous;
      if (sinceOurs === undefined || !inOwnBusyWindow(sinceOurs, err)) return proposedMs;
      const waitMs = action === "service" ? proposedMs : paceBusyRetry(lane.busy, sinceOurs, err, proposedMs);
      return { waitMs, ownWindow: true };
    };
  }

  /**
   * Requests for the batch's action that were queued after it was formed (stragglers of the same
   * wave) join its next attempt: a POST that met a 409 takes them along instead of leaving them a
   * busy window of their own. pickBatch keeps the order where an earlier request of the other
   * action touches the same endpoints.
   */
  private absorb(lane: ClusterLane, batch: Pending[]): void {
    const action = batch[0]?.action;
    if (action === undefined || action === "service" || lane.queue.length === 0) return;
    // Only requests the sender's retry loop outlives: its deadline ends the attempts for all it carries.
    const senderExpiresAt = batch.find((b) => b.sending)?.deadline.expiresAt ?? -Infinity;
    const joining = pickBatch(lane.queue).filter((p) => p.action === action && p.deadline.expiresAt <= senderExpiresAt);
    if (joining.length === 0) return;
    lane.queue = lane.queue.filter((q) => !joining.includes(q));
    const ready = this.applyExclusions(joining);
    batch.push(...ready);
    this.stats.coalescedRequests += ready.length;
  }

  private succeeded(lane: ClusterLane, members: readonly Pending[], doneAt: number): void {
    for (const m of members) {
      if (m.settled) continue;
      if (m.release) lane.released = [...new Set([...lane.released, ...m.effective])];
      m.resolve({ doneAt, sent: [...m.effective] });
    }
  }

  /**
   * Share one listing among concurrent pollers. A poller joins a listing in flight only if it started
   * at or after `notBefore` (so it reflects the caller's own POST); otherwise a new one starts. Each
   * caller keeps its own deadline: it fails at its deadline even if the listing goes on for others,
   * and a listing that failed on its starter's (shorter) deadline is started again for the others.
   */
  sharedList<T>(key: string, notBefore: number, deadline: Deadline, what: string, fetch: () => Promise<T>): Promise<T> {
    const lane = this.lane(key);
    // A caller that takes any listing (notBefore 0) is planning a change: the lane's next POST waits for it (readyToSend).
    if (notBefore === 0) {
      lane.planning = (lane.planning ?? 0) + 1;
      const planned = this.sharedListing(lane, notBefore, deadline, what, fetch);
      const done = () => {
        lane.planning = Math.max(0, (lane.planning ?? 1) - 1);
        lane.lastArrivalAt = now();
      };
      planned.then(done, done);
      return planned;
    }
    return this.sharedListing(lane, notBefore, deadline, what, fetch);
  }

  private sharedListing<T>(lane: ClusterLane, notBefore: number, deadline: Deadline, what: string, fetch: () => Promise<T>): Promise<T> {
    const current = lane.listing;
    let listing: Promise<T>;
    if (current && current.startedAt >= notBefore) {
      listing = (current.promise as Promise<T>).catch((err: unknown) => {
        if (isCssApiError(err) && err.kind === "deadline" && !deadline.expired()) return fetch();
        throw err;
      });
    } else {
      const startedAt = now();
      const promise = fetch().finally(() => {
        if (lane.listing?.promise === promise) lane.listing = undefined;
      });
      lane.listing = { startedAt, promise };
      listing = promise;
    }
    return withinDeadline(listing, deadline, what);
  }
}

/**
 * A request reaches the queue (pure, on the lane's numbers). The spacing of requests that arrive
 * while others wait (stragglers of a wave, not the first of the next) feeds a moving average; the
 * engine starts a wave's steps one checkpoint write apart, tens of milliseconds on a loaded machine
 * or with a large state.
 */
export function noteArrival(lane: { lastSubmitAt?: number; lastArrivalAt?: number; arrivalGapMs?: number; queue: readonly unknown[] }, at: number): void {
  const gap = at - (lane.lastSubmitAt ?? -Infinity);
  if (lane.queue.length > 0 && gap > 2 && gap < MAX_GATHER_MS) lane.arrivalGapMs = lane.arrivalGapMs === undefined ? gap : 0.7 * lane.arrivalGapMs + 0.3 * gap;
  lane.lastSubmitAt = at;
  lane.lastArrivalAt = at;
}

/** How long after the latest arrival a batch still waits for the next (pure). */
export function gatherWindow(lane: { arrivalGapMs?: number }, gatherMs: number): number {
  return Math.min(MAX_ARRIVAL_WINDOW_MS, Math.max(gatherMs, 2 * (lane.arrivalGapMs ?? 0)));
}

/** `work`, or a deadline error when `deadline` passes first (the work itself goes on for whoever shares it). */
export function withinDeadline<T>(work: Promise<T>, deadline: Deadline, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const s = deadline.timeoutSeconds;
      reject(cssApiError({ kind: "deadline", message: `timed out after ${s}s (timeoutSeconds=${s}) waiting for ${what}; raise timeoutSeconds` }));
    }, deadline.remainingMs());
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** A cluster's lane: the same cluster reached the same way (base URL and project), whoever asks. */
export function laneKey(target: { baseUrl: string; projectId: string }, clusterId: string): string {
  return `${target.baseUrl}|${target.projectId}|${clusterId}`;
}

const COORDINATOR_KEY = "__pulumiCssVpcepCoordinator";

/** A coordinator over the process-wide state. */
export function processCoordinator(): ClusterCoordinator {
  const g = globalThis as unknown as Record<string, CoordinatorState | undefined>;
  return new ClusterCoordinator((g[COORDINATOR_KEY] ??= newCoordinatorState()));
}
