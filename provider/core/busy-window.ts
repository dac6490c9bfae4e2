/**
 * The busy window a cluster shows after one of our own POSTs (pure): what the attempts of our POSTs
 * bound it to, how long the lane waits before its next POST, and how a POST that met it paces its
 * retries. The coordinator (coordinator.ts) keeps the numbers per cluster lane.
 */
import type { CssApiError } from "./errors";

/** How a POST went: attempts made (409s and the like included) and when the last one started. */
export interface SendReport {
  attempts: number;
  lastAttemptAt: number;
}

/** Upper bound on a learned busy window (and on one cool-down wait). */
export const MAX_COOLDOWN_MS = 30_000;
/** Bounds on the busy window this close (or within 5% of it) are close enough: stop probing. */
const BUSY_TOLERANCE_MS = 50;
/** Added to a learned upper bound: attempt times are taken when a request is built, a little before it is sent. */
const BUSY_MARGIN_MS = 10;
/** While the window is unknown, a 409'd POST retries after this share of the time since our previous POST returned. */
const LEARNING_STEP = 0.5;
/** Shortest paced wait. */
const MIN_PACE_MS = 50;

/**
 * What our POSTs showed of how long the cluster stays busy after one of our own POSTs returned: the
 * window ends after `lo` ms (an attempt at that gap still met a 409) and by `hi` ms (an attempt at
 * that gap went through), both counted from when our previous POST returned.
 */
export interface BusyBounds {
  lo: number;
  hi?: number;
  /** Some attempt after one of our POSTs met the window (timed or not): without that, there may be no window at all. */
  met?: boolean;
}

/** One POST's attempts, as gaps (ms) after our previous POST returned: every attempt but the last failed. */
export interface AttemptGaps {
  failed: readonly number[];
  succeeded: number;
  /** Attempts failed whose times are unknown (a call the coordinator cannot time). */
  untimedFailures?: boolean;
}

/**
 * Narrow the bounds with one POST's attempts (pure). A window that grew (a failure at or beyond `hi`)
 * or shrank (a success at or before `lo`) restarts the bounds from this POST alone, and so does the
 * first POST that meets a window at all.
 */
export function narrowBusyWindow(bounds: BusyBounds, gaps: AttemptGaps): BusyBounds {
  const lastFailed = gaps.failed.length > 0 ? Math.max(...gaps.failed) : undefined;
  const ok = gaps.succeeded;
  const failedNow = lastFailed !== undefined || gaps.untimedFailures === true;
  // Bounds from POSTs that never met a window only say how far apart they happened to be.
  if (bounds.met !== true && failedNow) return { lo: lastFailed ?? 0, hi: Math.max(ok, lastFailed ?? 0), met: true };
  const met = bounds.met === true || failedNow;
  if (lastFailed !== undefined && bounds.hi !== undefined && lastFailed >= bounds.hi) return { lo: lastFailed, hi: Math.max(ok, lastFailed), met };
  if (ok <= bounds.lo) return { lo: lastFailed ?? 0, hi: ok, met };
  return { lo: Math.max(bounds.lo, lastFailed ?? 0), hi: Math.min(bounds.hi ?? Infinity, ok), met };
}

/**
 * How long to wait after our POST before the next one (pure): nothing until an attempt after one of
 * ours has met the window and one has gone through (POSTs that all go through at once show no
 * window, only how far apart they happened to be); the upper bound (plus a margin) once the bounds are within 5% (at least
 * 50 ms), or while no failed attempt bounds the window from below (so a lane that learned its window
 * from calls whose attempts it cannot time, such as opening the service, meets no 409 of its own
 * making); otherwise a probe halfway between them. Going through there lowers `hi`, a 409 there
 * raises `lo` and costs the client's next backoff step. The first bounds of a phase are loose (the
 * client's last backoff step before the window ended can be seconds): bench/engine/busy-window-sim.ts
 * compares this with probing nearer the upper bound.
 */
export function busyWait(bounds: BusyBounds): number {
  if (bounds.hi === undefined || bounds.met !== true) return 0;
  const width = bounds.hi - bounds.lo;
  const settled = bounds.lo <= 0 || width <= Math.max(BUSY_TOLERANCE_MS, bounds.hi * 0.05);
  return Math.min(MAX_COOLDOWN_MS, settled ? bounds.hi + BUSY_MARGIN_MS : Math.round(bounds.lo + width / 2));
}

/**
 * The wait before our POST's next attempt when it met the busy window our previous POST caused
 * (pure); anything else (no previous POST of ours, one long ago, another error, a Retry-After)
 * keeps the client's `proposedMs`. With the window bounded from above, the retry goes at that
 * bound, which is known to go through. While the window is unknown (or grew past it), it waits half
 * the time since our previous POST, so the attempt that goes through overshoots the window's end
 * by at most half of it: the client's exponential backoff with full jitter, fine against other
 * clients, overshoots by up to seconds (a phase's second wave went through 0.1 to 2.6 s late).
 */
export function paceBusyRetry(busy: BusyBounds | undefined, sinceOursMs: number | undefined, err: CssApiError, proposedMs: number): number {
  if (sinceOursMs === undefined || !inOwnBusyWindow(sinceOursMs, err)) return proposedMs;
  if (busy?.met === true && busy.hi !== undefined && sinceOursMs < busy.hi) return Math.max(MIN_PACE_MS, busy.hi + BUSY_MARGIN_MS - sinceOursMs);
  return Math.min(MAX_COOLDOWN_MS, Math.max(MIN_PACE_MS, Math.round(sinceOursMs * LEARNING_STEP)));
}

/**
 * Is this the busy window our own previous change caused (pure)? A 409 without Retry-After soon
 * after the lane's previous POST (or open, close, whitelist) returned: expected, not a warning.
 */
export function inOwnBusyWindow(sinceOursMs: number | undefined, err: CssApiError): boolean {
  return err.kind === "conflict" && err.retryAfterMs === undefined && sinceOursMs !== undefined && sinceOursMs <= 2 * MAX_COOLDOWN_MS;
}

/**
 * Learn from a POST how long the cluster stays busy after ours (pure, on the lane's numbers), and
 * when the next POST should go. `attemptsAt` are the times the POST's attempts were built (the last
 * `report.attempts` of them count). Calls whose attempts are not timed (`startedAt` only: open, close,
 * whitelist) bound the window from above, and a failure of theirs beyond the bounds (the window grew)
 * starts the bounds over. Nothing is learned from the lane's first POST or from one long after the
 * previous (a busy period not ours).
 */
export function learnBusyWindow(
  lane: { lastDoneAt?: number; busyEstimateMs: number; quietUntil: number; busy?: BusyBounds },
  report: SendReport | undefined,
  doneAt: number,
  attemptsAt: readonly number[] = [],
  startedAt?: number,
): void {
  const previous = lane.lastDoneAt;
  if (report && previous !== undefined && report.lastAttemptAt - previous < 2 * MAX_COOLDOWN_MS) {
    const attempts = Math.max(1, report.attempts);
    const timed = attemptsAt.length >= attempts;
    const failed = timed ? attemptsAt.slice(-attempts, -1).map((t) => t - previous) : [];
    let bounds = lane.busy ?? { lo: 0 };
    if (!timed && attempts > 1 && startedAt !== undefined && bounds.hi !== undefined && startedAt - previous >= bounds.hi) bounds = { lo: 0 };
    lane.busy = narrowBusyWindow(bounds, { failed, succeeded: report.lastAttemptAt - previous, untimedFailures: !timed && attempts > 1 });
    lane.busyEstimateMs = busyWait(lane.busy);
  }
  lane.lastDoneAt = doneAt;
  lane.quietUntil = doneAt + lane.busyEstimateMs;
}
