/**
 * The engine scenarios' tables, targets, --parallel figures and state figures, computed from the
 * runs (pure: no I/O), for the terminal and for BENCHMARKS.md.
 */
import type { EngineImpl, EnginePhase, EnginePhaseMetrics, EngineRunResult } from "./engine";
import { ENGINE_PHASES, parseEngineScenario } from "./engine";

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface EngineSide {
  reps: number;
  /** Repetitions in which the phase succeeded and left the expected statuses. */
  converged: number;
  wallMs: number;
  posts: number;
  /** Accepted POSTs on the busiest cluster. */
  postsBusiest: number;
  /** ... in the repetition that sent the most. */
  postsBusiestWorst: number;
  conflicts: number;
  gets: number;
  /** Median of the API span: first to last request of the phase. */
  apiSpanMs?: number;
  /** Median time from the CLI's start to the phase's first request. */
  firstRequestMs?: number;
}

export interface EngineRow {
  scenario: string;
  resources: number;
  clusters: number;
  busyMs: number;
  /** The parallelism used, and whether it was the engine's default. */
  parallel: number;
  defaultParallel: boolean;
  phase: EnginePhase;
  operations: number;
  limit: number;
  ours: EngineSide;
  naive?: EngineSide;
  floor?: EngineSide;
  /** The provider plugin under a YAML program (the target row only). */
  plugin?: EngineSide;
}

function side(ms: readonly EnginePhaseMetrics[]): EngineSide {
  const spans = ms.filter((m) => m.firstRequestMs !== undefined && m.lastRequestMs !== undefined).map((m) => (m.lastRequestMs as number) - (m.firstRequestMs as number));
  return {
    reps: ms.length,
    converged: ms.filter((m) => m.converged).length,
    wallMs: Math.round(median(ms.map((m) => m.wallMs))),
    posts: median(ms.map((m) => m.posts)),
    postsBusiest: median(ms.map((m) => m.postsBusiest ?? m.posts)),
    postsBusiestWorst: Math.max(...ms.map((m) => m.postsBusiest ?? m.posts)),
    conflicts: median(ms.map((m) => m.conflicts)),
    gets: median(ms.map((m) => m.gets)),
    ...(spans.length > 0 ? { apiSpanMs: Math.round(median(spans)) } : {}),
    ...(spans.length > 0 ? { firstRequestMs: Math.round(median(ms.filter((m) => m.firstRequestMs !== undefined).map((m) => m.firstRequestMs as number))) } : {}),
  };
}

/** The engine runs that are part of the matrix (not the state-scale variants). */
function matrixRuns(runs: readonly EngineRunResult[], impl: EngineImpl): EngineRunResult[] {
  return runs.filter((r) => r.impl === impl && r.label === impl);
}

/** One row per ours run group (scenario, busy window, parallelism) and phase, in the matrix's order. */
export function summariseEngine(runs: readonly EngineRunResult[]): EngineRow[] {
  const rows: EngineRow[] = [];
  const ours = matrixRuns(runs, "ours");
  const keys: string[] = [];
  for (const r of ours) {
    const k = `${r.scenario}|${r.busyMs}|${r.parallel}|${r.defaultParallel}`;
    if (!keys.includes(k)) keys.push(k);
  }
  const order = (k: string) => {
    const [scenario, busy, par, def] = k.split("|");
    const s = parseEngineScenario(scenario);
    return [s.clusters, s.resources, Number(busy), def === "true" ? 0 : Number(par)];
  };
  keys.sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  });
  for (const k of keys) {
    const [scenario, busy, par, def] = k.split("|");
    const group = ours.filter((r) => `${r.scenario}|${r.busyMs}|${r.parallel}|${r.defaultParallel}` === k);
    const s = parseEngineScenario(scenario);
    const naive = matrixRuns(runs, "naive").filter((r) => r.scenario === scenario && r.busyMs === Number(busy) && r.parallel === Number(par));
    const floor = matrixRuns(runs, "floor").filter((r) => r.resources === s.resources && r.parallel === Number(par));
    const plugin = matrixRuns(runs, "plugin").filter((r) => r.scenario === scenario && r.busyMs === Number(busy) && r.parallel === Number(par));
    for (const phase of ENGINE_PHASES) {
      const pick = (rs: readonly EngineRunResult[]) => rs.map((r) => r.phases[phase]).filter((m): m is EnginePhaseMetrics => m !== undefined);
      const o = pick(group);
      if (o.length === 0) continue;
      const n = pick(naive);
      const f = pick(floor);
      const pl = pick(plugin);
      rows.push({
        scenario,
        resources: s.resources,
        clusters: s.clusters,
        busyMs: Number(busy),
        parallel: Number(par),
        defaultParallel: def === "true",
        phase,
        operations: o[0].operations,
        limit: o[0].limit,
        ours: side(o),
        ...(n.length > 0 ? { naive: side(n) } : {}),
        ...(f.length > 0 ? { floor: side(f) } : {}),
        ...(pl.length > 0 ? { plugin: side(pl) } : {}),
      });
    }
  }
  return rows;
}

export function scenarioName(r: Pick<EngineRow, "resources" | "clusters">): string {
  return `${r.resources} on ${r.clusters} cluster${r.clusters > 1 ? "s" : ""}`;
}

export function fmtS(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? "-" : `${(ms / 1000).toFixed(1)} s`;
}

function fmtN(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? "-" : Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function fmtX(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? "-" : `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}x`;
}

const mark = (s: EngineSide | undefined) => (s && s.converged < s.reps ? "!" : "");

/** Ours' wall time above the floor's, in busy windows. */
export function windowsOverFloor(r: EngineRow): number | undefined {
  return r.floor ? (r.ours.wallMs - r.floor.wallMs) / r.busyMs : undefined;
}

export const PLUGIN_LABEL = "plugin (YAML)";

/**
 * A table line: a row, or its plugin sub-row, which shows the plugin's figures in the ours columns
 * against the same naive and floor runs (their own cells left empty, so nothing reads twice).
 */
type Line = EngineRow & { sub?: boolean };

function lines(rows: readonly EngineRow[]): Line[] {
  return rows.flatMap((r): Line[] => (r.plugin ? [r, { ...r, ours: r.plugin, sub: true }] : [r]));
}

interface Column {
  header: string;
  value: (r: Line) => string;
  /** Blank in a plugin sub-row (naive's and floor's own figures, shown on the row above). */
  shared?: boolean;
}

const COLUMNS: Column[] = [
  { header: "scenario", value: (r) => scenarioName(r) + (r.sub ? `, ${PLUGIN_LABEL}` : "") },
  { header: "busy", value: (r) => `${r.busyMs} ms` },
  { header: "parallel", value: (r) => (r.defaultParallel ? `${r.parallel} (default)` : String(r.parallel)) },
  { header: "phase", value: (r) => r.phase },
  { header: "ops", value: (r) => String(r.operations) },
  { header: "limit", value: (r) => String(r.limit) },
  { header: "POSTs ours", value: (r) => fmtN(r.ours.posts) + (r.clusters > 1 ? ` (${fmtN(r.ours.postsBusiest)})` : "") + mark(r.ours) },
  { header: "POSTs naive", shared: true, value: (r) => fmtN(r.naive?.posts) + (r.clusters > 1 && r.naive ? ` (${fmtN(r.naive.postsBusiest)})` : "") + mark(r.naive) },
  { header: "409s ours", value: (r) => fmtN(r.ours.conflicts) },
  { header: "409s naive", shared: true, value: (r) => fmtN(r.naive?.conflicts) },
  { header: "GETs ours", value: (r) => fmtN(r.ours.gets) },
  { header: "GETs naive", shared: true, value: (r) => fmtN(r.naive?.gets) },
  { header: "wall floor", shared: true, value: (r) => fmtS(r.floor?.wallMs) },
  { header: "wall ours", value: (r) => fmtS(r.ours.wallMs) + mark(r.ours) },
  { header: "wall naive", shared: true, value: (r) => fmtS(r.naive?.wallMs) + mark(r.naive) },
  { header: "ours - floor", value: (r) => (r.floor ? `${fmtS(r.ours.wallMs - r.floor.wallMs)} (${fmtN(Math.round((windowsOverFloor(r) ?? 0) * 10) / 10)} w)` : "-") },
  { header: "naive / ours", value: (r) => (r.naive ? fmtX(r.naive.wallMs / r.ours.wallMs) : "-") },
];

const cell = (c: Column, r: Line) => (r.sub && c.shared ? "" : c.value(r));

export function formatEngineTable(engineRows: readonly EngineRow[]): string {
  const rows = lines(engineRows);
  const cells = rows.map((r) => COLUMNS.map((c) => cell(c, r)));
  const widths = COLUMNS.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => (i < 4 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  const out = [line(COLUMNS.map((c) => c.header)), widths.map((w) => "-".repeat(w)).join("  ")];
  let group = "";
  rows.forEach((r, i) => {
    const g = `${r.scenario}|${r.busyMs}|${r.parallel}`;
    if (group && g !== group) out.push("");
    group = g;
    out.push(line(cells[i]));
  });
  return out.join("\n");
}

export function engineMarkdownTable(rows: readonly EngineRow[]): string {
  const head = `| ${COLUMNS.map((c) => c.header).join(" | ")} |`;
  const sep = `|${COLUMNS.map((_, i) => (i < 4 ? " --- " : " ---: ")).join("|")}|`;
  return [head, sep, ...lines(rows).map((r) => `| ${COLUMNS.map((c) => cell(c, r)).join(" | ")} |`)].join("\n");
}

// ---- targets ---------------------------------------------------------------------------------

export interface EngineTargetCheck {
  phase: EnginePhase;
  /** ours = the dynamic resource; plugin = the provider plugin under YAML. */
  impl: "ours" | "plugin";
  /** naive / ours wall time: at least 5. */
  speedup?: number;
  speedupOk: boolean;
  /** Accepted POSTs (median): at most ceil(N / parallel) + 2. */
  posts: number;
  /** ... in the repetition that sent the most. */
  postsWorst: number;
  postsMax: number;
  postsOk: boolean;
  /** Wall time: at most the floor's plus (ceil(N / parallel) + 1) busy windows. */
  wallMs: number;
  wallMaxMs?: number;
  wallOk: boolean;
}

/** The targets for N = 50 on one cluster, default parallelism, the given busy window: ours, then the plugin where it ran. */
export function checkEngineTargets(rows: readonly EngineRow[], busyMs: number, scenario = "50x1"): EngineTargetCheck[] {
  const check = (r: EngineRow, impl: EngineTargetCheck["impl"], s: EngineSide): EngineTargetCheck => {
    const waves = Math.ceil(r.resources / r.parallel);
    const speedup = r.naive ? r.naive.wallMs / s.wallMs : undefined;
    const wallMaxMs = r.floor ? r.floor.wallMs + (waves + 1) * busyMs : undefined;
    return {
      phase: r.phase,
      impl,
      speedup,
      speedupOk: speedup !== undefined && speedup >= 5,
      posts: s.postsBusiest,
      postsWorst: s.postsBusiestWorst,
      postsMax: waves + 2,
      postsOk: s.postsBusiest <= waves + 2,
      wallMs: s.wallMs,
      wallMaxMs,
      wallOk: wallMaxMs !== undefined && s.wallMs <= wallMaxMs,
    };
  };
  const target = rows.filter((r) => r.scenario === scenario && r.busyMs === busyMs && r.defaultParallel);
  return [
    ...target.map((r) => check(r, "ours", r.ours)),
    ...target.flatMap((r) => (r.plugin ? [check(r, "plugin", r.plugin)] : [])),
  ];
}

/**
 * Why the bench must fail: the plugin shares the dynamic resource's lane, so any repetition of it
 * above ceil(N / parallel) + 2 accepted POSTs, or a plugin phase that failed, is a regression.
 */
export function pluginViolations(e: { rows: readonly EngineRow[]; targets: readonly EngineTargetCheck[] }): string[] {
  const out: string[] = [];
  for (const t of e.targets.filter((x) => x.impl === "plugin" && x.postsWorst > x.postsMax)) {
    out.push(`plugin (YAML) ${t.phase}: ${t.postsWorst} accepted POSTs in its worst run (median ${t.posts}), more than ceil(N / parallel) + 2 = ${t.postsMax}`);
  }
  for (const r of e.rows.filter((x) => x.plugin && x.plugin.converged < x.plugin.reps)) {
    out.push(`plugin (YAML) ${scenarioName(r)} busy ${r.busyMs} ms ${r.phase}: ${(r.plugin as EngineSide).reps - (r.plugin as EngineSide).converged} run(s) failed or left wrong statuses`);
  }
  return out;
}

// ---- --parallel advice ------------------------------------------------------------------------

export interface ParallelFigure {
  scenario: string;
  resources: number;
  clusters: number;
  busyMs: number;
  phase: EnginePhase;
  defaultParallel: number;
  parallel: number;
  defaultWallMs: number;
  wallMs: number;
  /** default / higher: how many times faster the higher parallelism is. */
  speedup: number;
  defaultPosts: number;
  posts: number;
}

export function parallelFigures(rows: readonly EngineRow[]): ParallelFigure[] {
  const out: ParallelFigure[] = [];
  for (const hi of rows.filter((r) => !r.defaultParallel)) {
    const base = rows.find((r) => r.defaultParallel && r.scenario === hi.scenario && r.busyMs === hi.busyMs && r.phase === hi.phase);
    if (!base) continue;
    out.push({
      scenario: hi.scenario,
      resources: hi.resources,
      clusters: hi.clusters,
      busyMs: hi.busyMs,
      phase: hi.phase,
      defaultParallel: base.parallel,
      parallel: hi.parallel,
      defaultWallMs: base.ours.wallMs,
      wallMs: hi.ours.wallMs,
      speedup: base.ours.wallMs / hi.ours.wallMs,
      defaultPosts: base.ours.posts,
      posts: hi.ours.posts,
    });
  }
  return out;
}

// ---- scale of state ---------------------------------------------------------------------------

export interface StateVariant {
  label: string;
  stateBytes?: number;
  providerBytes?: number;
  upMs?: number;
  destroyMs?: number;
  upPosts?: number;
  destroyPosts?: number;
}

export interface StateScale {
  scenario: string;
  busyMs: number;
  parallel: number;
  package?: StateVariant;
  packageNoCheckpoints?: StateVariant;
  checkout?: StateVariant;
  checkoutNoCheckpoints?: StateVariant;
}

function variant(r: EngineRunResult | undefined, label: string): StateVariant | undefined {
  if (!r) return undefined;
  return {
    label,
    stateBytes: r.stateBytes,
    providerBytes: r.providerBytes,
    upMs: r.phases.up?.wallMs,
    destroyMs: r.phases.destroy?.wallMs,
    upPosts: r.phases.up?.posts,
    destroyPosts: r.phases.destroy?.posts,
  };
}

export function stateScale(runs: readonly EngineRunResult[], scenario: string, busyMs: number): StateScale | undefined {
  const at = (label: string) => runs.find((r) => r.label === label && r.scenario === scenario && r.busyMs === busyMs && r.defaultParallel && r.rep === 0);
  const pkg = at("package");
  const checkout = at("checkout");
  if (!pkg && !checkout) return undefined;
  return {
    scenario,
    busyMs,
    parallel: (pkg ?? checkout)?.parallel ?? 0,
    package: variant(pkg, "installed package (package reference)"),
    packageNoCheckpoints: variant(at("package, no checkpoints"), "installed package, PULUMI_SKIP_CHECKPOINTS=true"),
    checkout: variant(checkout, "repository checkout (provider by value)"),
    checkoutNoCheckpoints: variant(at("checkout, no checkpoints"), "repository checkout, PULUMI_SKIP_CHECKPOINTS=true"),
  };
}

// ---- everything the engine part of a bench run produced ----------------------------------------

/** What `npm run bench -- --state` writes to bench/state-results.json (later runs include it in BENCHMARKS.md). */
export interface StateResults {
  generatedAt: string;
  durationS: number;
  pulumiVersion: string;
  load: { samples: number; mean: number; min: number; max: number };
  commit?: string;
  state?: StateScale;
  runs: EngineRunResult[];
}

export interface EngineResults {
  pulumiVersion: string;
  defaultParallel: number;
  busy: number[];
  targetBusyMs: number;
  providerEnv: Record<string, string>;
  consumer: { hash: string; cached: boolean };
  dropped: string[];
  durationS: number;
  rows: EngineRow[];
  targets: EngineTargetCheck[];
  parallel: ParallelFigure[];
  /** When the plugin column ran: the YAML language host's version. */
  plugin?: { yamlHostVersion: string };
  /** From bench/state-results.json (an earlier `--state` run), when present. */
  state?: StateResults;
  runs: EngineRunResult[];
}
