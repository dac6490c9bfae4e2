/**
 * Which engine runs `npm run bench` makes, and in what order. Two lanes run side by side:
 *
 * - the measured lane, one run at a time: ours and floor (CPU-bound while the CLI, the program and
 *   the provider start: nothing of ours runs beside them but the naive lane);
 * - the naive lane, `naiveJobs` runs at a time: the naive provider spends its time waiting out busy
 *   windows and p-retry's timers (a few 409s a second, a few percent of a core), and its rows take
 *   minutes (at least one busy window per resource and action), so it would not fit serially. Its
 *   CLI runs still take CPU (200 steps at a short window take seconds of it), so the target row's
 *   runs wait until it is done and run with nothing beside them.
 *
 * Within the budget (15 minutes on 2 cores), what is left out is listed in BENCHMARKS.md (`dropped`):
 * - --parallel 64 only at the longest busy window (where waves cost most) and on one cluster;
 * - at the longest busy window with the default parallelism, 200 resources: `up` only (25 busy
 *   windows a phase), and 200 on 10 clusters and 10 resources not at all;
 * - naive only with the default parallelism, not for 200 on one cluster (at least 200 busy windows
 *   a phase) nor on several clusters at the longest window;
 * - the floor calls nothing, so it depends on neither the busy window nor the cluster count: one
 *   run per resource count and parallelism serves every row;
 * - the provider plugin (YAML) only in the target row, as many times as ours, in the measured lane.
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
  /** The provider plugin under a YAML program, in the target row. */
  plugin: boolean;
}

export const DEFAULT_ENGINE_MATRIX: EngineMatrixOptions = {
  scenarios: ["10x1", "50x1", "200x1", "200x10"],
  busy: [300, 2000],
  parallels: [64],
  targetReps: 3,
  naive: true,
  naiveJobs: 2,
  plugin: true,
};

/** The scale-of-state runs (`npm run bench -- --state`): ours, up then destroy, four ways. */
export const STATE_SCENARIO = "200x1";
export const STATE_BUSY_MS = 300;

export function planState(checkoutDir: string, scenario = STATE_SCENARIO, busyMs = STATE_BUSY_MS): EnginePlan {
  const base = { scenario, impl: "ours" as const, busyMs, phases: ["up", "destroy"] as const, rep: 0, lane: "measured" as const, why: "state" };
  const skip = { PULUMI_SKIP_CHECKPOINTS: "true" };
  return {
    runs: [
      { ...base, label: "package" },
      { ...base, label: "package, no checkpoints", env: skip },
      { ...base, label: "checkout", workDir: checkoutDir },
      { ...base, label: "checkout, no checkpoints", workDir: checkoutDir, env: skip },
    ],
    dropped: [],
  };
}

export interface PlannedRun extends EngineSpec {
  lane: "measured" | "naive";
  /** Run in the measured lane only once the naive lane is done, with nothing beside it (the target row). */
  alone?: boolean;
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
  const longest = Math.max(...o.busy);
  const target = parseEngineScenario(TARGET_SCENARIO);
  const name = (s: { resources: number; clusters: number }) => `${s.resources} on ${s.clusters} cluster${s.clusters > 1 ? "s" : ""}`;
  /** Phases of ours for a scenario, busy window and parallelism; undefined = not run. */
  const oursPhases = (s: { resources: number; clusters: number }, busyMs: number, p: number | undefined): readonly EnginePhase[] | undefined => {
    if (p !== undefined) {
      if (busyMs !== longest || s.clusters > 1 || s.resources <= 10) return undefined;
      return s.resources >= 200 ? ["up"] : all;
    }
    if (busyMs === longest && s.resources >= 200) return s.clusters > 1 ? undefined : ["up"];
    if (busyMs === longest && s.resources <= 10) return undefined;
    return all;
  };
  const floorNeeds = new Map<string, Set<EnginePhase>>();
  for (const id of o.scenarios) {
    const s = parseEngineScenario(id);
    for (const busyMs of o.busy) {
      for (const p of [undefined, ...o.parallels]) {
        const phases = oursPhases(s, busyMs, p);
        if (!phases) continue;
        const isTarget = s.id === target.id && busyMs === longest && p === undefined;
        const reps = isTarget ? o.targetReps : 1;
        for (let rep = 0; rep < reps; rep++) runs.push({ lane: "measured", why: "ours", scenario: s.id, impl: "ours", busyMs, parallel: p, phases, rep, alone: isTarget });
        if (isTarget && o.plugin) {
          for (let rep = 0; rep < reps; rep++) runs.push({ lane: "measured", why: "plugin (YAML)", scenario: s.id, impl: "plugin", busyMs, parallel: p, phases, rep, alone: true });
        }
        const key = `${s.resources}|${p ?? ""}`;
        const need = floorNeeds.get(key) ?? new Set<EnginePhase>();
        phases.forEach((ph) => need.add(ph));
        floorNeeds.set(key, need);
        const perCluster = Math.ceil(s.resources / s.clusters);
        if (o.naive && p === undefined && perCluster < 200 && !(s.clusters > 1 && busyMs === longest)) {
          runs.push({ lane: "naive", why: "naive", scenario: s.id, impl: "naive", busyMs, parallel: p, phases: all, rep: 0 });
        }
      }
    }
  }
  // Floor: one per resource count and parallelism, with the phases some ours run needs; first in the measured lane.
  const floors: PlannedRun[] = [];
  for (const [key, need] of [...floorNeeds].sort((a, b) => Number(a[0].split("|")[0]) - Number(b[0].split("|")[0]))) {
    const [n, p] = key.split("|");
    const parallel = p === "" ? undefined : Number(p);
    const isTarget = Number(n) === target.resources && parallel === undefined;
    const reps = isTarget ? o.targetReps : 1;
    for (let rep = 0; rep < reps; rep++) {
      floors.push({ lane: "measured", why: "floor", scenario: `${n}x1`, impl: "floor", busyMs: 0, parallel, phases: all.filter((ph) => need.has(ph)), rep, alone: isTarget });
    }
  }
  runs.unshift(...floors);

  if (o.scenarios.some((id) => parseEngineScenario(id).clusters > 1)) {
    dropped.push("floor with several clusters: the floor calls nothing, so the rows of 200 on 10 clusters use the floor run of 200 on one cluster");
  }
  for (const p of o.parallels) {
    dropped.push(`--parallel ${p} only at ${longest} ms and on one cluster (not for 10 resources: one wave of the default 8 plus one); for 200 resources \`up\` only`);
  }
  for (const id of o.scenarios) {
    const s = parseEngineScenario(id);
    if (s.resources <= 10 && o.busy.length > 1) dropped.push(`${name(s)} at ${longest} ms (ours and naive): two waves, like the 300 ms row; the 50-resource rows show the long window`);
    if (s.resources >= 200 && o.busy.includes(longest)) {
      dropped.push(
        s.clusters > 1
          ? `ours, ${name(s)} at ${longest} ms: not run (the busy-window behaviour is in the one-cluster rows; about 25 busy windows a phase)`
          : `ours, ${name(s)} at ${longest} ms with the default parallelism: \`up\` only (about ${Math.ceil(s.resources / 8)} busy windows a phase); it gives the --parallel advice its figure`,
      );
    }
  }
  if (o.naive) {
    dropped.push("naive only with the default parallelism: it sends one POST per resource and action whatever the parallelism, so it waits out every busy window anyway");
    for (const id of o.scenarios) {
      const s = parseEngineScenario(id);
      if (s.resources / s.clusters >= 200) dropped.push(`naive, ${name(s)}: at least ${s.resources} busy windows a phase (${o.busy.map((b) => `${Math.round((s.resources * b) / 60_000)} min at ${b} ms`).join(", ")})`);
      else if (s.clusters > 1) dropped.push(`naive, ${name(s)} at ${longest} ms: minutes a phase`);
    }
  }
  if (o.plugin) dropped.push(`plugin (YAML) only in the target row (${name(target)}, default parallelism, ${longest} ms): one plugin process per deployment, the same lane as ours`);
  dropped.push(
    `repetitions: ${o.targetReps} for ours${o.plugin ? ", plugin" : ""} and floor in the target row (${name(target)}, default parallelism, ${longest} ms), run alone after the naive lane, ` +
      "interleaved (floor, ours, plugin, then again; medians shown); 1 elsewhere, beside the naive lane, whose CLI runs take CPU too (a few seconds of noise in those rows)",
  );
  return { runs, dropped };
}

/**
 * Run the plan: the measured lane one run at a time, the naive lane `naiveJobs` at a time, side by
 * side; the naive lane starts with its longest runs. `beside` runs when the measured lane's other
 * runs are done, beside the naive lane's tail (the in-process benchmark, whose ratios are in the
 * hundreds, goes there). The runs marked `alone` (the target row) wait for both.
 */
export async function runEnginePlan(
  h: EngineHarness,
  plan: EnginePlan,
  naiveJobs: number,
  log: (m: string) => void,
  beside: () => Promise<void> = async () => undefined,
): Promise<EngineRunResult[]> {
  const results: EngineRunResult[] = [];
  const total = plan.runs.length;
  const one = async (r: PlannedRun) => {
    const t0 = Date.now();
    const { lane: _lane, why: _why, alone: _alone, ...spec } = r;
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
  const naiveDone = Promise.all(Array.from({ length: Math.max(1, naiveJobs) }, naiveLane));
  const measuredLane = async () => {
    for (const r of measured.filter((m) => !m.alone)) await one(r);
    await beside();
    // The target row's runs: nothing beside them, so their times carry no other run's load.
    await naiveDone;
    // Interleaved by repetition (floor, ours, plugin, floor, ...): a load change hits every column alike.
    const alone = measured.filter((m) => m.alone).sort((a, b) => (a.rep ?? 0) - (b.rep ?? 0));
    for (const r of alone) await one(r);
  };
  await Promise.all([measuredLane(), naiveDone]);
  return results;
}
