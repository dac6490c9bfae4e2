import { Deadline } from "../../provider/deadline";
import { cssApiError, isCssApiError } from "../../provider/errors";
import type { Logger } from "../../provider/log";
import { backoffDelay, parseRetryAfter, retryDelay, withRetry } from "../../provider/retry";
import { learnBusyWindow, mergeIds, pickBatch } from "../../provider/coordinator";

const policy = { baseMs: 100, capMs: 1000, maxAttempts: 5 };
const quiet = (): Logger & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, debug: () => undefined, info: (m) => lines.push(m), warn: (m) => lines.push(m) };
};

describe("backoff", () => {
  it("is full jitter under an exponential, capped ceiling", () => {
    expect(backoffDelay(1, policy, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.999)).toBe(399);
    expect(backoffDelay(10, policy, () => 0.999)).toBe(999);
    expect(backoffDelay(4, policy, () => 0)).toBe(0);
  });
  it("honours Retry-After in seconds or as a date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("0.5")).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(retryDelay(1, 2500, policy)).toBe(2500);
    expect(retryDelay(2, undefined, policy, () => 0.5)).toBe(100);
  });
});

describe("withRetry", () => {
  const conflict = () => cssApiError({ kind: "conflict", status: 409, code: "CSS.0029", requestId: "r-9" });

  it("retries retryable errors and logs each retry with status, code and request id", async () => {
    const log = quiet();
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw conflict();
        return "ok";
      },
      { deadline: new Deadline(10), policy: { ...policy, baseMs: 1 }, log, describe: "test call" },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(log.lines).toHaveLength(2);
    expect(log.lines[0]).toMatch(/retrying test call in \d+ ms \(attempt 1 failed: HTTP 409 CSS.0029 conflict, request id r-9\)/);
  });

  it("does not retry errors that are not retryable", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw cssApiError({ kind: "auth", status: 401 });
        },
        { deadline: new Deadline(10), policy, log: quiet(), describe: "x" },
      ),
    ).rejects.toMatchObject({ kind: "auth", status: 401 });
    expect(calls).toBe(1);
  });

  it("stops at the attempt bound", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw conflict();
        },
        { deadline: new Deadline(10), policy: { ...policy, baseMs: 1, maxAttempts: 4 }, log: quiet(), describe: "x" },
      ),
    ).rejects.toMatchObject({ kind: "deadline", status: 409, code: "CSS.0029", attempts: 4 });
    expect(calls).toBe(4);
  });

  it("gives up before a wait that would pass the deadline", async () => {
    let calls = 0;
    const started = Date.now();
    const err = await withRetry(
      async () => {
        calls++;
        throw Object.assign(conflict(), { retryAfterMs: 5_000 });
      },
      { deadline: new Deadline(1), policy, log: quiet(), describe: "x" },
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toBe(1);
    expect(isCssApiError(err)).toBe(true);
    expect((err as Error).message).toMatch(/deadline of 1s would pass/);
  });
});

describe("pickBatch (coalescing)", () => {
  const q = (action: "receive" | "reject", ...ids: string[]) => ({ action, ids });
  it("merges every request for the head's action", () => {
    const queue = [q("receive", "a"), q("reject", "x"), q("receive", "b", "c"), q("receive", "a")];
    expect(pickBatch(queue)).toEqual([queue[0], queue[2], queue[3]]);
    expect(mergeIds(pickBatch(queue))).toEqual(["a", "b", "c"]);
  });
  it("keeps order where an earlier opposite action touches the same endpoint", () => {
    const queue = [q("receive", "a"), q("reject", "b"), q("receive", "b"), q("receive", "c")];
    expect(pickBatch(queue)).toEqual([queue[0], queue[3]]);
  });
  it("handles an empty queue", () => {
    expect(pickBatch([])).toEqual([]);
  });
});

describe("learnBusyWindow (cool-down after our own POSTs)", () => {
  it("learns the window from a POST that needed retries, and waits it out next time", () => {
    const lane = { lastDoneAt: 1000, busyEstimateMs: 0, quietUntil: 0 };
    learnBusyWindow(lane, { attempts: 4, lastAttemptAt: 1210 }, 1230);
    expect(lane).toEqual({ lastDoneAt: 1230, busyEstimateMs: 210, quietUntil: 1440 });
  });
  it("shrinks the estimate after a POST that went through at once", () => {
    const lane = { lastDoneAt: 1000, busyEstimateMs: 200, quietUntil: 0 };
    learnBusyWindow(lane, { attempts: 1, lastAttemptAt: 1300 }, 1310);
    expect(lane).toEqual({ lastDoneAt: 1310, busyEstimateMs: 150, quietUntil: 1460 });
  });
  it("learns nothing from the first POST or from busy periods long after ours", () => {
    const first = { busyEstimateMs: 0, quietUntil: 0 } as { lastDoneAt?: number; busyEstimateMs: number; quietUntil: number };
    learnBusyWindow(first, { attempts: 3, lastAttemptAt: 500 }, 520);
    expect(first).toEqual({ lastDoneAt: 520, busyEstimateMs: 0, quietUntil: 520 });
    const stale = { lastDoneAt: 0, busyEstimateMs: 100, quietUntil: 0 };
    learnBusyWindow(stale, { attempts: 2, lastAttemptAt: 120_000 }, 120_010);
    expect(stale.busyEstimateMs).toBe(100);
  });
  it("never learns more than 30 s", () => {
    const lane = { lastDoneAt: 0, busyEstimateMs: 0, quietUntil: 0 };
    learnBusyWindow(lane, { attempts: 9, lastAttemptAt: 50_000 }, 50_001);
    expect(lane.busyEstimateMs).toBe(30_000);
  });
});
