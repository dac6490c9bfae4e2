/**
 * How fast the coordinator's busy-window learning (provider/core/busy-window.ts: narrowBusyWindow,
 * busyWait) converges, against other places to probe, in a model of one engine phase: waves of
 * operations on one cluster, one POST per wave, each POST retried by the client's full-jitter
 * backoff (provider/core/retry.ts: base 500 ms, cap 20 s) until the busy window our previous POST caused
 * has ended. Each phase is a new provider process, so it starts with no bounds: its second POST
 * meets 409s and the backoff's last step, which can be seconds, sets the first bounds.
 *
 * Prints, per window and wave count, the time lost above the busy windows the waves force (mean and
 * 90th percentile) and the 409s, for: the coordinator's rule, probing a quarter below the upper
 * bound, probing a quarter above the lower bound, the rule before bounds (the estimate is the last
 * attempt's gap, three quarters of it after a POST that went through at once), and an oracle that
 * knows the window after the first POST that met it.
 *
 *   node dist/bench/engine/busy-window-sim.js [trials]
 */
import { BusyBounds, busyWait, narrowBusyWindow } from "../../provider/core/busy-window";
import { backoffDelay } from "../../provider/core/retry";

const POLICY = { baseMs: 500, capMs: 20_000, maxAttempts: 60 };
/** The next wave reaches the provider this long after the previous POST returned, at the earliest. */
const TURNAROUND_MS = 60;

/** Where the next POST goes, and what it learns from one POST's attempts. */
interface Learner {
  wait(): number;
  learn(gaps: { failed: number[]; succeeded: number }): void;
}

function bounded(rule: (b: BusyBounds) => number): () => Learner {
  return () => {
    let bounds: BusyBounds = { lo: 0 };
    return { wait: () => rule(bounds), learn: (gaps) => (bounds = narrowBusyWindow(bounds, gaps)) };
  };
}

const settledOr = (b: BusyBounds, probe: (lo: number, hi: number) => number) =>
  b.hi === undefined || b.met !== true ? 0 : b.lo <= 0 || b.hi - b.lo <= Math.max(50, b.hi * 0.05) ? b.hi + 10 : probe(b.lo, b.hi);

const LEARNERS: Record<string, (windowMs: number) => Learner> = {
  "coordinator (halfway)": bounded(busyWait),
  "quarter below hi": bounded((b) => settledOr(b, (lo, hi) => hi - (hi - lo) / 4)),
  "quarter above lo": bounded((b) => settledOr(b, (lo, hi) => lo + (hi - lo) / 4)),
  "before (last gap, x0.75)": () => {
    let estimate = 0;
    return {
      wait: () => estimate,
      learn: (gaps) => (estimate = gaps.failed.length > 0 ? gaps.succeeded : Math.floor(estimate * 0.75)),
    };
  },
  oracle: (windowMs) => {
    let known = false;
    return { wait: () => (known ? windowMs + 10 : 0), learn: () => (known = true) };
  },
};

/** One POST starting at `start` ms after our previous one returned: its attempts' gaps. */
function post(start: number, windowMs: number): { failed: number[]; succeeded: number } {
  const failed: number[] = [];
  let t = start;
  for (let attempt = 1; t < windowMs; attempt++) {
    failed.push(t);
    t += backoffDelay(attempt, POLICY);
  }
  return { failed, succeeded: t };
}

function phase(learner: Learner, windowMs: number, waves: number): { lostMs: number; conflicts: number } {
  let lostMs = 0;
  let conflicts = 0;
  for (let w = 1; w < waves; w++) {
    const gaps = post(Math.max(learner.wait(), TURNAROUND_MS), windowMs);
    lostMs += gaps.succeeded - windowMs;
    conflicts += gaps.failed.length;
    learner.learn(gaps);
  }
  return { lostMs, conflicts };
}

function main(): void {
  const trials = Number(process.argv[2] ?? 20_000);
  process.stdout.write(`${trials} simulated phases per cell; lost = ms above the forced busy windows, mean / p90; 409s per phase\n\n`);
  for (const waves of [4, 7, 25]) {
    for (const windowMs of [300, 2000]) {
      const cells = Object.entries(LEARNERS).map(([name, make]) => {
        const runs = Array.from({ length: trials }, () => phase(make(windowMs), windowMs, waves));
        const lost = runs.map((r) => r.lostMs).sort((a, b) => a - b);
        const mean = lost.reduce((a, b) => a + b, 0) / lost.length;
        const conflicts = runs.reduce((a, r) => a + r.conflicts, 0) / runs.length;
        return `${name}: ${Math.round(mean)} / ${Math.round(lost[Math.floor(0.9 * lost.length)])} ms, ${conflicts.toFixed(1)} 409s`;
      });
      process.stdout.write(`${waves} waves, busy ${windowMs} ms: ${cells.join(" | ")}\n`);
    }
  }
}

main();
