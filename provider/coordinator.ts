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
import { Deadline, now, sleep } from "./deadline";
import { cssApiError, isCssApiError, isRetryable } from "./errors";
import type { ApprovalAction } from "./types";

/** How a POST went: attempts made (409s and the like included) and when the last one started. */
export interface SendReport {
  attempts: number;
  lastAttemptAt: number;
}

export interface QueuedAction {
  action: ApprovalAction;
  ids: readonly string[];
  deadline: Deadline;
  /** Sends one POST for the given ids (with its own retries). */
  send: (ids: readonly string[]) => Promise<SendReport | void>;
  /** Called with the time the POST carrying this request returned. */
  resolve: (doneAt: number) => void;
  reject: (err: unknown) => void;
}

/**
 * Pick the next batch (pure): the head's action, plus every later request for the same action that
 * does not touch an endpoint an earlier request of the other action is about to change, so the
 * order the engine asked for is kept where it matters.
 */
export function pickBatch<T extends Pick<QueuedAction, "action" | "ids">>(queue: readonly T[]): T[] {
  if (queue.length === 0) return [];
  const action = queue[0].action;
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
  queue: QueuedAction[];
  running: boolean;
  /** When our last POST on this cluster returned. */
  lastDoneAt?: number;
  /** How long the cluster stayed busy (409) after our last POSTs, as last observed. */
  busyEstimateMs: number;
  /** Do not POST before this: the cluster is probably still busy with our previous change. */
  quietUntil: number;
  listing?: { startedAt: number; promise: Promise<unknown> };
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

/** Upper bound on how long a first request waits for others to join its POST. */
const MAX_GATHER_MS = 250;
/** Upper bound on a learned busy window (and on one cool-down wait). */
const MAX_COOLDOWN_MS = 30_000;

/**
 * Learn how long the cluster stays busy after our POSTs (pure, on the lane's numbers): a POST that
 * needed retries shows the window lasted until its last attempt; one that went through at once
 * shortens the estimate, so a window that got shorter is found again.
 */
export function learnBusyWindow(
  lane: { lastDoneAt?: number; busyEstimateMs: number; quietUntil: number },
  report: SendReport | undefined,
  doneAt: number,
): void {
  const attempts = report?.attempts ?? 1;
  if (attempts > 1 && report && lane.lastDoneAt !== undefined && report.lastAttemptAt - lane.lastDoneAt < 2 * MAX_COOLDOWN_MS) {
    lane.busyEstimateMs = Math.min(MAX_COOLDOWN_MS, Math.max(0, report.lastAttemptAt - lane.lastDoneAt));
  } else if (attempts === 1) {
    lane.busyEstimateMs = Math.floor(lane.busyEstimateMs * 0.75);
  }
  lane.lastDoneAt = doneAt;
  lane.quietUntil = doneAt + lane.busyEstimateMs;
}

export class ClusterCoordinator {
  /**
   * @param state lanes per cluster and counters
   * @param gatherMs how long the first request waits for concurrent ones to join its POST
   */
  constructor(
    private readonly state: CoordinatorState = newCoordinatorState(),
    private readonly gatherMs: number = 25,
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
      lane = { queue: [], running: false, busyEstimateMs: 0, quietUntil: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /**
   * Queue an action for a cluster. Resolves, when a POST carrying these ids succeeded, with the time
   * that POST returned: every request it carried may then trust (and share) listings started after it.
   */
  submit(
    key: string,
    action: ApprovalAction,
    ids: readonly string[],
    deadline: Deadline,
    send: (ids: readonly string[]) => Promise<SendReport | void>,
  ): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return new Promise<number>((resolve, reject) => {
      this.lane(key).queue.push({ action, ids, deadline, send, resolve, reject });
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    const lane = this.lane(key);
    if (lane.running) return;
    lane.running = true;
    try {
      await this.gather(lane);
      while (lane.queue.length > 0) {
        // Waiting out the busy window we caused costs no 409s, and lets more requests join the POST.
        const quiet = Math.min(lane.quietUntil - now(), MAX_COOLDOWN_MS);
        if (quiet > 0) await sleep(quiet);
        this.dropExpired(lane);
        const batch = pickBatch(lane.queue);
        if (batch.length === 0) break;
        lane.queue = lane.queue.filter((q) => !batch.includes(q));
        await this.run(lane, batch);
      }
    } finally {
      lane.running = false;
      if (lane.queue.length > 0) void this.drain(key);
    }
  }

  /**
   * Let concurrent requests join the first POST: wait one window, and another while new requests keep
   * arriving (the engine's parallel calls spread out on a busy machine), up to MAX_GATHER_MS.
   */
  private async gather(lane: ClusterLane): Promise<void> {
    if (this.gatherMs <= 0) return;
    let waited = 0;
    let seen = lane.queue.length;
    do {
      await sleep(this.gatherMs);
      waited += this.gatherMs;
      if (lane.queue.length === seen) return;
      seen = lane.queue.length;
    } while (waited < MAX_GATHER_MS);
  }

  private dropExpired(lane: ClusterLane): void {
    lane.queue = lane.queue.filter((q) => {
      if (!q.deadline.expired()) return true;
      q.reject(
        cssApiError({
          kind: "deadline",
          message: `the deadline of ${q.deadline.timeoutSeconds}s passed while waiting for earlier calls on the same cluster`,
        }),
      );
      return false;
    });
  }

  private async run(lane: ClusterLane, batch: QueuedAction[]): Promise<void> {
    // The request with the most time left sends for everyone.
    const sender = batch.reduce((a, b) => (b.deadline.expiresAt > a.deadline.expiresAt ? b : a));
    this.stats.posts++;
    this.stats.coalescedRequests += batch.length;
    try {
      const report = await sender.send(mergeIds(batch));
      const doneAt = now();
      learnBusyWindow(lane, report ?? undefined, doneAt);
      batch.forEach((b) => b.resolve(doneAt));
    } catch (err) {
      const isolate = batch.length > 1 && isCssApiError(err) && !isRetryable(err.kind) && err.kind !== "deadline" && err.kind !== "auth";
      if (!isolate) {
        batch.forEach((b) => b.reject(err));
        return;
      }
      // One request's bad id must not fail the others: send each on its own.
      for (const b of batch) {
        this.stats.posts++;
        try {
          await b.send(b.ids);
          b.resolve(now());
        } catch (e) {
          b.reject(e);
        }
      }
    }
  }

  /**
   * Share one listing among concurrent pollers. A poller joins a listing in flight only if it started
   * at or after `notBefore` (so it reflects the caller's own POST); otherwise a new one starts.
   */
  sharedList<T>(key: string, notBefore: number, fetch: () => Promise<T>): Promise<T> {
    const lane = this.lane(key);
    const current = lane.listing;
    if (current && current.startedAt >= notBefore) return current.promise as Promise<T>;
    const startedAt = now();
    const promise = fetch().finally(() => {
      if (lane.listing?.promise === promise) lane.listing = undefined;
    });
    lane.listing = { startedAt, promise };
    return promise;
  }
}

const COORDINATOR_KEY = "__pulumiCssVpcepCoordinator";

/** A coordinator over the process-wide state. */
export function processCoordinator(): ClusterCoordinator {
  const g = globalThis as unknown as Record<string, CoordinatorState | undefined>;
  return new ClusterCoordinator((g[COORDINATOR_KEY] ??= newCoordinatorState()));
}
