/**
 * Medians, ratios, the printed table and BENCHMARKS.md, all computed from the results (pure: no I/O).
 */
import { engineMarkdown } from "./engine/markdown";
import type { EngineResults } from "./engine/report";
import { PHASES, parseScenario } from "./scenarios";
import type { Phase, PhaseMetrics, RunResult, Tuning } from "./scenarios";

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface Side {
  reps: number;
  /** Repetitions in which every operation succeeded and the statuses were right. */
  converged: number;
  posts: number;
  conflicts: number;
  gets: number;
  wallMs: number;
  /** Median of operations that succeeded (of `operations`). */
  completed: number;
}

export interface SummaryRow {
  scenario: string;
  resources: number;
  clusters: number;
  phase: Phase;
  operations: number;
  ours: Side;
  naive: Side;
  /** naive / ours, from the medians (undefined when ours is 0). */
  ratio: { posts?: number; gets?: number; wallMs?: number };
  /** Lower bound of wall time for any client that sends one POST per resource and action: the busy windows it must wait out. */
  floorMs: number;
}

function side(metrics: readonly PhaseMetrics[]): Side {
  return {
    reps: metrics.length,
    converged: metrics.filter((m) => m.converged).length,
    posts: median(metrics.map((m) => m.posts)),
    conflicts: median(metrics.map((m) => m.conflicts)),
    gets: median(metrics.map((m) => m.gets)),
    wallMs: Math.round(median(metrics.map((m) => m.wallMs)) * 10) / 10,
    completed: median(metrics.map((m) => m.completed)),
  };
}

function ratio(naive: number, ours: number): number | undefined {
  return ours > 0 ? Math.round((naive / ours) * 100) / 100 : undefined;
}

/** One row per scenario and phase, in the order of `scenarios`. */
export function summarise(runs: readonly RunResult[], scenarios: readonly string[], busyMs: number): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const id of scenarios) {
    const spec = parseScenario(id);
    for (const phase of PHASES) {
      const pick = (impl: "ours" | "naive") =>
        runs.filter((r) => r.scenario === id && r.impl === impl && r.phases[phase]).map((r) => r.phases[phase] as PhaseMetrics);
      const o = pick("ours");
      const n = pick("naive");
      if (o.length === 0 || n.length === 0) continue;
      const ours = side(o);
      const naive = side(n);
      const operations = runs.find((r) => r.scenario === id)?.operations[phase] ?? 0;
      const postsPerOp = phase === "update" ? 2 : 1;
      const perCluster = Math.ceil(operations / spec.clusters) * postsPerOp;
      rows.push({
        scenario: id,
        resources: spec.resources,
        clusters: spec.clusters,
        phase,
        operations,
        ours,
        naive,
        ratio: { posts: ratio(naive.posts, ours.posts), gets: ratio(naive.gets, ours.gets), wallMs: ratio(naive.wallMs, ours.wallMs) },
        floorMs: Math.max(0, perCluster - 1) * busyMs,
      });
    }
  }
  return rows;
}

export function scenarioTitle(row: Pick<SummaryRow, "resources" | "clusters">): string {
  return `${row.resources} on ${row.clusters} cluster${row.clusters > 1 ? "s" : ""}`;
}

function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return "-";
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`;
}

function fmtRatio(r: number | undefined, lowerBound: boolean): string {
  if (r === undefined) return "-";
  const s = r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
  return `${lowerBound ? ">" : ""}${s}x`;
}

/** A mark after a side's figures when some repetition did not converge (the figures then cover a give-up). */
function mark(s: Side): string {
  return s.converged < s.reps ? "*" : "";
}

export interface TableCell {
  header: string;
  value: (r: SummaryRow) => string;
}

export const TABLE: TableCell[] = [
  { header: "scenario", value: (r) => scenarioTitle(r) },
  { header: "phase", value: (r) => r.phase },
  { header: "ops", value: (r) => String(r.operations) },
  { header: "n", value: (r) => String(r.ours.reps) },
  { header: "POSTs ours", value: (r) => fmtNum(r.ours.posts) + mark(r.ours) },
  { header: "POSTs naive", value: (r) => fmtNum(r.naive.posts) + mark(r.naive) },
  { header: "POSTs x", value: (r) => fmtRatio(r.ratio.posts, r.naive.converged < r.naive.reps) },
  { header: "409s ours", value: (r) => fmtNum(r.ours.conflicts) },
  { header: "409s naive", value: (r) => fmtNum(r.naive.conflicts) + mark(r.naive) },
  { header: "GETs ours", value: (r) => fmtNum(r.ours.gets) },
  { header: "GETs naive", value: (r) => fmtNum(r.naive.gets) + mark(r.naive) },
  { header: "GETs x", value: (r) => fmtRatio(r.ratio.gets, r.naive.converged < r.naive.reps) },
  { header: "wall ours", value: (r) => fmtMs(r.ours.wallMs) + mark(r.ours) },
  { header: "wall naive", value: (r) => fmtMs(r.naive.wallMs) + mark(r.naive) },
  { header: "wall x", value: (r) => fmtRatio(r.ratio.wallMs, r.naive.converged < r.naive.reps) },
  { header: "floor", value: (r) => fmtMs(r.floorMs) },
];

/** A plain-text table for the terminal. */
export function formatTable(rows: readonly SummaryRow[]): string {
  const cells = rows.map((r) => TABLE.map((c) => c.value(r)));
  const widths = TABLE.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  const out = [line(TABLE.map((c) => c.header)), widths.map((w) => "-".repeat(w)).join("  ")];
  let previous = "";
  for (let i = 0; i < rows.length; i++) {
    if (previous && rows[i].scenario !== previous) out.push("");
    previous = rows[i].scenario;
    out.push(line(cells[i]));
  }
  return out.join("\n");
}

export function markdownTable(rows: readonly SummaryRow[]): string {
  const head = `| ${TABLE.map((c) => c.header).join(" | ")} |`;
  const sep = `|${TABLE.map((_, i) => (i < 2 ? " --- " : " ---: ")).join("|")}|`;
  return [head, sep, ...rows.map((r) => `| ${TABLE.map((c) => c.value(r).replace(/\*/g, "\\*")).join(" | ")} |`)].join("\n");
}

export interface TargetCheck {
  scenario: string;
  phase: Phase;
  postsRatio?: number;
  wallRatio?: number;
  postsOk: boolean;
  wallOk: boolean;
}

/** The issue's bar: for 50 resources on one cluster, >= 10x fewer POSTs and >= 5x faster (every phase). */
export function checkTarget(rows: readonly SummaryRow[], scenario = "50x1"): TargetCheck[] {
  return rows
    .filter((r) => r.scenario === scenario)
    .map((r) => ({
      scenario,
      phase: r.phase,
      postsRatio: r.ratio.posts,
      wallRatio: r.ratio.wallMs,
      postsOk: (r.ratio.posts ?? 0) >= 10,
      wallOk: (r.ratio.wallMs ?? 0) >= 5,
    }));
}

// ---- the rest of the results ---------------------------------------------------------------

export interface SerializedForm {
  /** Bytes of the `__provider` text. */
  bytes: number;
  /** Bytes it takes in a stack's state per resource: JSON-escaped, in both inputs and outputs. */
  stateBytes: number;
  /** Modules the text loads with require(). */
  requires: string[];
}

export interface SerializedResult {
  byValue?: { newProvider: SerializedForm; instance: SerializedForm };
  byReference?: { newProvider: SerializedForm; instance: SerializedForm; worksAfterDeserialize: boolean; installDir: string; cached: boolean; pulumiVersion: string };
  errors: string[];
}

export interface OverheadPhase {
  label: string;
  operations: number;
  requests: number;
  cpuMsPerOp: number;
  cpuMsPerRequest: number;
  wallMsPerOp: number;
}

export interface OverheadResult {
  resources: number;
  concurrent: number;
  phases: OverheadPhase[];
  /** Provider CPU per operation above the bare HTTP exchanges it makes (sequential create). */
  logicCpuMsPerOp?: number;
  rssBaselineMb: number;
  rssPeakMb: number;
  error?: string;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memGb: number;
  node: string;
  platform: string;
  release: string;
}

/** The machine's 1-minute load average, sampled through the run (others may be using the machine). */
export interface LoadFigures {
  samples: number;
  mean: number;
  min: number;
  max: number;
}

export interface BenchResults {
  generatedAt: string;
  durationS: number;
  machine: Machine;
  load?: LoadFigures;
  /** The engine scenarios (the headline), when run. */
  engine?: EngineResults;
  git: { commit?: string; dirty?: boolean };
  settings: {
    busyMs: number;
    tuning: Tuning;
    reps: number;
    heavyReps: number;
    naiveJobs: number;
    scenarios: string[];
    command: string;
  };
  summary: SummaryRow[];
  target: TargetCheck[];
  serialized?: SerializedResult;
  overhead?: OverheadResult;
  runs: RunResult[];
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** BENCHMARKS.md, every figure taken from `res` (and bench/engine/design-changes.md under `root`). */
export function renderMarkdown(res: BenchResults, root = "."): string {
  const { machine: m, settings: s } = res;
  const t = s.tuning;
  const rows = res.summary;
  const row = (id: string, phase: Phase) => rows.find((r) => r.scenario === id && r.phase === phase);
  const out: string[] = [];
  out.push("# Benchmarks");
  out.push("");
  out.push(
    `Generated by \`${s.command}\` on ${res.generatedAt.slice(0, 10)}; the run took ${res.durationS.toFixed(0)} s. ` +
      "Every figure below comes from `bench/results.json` of that run (except the before/after account of the provider changes, measured separately and marked so). " +
      "Absolute times are context only (a loopback emulator on a small, shared VM); compare within a run: the ratios and the counts are the result.",
  );
  out.push("");
  out.push("## Machine");
  out.push("");
  out.push(`- ${m.cores} cores (${m.cpuModel}), ${m.memGb.toFixed(1)} GB RAM, Node ${m.node}, ${m.platform} ${m.release}`);
  if (res.git.commit) out.push(`- code: commit \`${res.git.commit.slice(0, 12)}\`${res.git.dirty ? " plus uncommitted changes" : ""}`);
  if (res.load) {
    out.push(
      `- load average (1 min) during the run: mean ${res.load.mean.toFixed(1)}, between ${res.load.min.toFixed(1)} and ${res.load.max.toFixed(1)} (${res.load.samples} samples): ` +
        "other work shared the machine, so single runs carry noise of a few seconds.",
    );
  }
  out.push("");
  if (res.engine) {
    out.push(...engineMarkdown(res.engine, root, m.cores));
  }
  if (res.runs.length === 0) {
    out.push(...runningIt(res));
    return out.join("\n");
  }
  out.push("## The provider alone (in-process)");
  out.push("");
  out.push(
    "The provider's methods called directly, as the engine would call them if it ran every operation at once in one process: what the provider can do when nothing upstream holds it back. " +
      "Users see the engine's figures above.",
  );
  out.push("");
  out.push("### Settings");
  out.push("");
  out.push(`- emulator in-process (one per worker process), busy window ${s.busyMs} ms after each change (POSTs in it answer 409 CSS.0029), no latency, statuses applied at once`);
  out.push(
    `- timings, identical for ours and the baseline: retry backoff base ${t.retryBaseMs} ms, cap ${t.retryMaxMs} ms, at most ${t.maxAttempts} attempts per POST; ` +
      `poll backoff base ${t.pollBaseMs} ms, cap ${t.pollMaxMs} ms. Ours gets them as \`CSS_VPCEP_RETRY_BASE_MS=${t.retryBaseMs} CSS_VPCEP_RETRY_MAX_MS=${t.retryMaxMs} ` +
      `CSS_VPCEP_MAX_ATTEMPTS=${t.maxAttempts} CSS_VPCEP_POLL_BASE_MS=${t.pollBaseMs} CSS_VPCEP_POLL_MAX_MS=${t.pollMaxMs}\` ` +
      "(the provider's defaults, 500/20000 ms and 1000/10000 ms, are for the real API, whose busy window lasts seconds). " +
      `Ours also gets \`CSS_VPCEP_RELEASE_GRACE_MS=${t.releaseGraceMs ?? 1500}\` (the default, set explicitly): an update's reject of a dropped endpoint waits until no resource has been checked for that long, ` +
      "and this driver checks every resource right before its update, so the in-process update includes that wait; create and destroy check nothing after it.",
  );
  out.push(
    `- ${s.reps} repetition${s.reps === 1 ? "" : "s"} per scenario (medians shown), ${s.heavyReps} for scenarios with more than 100 resources on one cluster; ` +
      "every run on fresh clusters. Ours runs first: one worker process, one run at a time, after an unmeasured warm-up run " +
      `(its runs are short and CPU-bound; with the engine part, beside the tail of the engine's naive runs, which mostly wait). Then the baseline's runs, ${s.naiveJobs} at a time in separate worker processes ` +
      "(they spend their time waiting out busy windows and backoff timers, at a few percent of a core each).",
  );
  out.push("");
  out.push("What is driven:");
  out.push("");
  out.push(
    "- **ours**: `VpcepConnectionApprovalProvider` as the engine calls it: every resource's `check`+`create` " +
      "(then `check`+`diff`+`update`, then `delete`) issued at once in one process, one provider object per resource.",
  );
  out.push(
    "- **naive**: per resource, one signed POST (`provider/core/auth/signer.ts`, axios) retried by p-retry 4 on 409 only " +
      "(`factor 2, minTimeout = base, maxTimeout = cap, randomize: true, retries = attempts - 1`), then GET polls until its own endpoints show the target status. No coordination.",
  );
  out.push(
    "- Each resource owns two endpoints. **create** accepts both. **update** swaps one endpoint on every second resource " +
      "(ceil(N/2) updates, each accepting a new endpoint and rejecting the removed one: a consumer recreated its endpoint); the engine does not call update for the unchanged half. " +
      "**destroy** rejects every declared endpoint.",
  );
  out.push(
    "- Counts are from the emulator's request log (reset before each phase): POSTs and GETs on `.../vpcepservice/connections`, 409s among the POSTs. " +
      "Wall time runs from issuing every operation to the last one returning. *floor* = the busy windows any one-POST-per-resource-and-action client must wait out on the busiest cluster.",
  );
  out.push("");
  out.push("### Create, update, destroy: ours vs naive");
  out.push("");
  out.push(markdownTable(rows));
  out.push("");
  out.push("`x` = naive / ours (higher is better for ours). `n` = repetitions. `*` = at least one repetition did not converge: some operations gave up after the attempt bound, so the naive figures (and ratios, marked `>`) are lower bounds.");
  out.push("");

  out.push("### In-process target: 50 resources on one cluster");
  out.push("");
  for (const c of res.target) {
    out.push(
      `- ${c.phase}: ${fmtRatio(c.postsRatio, false)} fewer POSTs (target 10x: ${c.postsOk ? "met" : "NOT met"}), ` +
        `${fmtRatio(c.wallRatio, false)} faster (target 5x: ${c.wallOk ? "met" : "NOT met"})`,
    );
  }
  const c50 = row("50x1", "create");
  if (c50) {
    out.push(
      `- against the floor instead of p-retry: ours converges ${fmtRatio(c50.floorMs / c50.ours.wallMs, false)} faster than the ${fmtMs(c50.floorMs)} ` +
        "that even a perfectly timed uncoordinated client needs for 50 POSTs on one cluster.",
    );
  }
  out.push("");

  out.push("### Serialized provider per resource");
  out.push("");
  const sz = res.serialized;
  if (sz?.byValue || sz?.byReference) {
    out.push("Every dynamic resource carries the serialized provider as `__provider` in its inputs and again in its outputs; *state* is both, JSON-escaped.");
    out.push("");
    out.push("| form | serialized text | in state per resource | loads with require() |");
    out.push("| --- | ---: | ---: | --- |");
    const line = (label: string, f: SerializedForm) =>
      out.push(`| ${label} | ${kb(f.bytes)} (${f.bytes} B) | ${kb(f.stateBytes)} | ${f.requires.map((r) => `\`${r}\``).join(", ") || "-"} |`);
    if (sz.byValue) {
      line("by value: `() => new VpcepConnectionApprovalProvider()` (relative import, as in examples/)", sz.byValue.newProvider);
      line("by value: `() => provider` (what `dynamic.Resource` serializes)", sz.byValue.instance);
    }
    if (sz.byReference) {
      line("by package reference: `() => new VpcepConnectionApprovalProvider()`", sz.byReference.newProvider);
      line("by package reference: `() => provider`", sz.byReference.instance);
    }
    out.push("");
    if (sz.byReference) {
      out.push(
        `By package reference = \`npm pack\` installed with @pulumi/pulumi@${sz.byReference.pulumiVersion} into \`${sz.byReference.installDir}\`` +
          ` (cached between runs); the text was evaluated and its provider's \`check\` called: ${sz.byReference.worksAfterDeserialize ? "works" : "FAILED"}.`,
      );
    }
  }
  for (const e of sz?.errors ?? []) out.push(`- not measured: ${e}`);
  out.push("");

  out.push("### Provider overhead per operation");
  out.push("");
  const oh = res.overhead;
  if (oh && !oh.error) {
    out.push(
      `Measured in a separate provider process (the emulator answers from the runner's process; no busy window, no latency, no release grace: \`CSS_VPCEP_RELEASE_GRACE_MS=0\`), ` +
        `${oh.resources} resources one operation at a time, then ${oh.concurrent} at once. CPU = user + system time of the provider process (\`process.cpuUsage\`), ` +
        "i.e. everything it spends outside the emulator; *bare* = the same signed HTTP exchanges without the provider (the naive client's code).",
    );
    out.push("");
    out.push("| operation | ops | requests | CPU ms/op | CPU ms/request | wall ms/op |");
    out.push("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const p of oh.phases) {
      out.push(`| ${p.label} | ${p.operations} | ${p.requests} | ${p.cpuMsPerOp.toFixed(2)} | ${p.cpuMsPerRequest.toFixed(2)} | ${p.wallMsPerOp.toFixed(2)} |`);
    }
    out.push("");
    if (oh.logicCpuMsPerOp !== undefined) {
      out.push(`- The provider's own logic (beyond signing and HTTP) costs about ${oh.logicCpuMsPerOp.toFixed(2)} ms CPU per create.`);
    }
    out.push(`- Provider process RSS: ${oh.rssBaselineMb.toFixed(1)} MB after loading and a warm-up, peak ${oh.rssPeakMb.toFixed(1)} MB (maxRSS over the whole run, ${oh.concurrent} concurrent operations included).`);
  } else {
    out.push(`- not measured${oh?.error ? `: ${oh.error}` : ""}`);
  }
  out.push("");
  out.push(...findings(res));
  out.push("");
  out.push(...runningIt(res));
  return out.join("\n");
}

function runningIt(res: BenchResults): string[] {
  const out: string[] = [];
  out.push("## Running it");
  out.push("");
  out.push("```");
  out.push(`npm run bench                          # everything (this run: ${Math.round(res.durationS)} s on ${res.machine.cores} cores)`);
  out.push("npm run bench -- --no-inprocess --engine-scenarios 50x1 --engine-busy 2000 --engine-parallel none   # the target row only (ours, plugin (YAML), naive, floor)");
  out.push("npm run bench -- --state               # only the scale-of-state runs (200 approvals, installed and from the checkout: tens of minutes) into bench/state-results.json");
  out.push("npm run bench -- --no-engine --scenarios 10x1,50x1 --no-serialize --no-overhead --no-markdown   # the provider alone");
  out.push("```");
  out.push("");
  out.push(
    "Engine flags: `--no-engine`, `--engine-scenarios` (e.g. `10x1,50x1,200x1,200x10`), `--engine-busy` (e.g. `300,2000`), `--engine-parallel` (values besides the default, or `none`), " +
      "`--target-reps`, `--no-engine-naive`, `--engine-naive-jobs`, `--no-engine-plugin` (the bench exits 1 when the plugin misses its POST bound or fails); `--state` alone. In-process flags (or env): `--no-inprocess`, `--busy-ms` (`BENCH_BUSY_MS`), `--reps` (`BENCH_REPS`), `--heavy-reps` (`BENCH_HEAVY_REPS`), " +
      "`--naive-jobs` (`BENCH_NAIVE_JOBS`), `--scenarios`, `--retry-base-ms`, `--retry-max-ms`, `--poll-base-ms`, `--poll-max-ms`, `--max-attempts`.",
  );
  out.push("The in-process provider's retry warnings go to `bench/.tmp/worker-*.log`.");
  out.push("");
  return out;
}

function plural(n: number, word: string): string {
  return `${fmtNum(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** Observations that follow from the figures (each quotes them; each appears only when the figures show it). */
function findings(res: BenchResults): string[] {
  const rows = res.summary;
  const out: string[] = ["### Findings (in-process)", ""];
  const get = (id: string, phase: Phase) => rows.find((r) => r.scenario === id && r.phase === phase);
  const singles = rows.filter((r) => r.clusters === 1 && r.resources > 1);
  const largest = singles.length > 0 ? Math.max(...singles.map((r) => r.resources)) : 0;
  const bigCreate = get(`${largest}x1`, "create");
  const bigDestroy = get(`${largest}x1`, "destroy");

  if (bigCreate && bigDestroy && bigDestroy.ours.gets >= bigDestroy.operations) {
    out.push(
      `- **Ours sends more GETs than the baseline** (GETs x is below 1 in every row). ${scenarioTitle(bigCreate)}: create ${plural(bigCreate.ours.posts, "POST")} and ${fmtNum(bigCreate.ours.gets)} GETs in ${fmtMs(bigCreate.ours.wallMs)}, ` +
        `destroy ${plural(bigDestroy.ours.posts, "POST")} and ${fmtNum(bigDestroy.ours.gets)} GETs in ${fmtMs(bigDestroy.ours.wallMs)}; every GET lists the whole cluster (${3 * largest} connections here). ` +
        "In provider/approval/operations.ts every status wait after the coalesced POST starts a listing of its own: `waitFor` joins only a listing that started at or after its caller's `sentAt`, " +
        "and each caller takes `sentAt = now()` when it resumes, after the caller before it already started one. `release()` also plans from `observe(ctx, clusterId, now())`, which never joins a listing in flight " +
        "(create's `converge()` passes 0 and shares it: one planning GET per cluster). Proposed fix: `ClusterCoordinator.submit` resolves with the time its POST returned, the waits use that as `notBefore` " +
        "(all requests of a batch then share the first wait listing), and `release()` plans with 0 like `converge()`.",
    );
  }
  const split = rows.filter((r) => r.ours.posts - r.ours.conflicts > r.clusters * (r.phase === "update" ? 2 : 1));
  if (split.length > 0) {
    out.push(
      `- **The coalesced POST split** in ${split.map((r) => `${scenarioTitle(r)} ${r.phase} (${plural(r.ours.posts, "POST")}, ${plural(r.ours.conflicts, "409")})`).join(", ")}: ` +
        "requests that reach a cluster's lane after its POST was formed go into a later POST, which meets the busy window. " +
        "Unshared planning GETs (see above) spread the requests out; sharing them, or a gather window that stays open while requests keep arriving, keeps one POST per cluster and action.",
    );
  }
  const upd = get("50x1", "update") ?? rows.find((r) => r.phase === "update" && r.resources > 1);
  if (upd) {
    out.push(
      `- **An update that accepts and rejects needs two POSTs per cluster** (the API takes one action per call), so ours meets the busy window once: ${scenarioTitle(upd)}, ${plural(upd.ours.posts, "POST")} and ${plural(upd.ours.conflicts, "409")}, ` +
        `${fmtMs(upd.ours.wallMs)} (one busy window is ${res.settings.busyMs} ms; the reject also waits the release grace, ${res.settings.tuning.releaseGraceMs ?? 1500} ms, since the driver checked every resource just before).`,
    );
  }
  const one = get("1x1", "create");
  if (one && one.ours.wallMs > one.naive.wallMs) {
    out.push(
      `- **One resource alone is slower with ours** (${fmtMs(one.ours.wallMs)} against ${fmtMs(one.naive.wallMs)} for create): the coordinator waits its gather window (at least 50 ms) for other requests to join, ` +
        "and the provider lists the cluster before it POSTs (to name endpoints that are not connected). Against a real API's latency this is noise; it is the price of coalescing.",
    );
  }
  const multi = rows.filter((r) => r.operations > 1 && r.floorMs > 0);
  if (multi.length > 0) {
    const below = multi.filter((r) => r.ours.wallMs < r.floorMs);
    const n50 = get("50x1", "create");
    out.push(
      `- **Ours beats even the floor** (the busy windows any client that sends one POST per resource must wait out) in ${below.length} of ${multi.length} multi-resource rows. ` +
        (n50
          ? `The baseline itself takes longer than the floor (50 on one cluster: ${fmtMs(n50.naive.wallMs)} against ${fmtMs(n50.floorMs)}): once p-retry's delays reach the cap they are all exactly \`maxTimeout\`, ` +
            "so the clients' retries bunch into a band narrower than the cap and about one of them gets through per cap period."
          : ""),
    );
  }
  const fail = rows.filter((r) => r.naive.converged < r.naive.reps);
  if (fail.length > 0) {
    out.push(
      `- **The baseline gives up** in ${fail.map((r) => `${scenarioTitle(r)} ${r.phase} (${fmtNum(r.naive.completed)}/${r.operations} succeeded)`).join(", ")}: ` +
        `with ${res.settings.tuning.maxAttempts} attempts per POST (the same bound as ours) those resources never found the cluster idle.`,
    );
  }
  const oursFail = rows.filter((r) => r.ours.converged < r.ours.reps);
  out.push(
    oursFail.length > 0
      ? `- **Ours did not converge** in: ${oursFail.map((r) => `${scenarioTitle(r)} ${r.phase}`).join(", ")} (see results.json).`
      : "- Ours converged in every run.",
  );
  const oh = res.overhead;
  if (oh && !oh.error) {
    const seq = oh.phases.find((p) => p.label.startsWith("create, one"));
    const conc = oh.phases.find((p) => p.label.startsWith("create,") && !p.label.includes("one"));
    if (seq && conc) {
      out.push(
        `- **Overhead**: one at a time, a create takes ${seq.wallMsPerOp.toFixed(1)} ms of wall time but ${seq.cpuMsPerOp.toFixed(1)} ms of CPU: most of the wait is the gather window. ` +
          `The RSS after warm-up (${oh.rssBaselineMb.toFixed(0)} MB) includes @pulumi/pulumi, which the package's index loads (as the dynamic provider host does anyway); the peak (${oh.rssPeakMb.toFixed(0)} MB) comes with ${oh.concurrent} concurrent operations, ` +
          `each of which parses its own full listing of the cluster (${conc.requests} requests for ${conc.operations} creates).`,
      );
    }
  }
  return out;
}
