/**
 * The retry policy: which failures are retried (409, 429, 502/503/504, network resets and timeouts),
 * how long to wait (exponential backoff with full jitter, or the server's Retry-After), and the bound
 * (the operation's deadline, and a maximum attempt count). p-retry runs the loop; the delay is ours,
 * because p-retry's own timer cannot honour Retry-After or a deadline.
 */
import pRetry = require("p-retry");
import { CssApiError, cssApiError, isCssApiError, isRetryable } from "./errors";
import { Deadline, sleep } from "./deadline";
import type { Logger } from "./log";

export interface RetryPolicy {
  /** First backoff step. */
  baseMs: number;
  /** Largest backoff step (before jitter). */
  capMs: number;
  /** Hard bound on attempts for one call, whatever the deadline. */
  maxAttempts: number;
}

/** The exponential backoff's ceiling after failed attempt `attempt` (counted from 1): min(cap, base * 2^(attempt-1)). */
export function backoffCeiling(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Full jitter: a uniform pick in [0, backoffCeiling]. `attempt` counts from 1. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeiling(attempt, policy));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(parseFloat(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** The wait before the next attempt: the server's Retry-After when given, else backoff with jitter. */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  return retryAfterMs !== undefined ? retryAfterMs : backoffDelay(attempt, policy, random);
}

/**
 * Replaces the wait before the next attempt after a failed one (`proposedMs`: Retry-After or
 * backoff); what it returns is kept within the backoff's ceiling (or the Retry-After), so pacing
 * never waits longer than the policy would. The cluster's lane uses it when its own POST meets the
 * busy window it caused.
 */
export type RetryPacer = (failedAttempt: number, err: CssApiError, proposedMs: number) => number | OwnBusyWait;

/** A pacer's wait for a 409 of the busy window the lane's own previous change caused: expected, so logged at info. */
export interface OwnBusyWait {
  waitMs: number;
  ownWindow: true;
}

export interface RetryOptions {
  deadline: Deadline;
  policy: RetryPolicy;
  log: Logger;
  /** Names the call in log lines and errors, e.g. "POST .../connections (cluster c1)". */
  describe: string;
  random?: () => number;
  pace?: RetryPacer;
}

/**
 * Run `call` until it succeeds, fails with an error that is not retryable, or the next wait would
 * pass the deadline. Every retry is logged with status, error code and request id.
 */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const { deadline, policy, log, describe } = opts;
  // The last retryable answer: when the deadline cuts the next attempt short, the error reports it.
  let lastAnswer: CssApiError | undefined;
  return pRetry(
    async (attempt) => {
      try {
        return await call(attempt);
      } catch (err) {
        if (isCssApiError(err)) err.attempts = attempt;
        if (isCssApiError(err) && err.kind === "deadline" && lastAnswer) {
          const why = `the deadline of ${deadline.timeoutSeconds}s passed during attempt ${attempt}`;
          throw new pRetry.AbortError(giveUp(describe, lastAnswer, attempt, why, deadline));
        }
        if (!isCssApiError(err) || !isRetryable(err.kind)) throw new pRetry.AbortError(asError(err));
        lastAnswer = err;
        throw err;
      }
    },
    {
      retries: policy.maxAttempts - 1,
      // p-retry schedules the next attempt immediately; onFailedAttempt does the real waiting.
      minTimeout: 0,
      maxTimeout: 0,
      factor: 1,
      randomize: false,
      onFailedAttempt: async (failure) => {
        const err = failure as unknown as CssApiError & { attemptNumber: number };
        const attempt = err.attemptNumber;
        if (attempt >= policy.maxAttempts) throw giveUp(describe, err, attempt, `at most ${policy.maxAttempts} attempts`, deadline);
        const proposed = retryDelay(attempt, err.retryAfterMs, policy, opts.random);
        const ceiling = err.retryAfterMs ?? backoffCeiling(attempt, policy);
        const paced = opts.pace?.(attempt, err, proposed);
        const pacedMs = typeof paced === "object" ? paced.waitMs : paced;
        const wait = pacedMs !== undefined ? Math.min(ceiling, Math.max(0, pacedMs)) : proposed;
        if (wait >= deadline.remainingMs()) {
          throw giveUp(describe, err, attempt, `the deadline of ${deadline.timeoutSeconds}s would pass before the next retry`, deadline);
        }
        // A 409 from our own previous change is the API working as documented; anything else is worth a warning.
        (typeof paced === "object" ? log.info : log.warn)(
          `retrying ${describe} in ${wait} ms (attempt ${attempt} failed: ${[err.status && `HTTP ${err.status}`, err.code, err.kind]
            .filter(Boolean)
            .join(" ")}${err.requestId ? `, request id ${err.requestId}` : ""})`,
        );
        await sleep(wait);
      },
    },
  );
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function giveUp(describe: string, last: CssApiError, attempts: number, why: string, deadline: Deadline): CssApiError {
  const error = cssApiError({
    kind: "deadline",
    status: last.status,
    code: last.code,
    requestId: last.requestId,
    method: last.method,
    path: last.path,
    attempts,
    message: `${describe}: gave up after ${attempts} attempt${attempts === 1 ? "" : "s"} in ${(deadline.elapsedMs() / 1000).toFixed(1)}s (${why}); last answer: ${[last.status && `HTTP ${last.status}`, last.code, last.apiMessage ?? last.kind].filter(Boolean).join(" ")}`,
  });
  return error;
}
