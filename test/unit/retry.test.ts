import { Deadline } from "../../provider/core/deadline";
import { cssApiError, isCssApiError } from "../../provider/core/errors";
import type { Logger } from "../../provider/core/log";
import { backoffDelay, parseRetryAfter, retryDelay, withRetry } from "../../provider/core/retry";
import { MAX_COOLDOWN_MS, busyWait, inOwnBusyWindow, learnBusyWindow, narrowBusyWindow, paceBusyRetry } from "../../provider/core/busy-window";
import { ClusterCoordinator, gatherWindow, mergeIds, newCoordinatorState, noteArrival, pickBatch } from "../../provider/core/coordinator";

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

  it("waits what the pacer says instead of the backoff, and tells it the attempt, the error and the proposed wait", async () => {
    const log = quiet();
    const seen: [number, string, number][] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls < 3) throw conflict();
        return "ok";
      },
      {
        deadline: new Deadline(10),
        policy: { ...policy, baseMs: 5000, capMs: 5000 },
        log,
        describe: "paced call",
        random: () => 0.5,
        pace: (attempt, err, proposed) => (seen.push([attempt, err.kind, proposed]), 7),
      },
    );
    expect(seen).toEqual([
      [1, "conflict", 2500],
      [2, "conflict", 2500],
    ]);
    expect(log.lines[0]).toMatch(/retrying paced call in 7 ms/);
  });

  it("logs a retry the pacer calls our own busy window at info, and any other retry as a warning", async () => {
    const levels: [string, string][] = [];
    const log: Logger = { debug: () => undefined, info: (m) => levels.push(["info", m]), warn: (m) => levels.push(["warn", m]) };
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls < 3) throw conflict();
        return "ok";
      },
      {
        deadline: new Deadline(10),
        policy: { ...policy, baseMs: 10, capMs: 50 },
        log,
        describe: "lane call",
        // First failure: the window our previous change caused; second: a 409 the lane did not cause.
        pace: (attempt) => (attempt === 1 ? { waitMs: 3, ownWindow: true } : 4),
      },
    );
    expect(levels.map(([level]) => level)).toEqual(["info", "warn"]);
    expect(levels[0][1]).toMatch(/retrying lane call in 3 ms \(attempt 1 failed: HTTP 409/);
    expect(levels[1][1]).toMatch(/retrying lane call in 4 ms \(attempt 2 failed: HTTP 409/);
  });

  it("keeps the pacer's wait within the backoff's ceiling", async () => {
    const log = quiet();
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls < 2) throw conflict();
        return "ok";
      },
      { deadline: new Deadline(10), policy: { ...policy, baseMs: 20, capMs: 20 }, log, describe: "clamped call", pace: () => 60_000 },
    );
    expect(log.lines[0]).toMatch(/retrying clamped call in 20 ms/);
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
  it("learns the window's bounds from the attempts of a POST that needed retries", () => {
    const lane = { lastDoneAt: 1000, busyEstimateMs: 0, quietUntil: 0 };
    // Attempts built at gaps 10, 60, 170 (409s) and 210 (went through) after our previous POST returned; the first call only counts the ids.
    learnBusyWindow(lane, { attempts: 4, lastAttemptAt: 1210 }, 1230, [1005, 1010, 1060, 1170, 1210]);
    expect(lane).toEqual({ lastDoneAt: 1230, busyEstimateMs: 220, quietUntil: 1450, busy: { lo: 170, hi: 210, met: true } });
  });
  it("probes halfway while the bounds are loose, and narrows them with what the probe shows", () => {
    const lane: Parameters<typeof learnBusyWindow>[0] = { lastDoneAt: 0, busyEstimateMs: 0, quietUntil: 0 };
    learnBusyWindow(lane, { attempts: 3, lastAttemptAt: 3500 }, 3520, [10, 900, 3500]);
    expect(lane.busy).toEqual({ lo: 900, hi: 3500, met: true });
    expect(lane.busyEstimateMs).toBe(2200);
    // The probe went through: the window ended by 2200.
    learnBusyWindow(lane, { attempts: 1, lastAttemptAt: 3520 + 2200 }, 5730, [5720, 5720]);
    expect(lane.busy).toEqual({ lo: 900, hi: 2200, met: true });
    expect(lane.busyEstimateMs).toBe(1550);
    // The next probe met a 409 at 1550; the retry went through at 2000.
    learnBusyWindow(lane, { attempts: 2, lastAttemptAt: 5730 + 2000 }, 7740, [5730 + 1550, 5730 + 1550, 5730 + 2000]);
    expect(lane.busy).toEqual({ lo: 1550, hi: 2000, met: true });
    expect(lane.busyEstimateMs).toBe(1775);
    // And once more: a 409 at 1775, through at 1990: still more than 5% apart, so probe halfway again.
    learnBusyWindow(lane, { attempts: 2, lastAttemptAt: 7740 + 1990 }, 9740, [7740 + 1775, 7740 + 1775, 7740 + 1990]);
    expect(lane.busy).toEqual({ lo: 1775, hi: 1990, met: true });
    expect(lane.busyEstimateMs).toBe(1883);
  });
  it("waits nothing while every POST went through at once: that shows no window, only how far apart they were", () => {
    const lane: Parameters<typeof learnBusyWindow>[0] = { lastDoneAt: 1000, busyEstimateMs: 0, quietUntil: 0 };
    learnBusyWindow(lane, { attempts: 1, lastAttemptAt: 1300 }, 1310, [1290, 1300]);
    expect(lane).toEqual({ lastDoneAt: 1310, busyEstimateMs: 0, quietUntil: 1310, busy: { lo: 0, hi: 300, met: false } });
  });
  it("without attempt times, a POST that needed retries bounds the window from above only: no probing below it", () => {
    const lane: Parameters<typeof learnBusyWindow>[0] = { lastDoneAt: 1310, busyEstimateMs: 0, quietUntil: 0 };
    // A call whose attempts were not timed (open, close, whitelist) needed retries.
    learnBusyWindow(lane, { attempts: 3, lastAttemptAt: 1310 + 280 }, 1600, [], 1310 + 100);
    expect(lane).toEqual({ lastDoneAt: 1600, busyEstimateMs: 290, quietUntil: 1890, busy: { lo: 0, hi: 280, met: true } });
    // Its first attempt failed beyond the upper bound: the window grew, the bounds start over.
    learnBusyWindow(lane, { attempts: 2, lastAttemptAt: 1600 + 700 }, 2310, [], 1600 + 300);
    expect(lane.busy).toEqual({ lo: 0, hi: 700, met: true });
  });
  it("learns nothing from the first POST or from busy periods long after ours", () => {
    const first = { busyEstimateMs: 0, quietUntil: 0 } as { lastDoneAt?: number; busyEstimateMs: number; quietUntil: number };
    learnBusyWindow(first, { attempts: 3, lastAttemptAt: 500 }, 520);
    expect(first).toEqual({ lastDoneAt: 520, busyEstimateMs: 0, quietUntil: 520 });
    const stale = { lastDoneAt: 0, busyEstimateMs: 100, quietUntil: 0 };
    learnBusyWindow(stale, { attempts: 2, lastAttemptAt: 120_000 }, 120_010);
    expect(stale.busyEstimateMs).toBe(100);
  });
  it("never waits more than 30 s", () => {
    const lane = { lastDoneAt: 0, busyEstimateMs: 0, quietUntil: 0 };
    learnBusyWindow(lane, { attempts: 9, lastAttemptAt: 50_000 }, 50_001, [0, 1, 2, 3, 4, 5, 6, 7, 49_990, 50_000]);
    expect(lane.busyEstimateMs).toBe(30_000);
  });
});

describe("narrowBusyWindow and busyWait", () => {
  it("waits nothing before any attempt went through after one of ours, or while none met the window", () => {
    expect(busyWait({ lo: 0 })).toBe(0);
    expect(busyWait({ lo: 400, met: true })).toBe(0);
    expect(busyWait({ lo: 0, hi: 2000 })).toBe(0);
  });
  it("waits the upper bound while nothing bounds the window from below", () => {
    expect(busyWait({ lo: 0, hi: 2000, met: true })).toBe(2010);
  });
  it("waits the upper bound (plus a margin) once the bounds are within 50 ms or 5%", () => {
    expect(busyWait({ lo: 260, hi: 300, met: true })).toBe(310);
    expect(busyWait({ lo: 1950, hi: 2040, met: true })).toBe(2050);
    expect(busyWait({ lo: 1800, hi: 2040, met: true })).toBe(1920);
  });
  it("keeps the tighter bounds", () => {
    expect(narrowBusyWindow({ lo: 900, hi: 2200, met: true }, { failed: [1500], succeeded: 1900 })).toEqual({ lo: 1500, hi: 1900, met: true });
    expect(narrowBusyWindow({ lo: 900, hi: 2200, met: true }, { failed: [], succeeded: 2500 })).toEqual({ lo: 900, hi: 2200, met: true });
  });
  it("starts over when the window grew or shrank", () => {
    expect(narrowBusyWindow({ lo: 900, hi: 1000, met: true }, { failed: [1005, 1500], succeeded: 1800 })).toEqual({ lo: 1500, hi: 1800, met: true });
    expect(narrowBusyWindow({ lo: 900, hi: 1000, met: true }, { failed: [], succeeded: 400 })).toEqual({ lo: 0, hi: 400, met: true });
  });
  it("starts over at the first POST that meets a window: earlier bounds only said how far apart POSTs went", () => {
    expect(narrowBusyWindow({ lo: 0, hi: 5 }, { failed: [], succeeded: 330, untimedFailures: true })).toEqual({ lo: 0, hi: 330, met: true });
    expect(narrowBusyWindow({ lo: 0, hi: 5 }, { failed: [100, 250], succeeded: 330 })).toEqual({ lo: 250, hi: 330, met: true });
    expect(narrowBusyWindow({ lo: 0, hi: 5 }, { failed: [], succeeded: 3 })).toEqual({ lo: 0, hi: 3, met: false });
  });
});

describe("paceBusyRetry: our POST met the busy window our previous POST caused", () => {
  const busy409 = cssApiError({ kind: "conflict", status: 409, code: "CSS.0029", message: "busy" });
  it("while the window is unknown, waits half the time since our previous POST (at least 50 ms)", () => {
    expect(paceBusyRetry(undefined, 300, busy409, 1234)).toBe(150);
    expect(paceBusyRetry({ lo: 0 }, 1200, busy409, 0)).toBe(600);
    expect(paceBusyRetry(undefined, 40, busy409, 7)).toBe(50);
  });
  it("with the window bounded from above, retries at that bound (plus the margin)", () => {
    expect(paceBusyRetry({ lo: 1500, hi: 2200, met: true }, 1850, busy409, 3000)).toBe(360);
  });
  it("a 409 at or past the bound means the window grew: back to half the time since our POST", () => {
    expect(paceBusyRetry({ lo: 1500, hi: 2200, met: true }, 2300, busy409, 10)).toBe(1150);
    // Bounds that never met a window are no bound.
    expect(paceBusyRetry({ lo: 0, hi: 5000 }, 300, busy409, 10)).toBe(150);
  });
  it("keeps the client's wait for anything but our own busy window", () => {
    expect(paceBusyRetry(undefined, undefined, busy409, 777)).toBe(777); // no POST of ours before
    expect(paceBusyRetry(undefined, 90_000, busy409, 777)).toBe(777); // ours was long ago
    expect(paceBusyRetry(undefined, 300, cssApiError({ kind: "unavailable", status: 503, message: "down" }), 777)).toBe(777);
    const throttled = cssApiError({ kind: "conflict", status: 409, message: "busy" });
    throttled.retryAfterMs = 5000;
    expect(paceBusyRetry(undefined, 300, throttled, 5000)).toBe(5000);
  });
});

describe("inOwnBusyWindow: is this 409 the busy window our own previous change caused?", () => {
  const busy409 = cssApiError({ kind: "conflict", status: 409, code: "CSS.0029", message: "busy" });
  it("is, for a 409 without Retry-After soon after the lane's previous change", () => {
    expect(inOwnBusyWindow(0, busy409)).toBe(true);
    expect(inOwnBusyWindow(300, busy409)).toBe(true);
    expect(inOwnBusyWindow(2 * MAX_COOLDOWN_MS, busy409)).toBe(true);
  });
  it("is not without a previous change, long after it, for another error, or when the API names a wait", () => {
    expect(inOwnBusyWindow(undefined, busy409)).toBe(false);
    expect(inOwnBusyWindow(2 * MAX_COOLDOWN_MS + 1, busy409)).toBe(false);
    expect(inOwnBusyWindow(300, cssApiError({ kind: "unavailable", status: 503, message: "down" }))).toBe(false);
    const throttled = cssApiError({ kind: "conflict", status: 409, message: "busy" });
    throttled.retryAfterMs = 5000;
    expect(inOwnBusyWindow(300, throttled)).toBe(false);
  });
});

describe("gather window (how long a POST waits for the rest of a wave)", () => {
  it("learns the spacing of requests that arrive while others wait, not the gap before a wave's first", () => {
    const lane: Parameters<typeof noteArrival>[0] & { queue: unknown[] } = { queue: [] };
    noteArrival(lane, 1000); // the first of a wave: nothing waits
    expect(lane.arrivalGapMs).toBeUndefined();
    lane.queue.push("first");
    noteArrival(lane, 1080);
    noteArrival(lane, 1160);
    expect(lane.arrivalGapMs).toBe(80);
    expect(gatherWindow(lane, 50)).toBe(160);
    lane.queue.length = 0;
    noteArrival(lane, 3000); // the next wave, a busy window later
    expect(lane.arrivalGapMs).toBe(80);
  });
  it("never waits less than gatherMs or more than 300 ms after the latest arrival", () => {
    expect(gatherWindow({}, 50)).toBe(50);
    expect(gatherWindow({ arrivalGapMs: 10 }, 50)).toBe(50);
    expect(gatherWindow({ arrivalGapMs: 900 }, 50)).toBe(300);
  });
});

describe("ClusterCoordinator: a request queued while a POST retries joins its next attempt", () => {
  it("sends the straggler's ids with the retry, in one POST for both", async () => {
    const coordinator = new ClusterCoordinator(newCoordinatorState(), 5);
    const attempts: string[][] = [];
    const deadline = new Deadline(10);
    const send = async (ids: () => readonly string[]) => {
      attempts.push([...ids()]); // the first attempt: a 409, say
      await new Promise((r) => setTimeout(r, 60));
      attempts.push([...ids()]); // the retry
      return { attempts: 2, lastAttemptAt: performance.now() };
    };
    const first = coordinator.submit("k", { action: "receive", ids: ["a"], deadline, send });
    await new Promise((r) => setTimeout(r, 30));
    const late = coordinator.submit("k", { action: "receive", ids: ["b"], deadline, send: () => Promise.reject(new Error("never sent on its own")) });
    const reject = coordinator.submit("k", { action: "reject", ids: ["c"], deadline, send: async () => ({ attempts: 1, lastAttemptAt: performance.now() }) });
    await expect(first).resolves.toMatchObject({ sent: ["a"] });
    await expect(late).resolves.toMatchObject({ sent: ["b"] });
    await reject;
    expect(attempts).toEqual([["a"], ["a", "b"]]);
    expect(coordinator.stats.posts).toBe(2); // the receive (with its retry) and the reject
  });
});
