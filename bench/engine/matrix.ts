/**
 * Which engine runs `npm run bench` makes, and in what order. Two lanes run side by side:
 *
 * - the measured lane, one run at a time: ours and floor (short, CPU-bound at start-up: nothing of
 *   ours runs beside them but the naive lane);
 * - the naive lane, `naiveJobs` runs at a time: the naive provider spends its time waiting out busy
 *   windows and p-retry's timers (a few 409s a second, a few percent of a core), and its rows take
 *   minutes (at least one busy window per resource), so it would not fit in the budget serially.
 *
 * Dropped combinations (each listed in BENCHMARKS.md):
 * - naive only with the default parallelism, and not for 200 on one cluster (at least 200 busy
 *   windows per phase: 1 minute at 300 ms, 7 minutes at 2000 ms) nor 200 on 10 clusters at 2000 ms;
 * - ours at 2000 ms with the default parallelism for 200 resources: `up` only (25 busy windows a
 *   phase; `up` gives the --parallel advice its figure);
 * - floor does not depend on the busy window or the cluster count (it calls nothing): one run per
 *   resource count and parallelism serves every row;
 * - 10 resources: no --parallel 64 rows (10 fit in the default 8 plus one).
 */
import type { EngineHarness, EnginePhase, EngineRunResult, EngineSpec } from "./engine";
import { ENGINE_PHASES, parseEngineScenario } from "./engine";

export interface EngineMatrixOptions {
  scenarios: string[];
  busy: number[];
  /** --parallel values besides the default (undefined). */
  parallels: number[];
  /** Repetitions of the target row (50x1, default parallelism, the largest busy window): ours and floor. */
  targetReps: number;
  naive: boolean;
  naiveJobs: number;
  /** State scale (item 4): the checkout project folder, or undefined to skip. */
  checkoutDir?: string;
  stateScenario: string;
  stateBusyMs: number;
}

export const DEFAULT_ENGINE_MATRIX: EngineMatrixOptions = {
  scenarios: ["10x1", "50x1", "200x1", "200x10"],
  busy: [300, 2000],
  parallels: [64],
  targetReps: 2,
  naive: true,
  naiveJobs: 2,
  stateScenario: "200x1",
  stateBusyMs: 300,
  checkoutDir: undefined,
};

export interface PlannedRun extends EngineSpec {
  lane: "measured" | "naive";
  /** What the run is for, for the log. */
  why: string;
}

export interface EnginePlan {
  runs: PlannedRun[];
  dropped: string[];
}

export const TARGET_SCENARIO = "50x1";

const all: readonly EnginePhase[] = ENGINE_PHASES;

export function planEngine(o: EngineMatrixOptions): EnginePlan {
  const runs: PlannedRun[] = [];
  const dropped: string[] = [];
  const targetBusy = Math.max(...o.busy);
  const parallels: (number | undefined)[] = [undefined, ...o.parallels];
  const parName = (p: number | undefined) => (p === undefined ? "default parallelism" : `--parallel ${p}`);

  // Floor: one per resource count and parallelism.
  const counts = [...new Set(o.scenarios.map((id) => parseEngineScenario(id).resources))].sort((a, b) => a - b);
  for (const n of counts) {
    for (const p of parallels) {
      if (p !== undefined && n <= 10) continue;
      const reps = n === parseEngineScenario(TARGET_SCENARIO).resources && p === undefined ? o.targetReps : 1;
      for (let rep = 0; rep < reps; rep++) runs.push({ lane: "measured", why: "floor", scenario: `${n}x1`, impl: "floor", busyMs: 0, parallel: p, phases: all, rep });
    }
  }
  if (o.scenarios.some((id) => parseEngineScenario(id).clusters > 1)) {
    dropped.push("floor with several clusters: the floor calls nothing, so 200 on 10 clusters uses the floor run of 200 on one cluster");
  }
  if (counts.some((n) => n <= 10) && o.parallels.length > 0) dropped.push("10 resources with --parallel 64: 10 operations are one wave of the default 8 plus one");

  for (const id of o.scenarios) {
    const s = parseEngineScenario(id);
    for (const busyMs of o.busy) {
      for (const p of parallels) {
        if (p !== undefined && s.resources <= 10) continue;
        const heavy = s.resources >= 200 && busyMs >= 2000 && p === undefined;
        const phases: readonly EnginePhase[] = heavy ? ["up"] : all;
        const reps = s.id === TARGET_SCENARIO && busyMs === targetBusy && p === undefined ? o.targetReps : 1;
        for (let rep = 0; rep < reps; rep++) runs.push({ lane: "measured", why: "ours", scenario: s.id, impl: "ours", busyMs, parallel: p, phases, rep });
        if (!o.naive || p !== undefined) continue;
        const perCluster = Math.ceil(s.resources / s.clusters);
        if (perCluster >= 200 || (s.clusters > 1 && busyMs >= 2000)) continue;
        runs.push({ lane: "naive", why: "naive", scenario: s.id, impl: "naive", busyMs, parallel: p, phases: all, rep: 0 });
      }
    }
    if (s.resources >= 200 && o.busy.some((b) => b >= 2000)) dropped.push(`ours, ${s.resources} on ${s.clusters} cluster${s.clusters > 1 ? "s" : ""}, busy ${targetBusy} ms, default parallelism: \`up\` only (about ${Math.ceil(s.resources / 8)} busy windows a phase)`);
  }
  if (o.naive) {
    if (o.parallels.length > 0) dropped.push(`naive with ${o.parallels.map((p) => parName(p)).join(", ")}: it sends one POST per resource whatever the parallelism, so every busy window is waited out anyway`);
    for (const id of o.scenarios) {
      const s = parseEngineScenario(id);
      if (s.resources / s.clusters >= 200) dropped.push(`naive, ${s.resources} on one cluster: at least ${s.resources} busy windows a phase (${o.busy.map((b) => `${Math.round((s.resources * b) / 60_000)} min at ${b} ms`).join(", ")})`);
      else if (s.clusters > 1 && o.busy.some((b) => b >= 2000)) dropped.push(`naive, ${s.resources} on ${s.clusters} clusters at ${targetBusy} ms: minutes a phase`);
    }
  }
  if (o.checkoutDir) {
    const base = { scenario: o.stateScenario, impl: "ours" as const, busyMs: o.stateBusyMs, phases: ["up", "destroy"] as const, rep: 0 };
    const skip = { PULUMI_SKIP_CHECKPOINTS: "true" };
    runs.push({ ...base, lane: "measured", why: "state", label: "package, no checkpoints", env: skip });
    runs.push({ ...base, lane: "measured", why: "state", label: "checkout", workDir: o.checkoutDir });
    runs.push({ ...base, lane: "measured", why: "state", label: "checkout, no checkpoints", workDir: o.checkoutDir, env: skip });
  }
  return { runs, dropped };
}

/**
 * Run the plan: the measured lane one run at a time, the naive lane `naiveJobs` at a time, side by
 * side; the naive lane starts with its longest runs. `afterMeasured` runs when the measured lane is
 * done (the in-process benchmark goes there, beside the tail of the naive lane).
 */
export async function runEnginePlan(
  h: EngineHarness,
  plan: EnginePlan,
  naiveJobs: number,
  log: (m: string) => void,
  afterMeasured: () => Promise<void> = async () => undefined,
): Promise<EngineRunResult[]> {
  const results: EngineRunResult[] = [];
  const total = plan.runs.length;
  const one = async (r: PlannedRun) => {
    const t0 = Date.now();
    const { lane: _lane, why: _why, ...spec } = r;
    const res = await h.run(spec);
    results.push(res);
    const phases = Object.entries(res.phases)
      .map(([ph, m]) => `${ph} ${(m.wallMs / 1000).toFixed(1)}s ${m.posts}+${m.conflicts}x409${m.converged ? "" : " FAILED"}`)
      .join(", ");
    log(`engine ${res.label} ${res.scenario} busy ${res.busyMs} par ${res.defaultParallel ? "default" : res.parallel}${r.rep ? ` rep ${r.rep + 1}` : ""} [${results.length}/${total}] in ${((Date.now() - t0) / 1000).toFixed(0)}s: ${phases}`);
  };
  const measured = plan.runs.filter((r) => r.lane === "measured");
  const weight = (r: PlannedRun) => (parseEngineScenario(r.scenario).resources / parseEngineScenario(r.scenario).clusters) * r.busyMs;
  const naive = plan.runs.filter((r) => r.lane === "naive").sort((a, b) => weight(b) - weight(a));
  const naiveLane = async () => {
    for (;;) {
      const next = naive.shift();
      if (!next) return;
      await one(next);
    }
  };
  const measuredLane = async () => {
    for (const r of measured) await one(r);
    await afterMeasured();
  };
  await Promise.all([measuredLane(), ...Array.from({ length: Math.max(1, naiveJobs) }, naiveLane)]);
  return results;
}
