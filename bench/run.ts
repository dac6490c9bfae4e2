/**
 * `npm run bench`: first, through the real Pulumi CLI (bench/engine/), ours vs a naive provider vs
 * the engine's own floor for 10, 50 and 200 approvals on one cluster and 200 on 10 clusters, busy
 * windows of 300 and 2000 ms, the default parallelism and --parallel 64, through up, update and
 * destroy (and, in the 50-on-one-cluster target row, the provider plugin under a YAML program); then the provider alone, in-process, against the naive client (1 to 200 resources); the
 * serialized provider's size; the provider's own overhead per operation. Prints the tables, writes
 * bench/results.json and BENCHMARKS.md. See `--help`.
 */
import { execFileSync, fork, ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { consumerProject } from "./engine/consumer";
import { ENGINE_PROVIDER_ENV, EngineHarness } from "./engine/engine";
import { DEFAULT_ENGINE_MATRIX, EngineMatrixOptions, STATE_BUSY_MS, STATE_SCENARIO, TARGET_SCENARIO, planEngine, planState, runEnginePlan } from "./engine/matrix";
import { EngineResults, PLUGIN_LABEL, StateResults, checkEngineTargets, formatEngineTable, parallelFigures, pluginViolations, stateScale, summariseEngine } from "./engine/report";
import { measureOverhead } from "./overhead";
import { BenchResults, LoadFigures, checkTarget, formatTable, Machine, renderMarkdown, summarise } from "./report";
import { parseScenario } from "./scenarios";
import type { Impl, RunResult } from "./scenarios";
import { measureSerialized } from "./serialized";
import { BENCH_TUNING } from "./tuning";
import type { Tuning } from "./tuning";
import type { WorkerJob, WorkerReply, WorkerRequest } from "./worker";

const ROOT = path.resolve(__dirname, "..", "..");
/**
 * The in-process matrix by default: 200 on one cluster is left out (the naive client gives up there
 * after its attempt bound, about 2 minutes, and the engine rows cover 200); one repetition.
 */
const IN_PROCESS_SCENARIOS = ["1x1", "10x1", "50x1", "200x10"];
const TMP = path.join(ROOT, "bench", ".tmp");

const USAGE = `Usage: npm run bench -- [options]

Through the engine (the real Pulumi CLI; the headline of BENCHMARKS.md):
  --no-engine              skip the engine scenarios
  --engine-scenarios LIST  default ${DEFAULT_ENGINE_MATRIX.scenarios.join(",")} (RESOURCESxCLUSTERS)
  --engine-busy LIST       busy windows in ms (default ${DEFAULT_ENGINE_MATRIX.busy.join(",")})
  --engine-parallel LIST   --parallel values besides the engine's default (default ${DEFAULT_ENGINE_MATRIX.parallels.join(",")}; "none")
  --target-reps N          repetitions of ours and floor in the target row, 50x1 (default ${DEFAULT_ENGINE_MATRIX.targetReps})
  --no-engine-naive        skip the naive provider's runs
  --no-engine-plugin       skip the provider plugin's runs (YAML program, target row only); the bench exits 1
                           if the plugin sends more than ceil(N / parallel) + 2 accepted POSTs in a run, or fails
  --engine-naive-jobs N    naive runs at a time (default ${DEFAULT_ENGINE_MATRIX.naiveJobs})
  --render                 only rewrite BENCHMARKS.md from bench/results.json (and bench/state-results.json)
  --state                  only the scale-of-state runs (${STATE_SCENARIO}, busy ${STATE_BUSY_MS} ms: installed package and repository
                           checkout, each with and without checkpoints; tens of minutes), into bench/state-results.json,
                           which later runs include in BENCHMARKS.md

The provider alone (in-process):
  --no-inprocess      skip the in-process scenarios (and the overhead measurement)
  --busy-ms N         emulator busy window after each change (default 200; env BENCH_BUSY_MS)
  --reps N            repetitions per scenario, medians reported (default 1; env BENCH_REPS)
  --heavy-reps N      repetitions for scenarios with > 100 resources on one cluster (default 1; env BENCH_HEAVY_REPS)
  --naive-jobs N      worker processes for the baseline's runs, each with its own emulator (default 3;
                      env BENCH_NAIVE_JOBS). Ours always runs alone, in one worker, before them.
  --scenarios LIST    default ${IN_PROCESS_SCENARIOS.join(",")} (RESOURCESxCLUSTERS, e.g. add 200x1; env BENCH_SCENARIOS)
  --retry-base-ms N   retry backoff base, ours and naive (default ${BENCH_TUNING.retryBaseMs})
  --retry-max-ms N    retry backoff cap, ours and naive (default ${BENCH_TUNING.retryMaxMs})
  --max-attempts N    attempts per POST, ours and naive (default ${BENCH_TUNING.maxAttempts})
  --poll-base-ms N    status poll backoff base, ours and naive (default ${BENCH_TUNING.pollBaseMs})
  --poll-max-ms N     status poll backoff cap, ours and naive (default ${BENCH_TUNING.pollMaxMs})
  --no-serialize      skip the serialized-size measurement
  --no-by-reference   measure the by-value size only (no npm pack / install)
  --no-overhead       skip the per-operation overhead measurement
  --no-markdown       do not rewrite BENCHMARKS.md
  --out FILE          results file (default bench/results.json)
`;

interface Options {
  renderOnly: boolean;
  stateOnly: boolean;
  engine: boolean;
  inprocess: boolean;
  engineMatrix: EngineMatrixOptions;
  busyMs: number;
  reps: number;
  heavyReps: number;
  naiveJobs: number;
  scenarios: string[];
  tuning: Tuning;
  serialize: boolean;
  byReference: boolean;
  overhead: boolean;
  markdown: boolean;
  out: string;
}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Options | undefined {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return undefined;
    if (!a.startsWith("--")) throw new Error(`unexpected argument "${a}"\n\n${USAGE}`);
    const eq = a.indexOf("=");
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (a.startsWith("--no-") || a === "--state" || a === "--render") flags.set(a.slice(2), "true");
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      flags.set(a.slice(2), v);
    }
  }
  const known = new Set([
    "no-engine",
    "no-inprocess",
    "engine-scenarios",
    "engine-busy",
    "engine-parallel",
    "target-reps",
    "no-engine-naive",
    "no-engine-plugin",
    "engine-naive-jobs",
    "state",
    "render",
    "busy-ms", "reps", "heavy-reps", "naive-jobs", "scenarios", "retry-base-ms", "retry-max-ms", "max-attempts", "poll-base-ms", "poll-max-ms", "no-serialize", "no-by-reference", "no-overhead", "no-markdown", "out"]);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}\n\n${USAGE}`);
  const int = (flag: string, envName: string | undefined, fallback: number, min = 0): number => {
    const raw = flags.get(flag) ?? (envName ? env[envName] : undefined);
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer >= ${min}, got "${raw}"`);
    return n;
  };
  const scenarios = (flags.get("scenarios") ?? env.BENCH_SCENARIOS ?? IN_PROCESS_SCENARIOS.join(","))
    .split(",")
    .filter((s) => s.trim() !== "")
    .map((s) => parseScenario(s).id);
  const list = (flag: string, fallback: readonly (string | number)[]): string[] =>
    (flags.get(flag) ?? fallback.join(","))
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== "" && x !== "none");
  const ints = (flag: string, fallback: readonly number[]): number[] =>
    list(flag, fallback).map((x) => {
      const n = Number(x);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} takes positive integers, got "${x}"`);
      return n;
    });
  const engineScenarios = list("engine-scenarios", DEFAULT_ENGINE_MATRIX.scenarios).map((x) => parseScenario(x).id);
  return {
    renderOnly: flags.has("render"),
    stateOnly: flags.has("state"),
    engine: !flags.has("no-engine"),
    inprocess: !flags.has("no-inprocess"),
    engineMatrix: {
      ...DEFAULT_ENGINE_MATRIX,
      scenarios: engineScenarios,
      busy: ints("engine-busy", DEFAULT_ENGINE_MATRIX.busy),
      parallels: ints("engine-parallel", DEFAULT_ENGINE_MATRIX.parallels),
      targetReps: int("target-reps", undefined, DEFAULT_ENGINE_MATRIX.targetReps, 1),
      naive: !flags.has("no-engine-naive"),
      plugin: !flags.has("no-engine-plugin"),
      naiveJobs: int("engine-naive-jobs", undefined, DEFAULT_ENGINE_MATRIX.naiveJobs, 1),
    },
    busyMs: int("busy-ms", "BENCH_BUSY_MS", 200),
    reps: int("reps", "BENCH_REPS", 1, 1),
    heavyReps: int("heavy-reps", "BENCH_HEAVY_REPS", 1, 1),
    naiveJobs: int("naive-jobs", "BENCH_NAIVE_JOBS", 3, 1),
    scenarios,
    tuning: {
      ...BENCH_TUNING,
      retryBaseMs: int("retry-base-ms", undefined, BENCH_TUNING.retryBaseMs),
      retryMaxMs: int("retry-max-ms", undefined, BENCH_TUNING.retryMaxMs),
      maxAttempts: int("max-attempts", undefined, BENCH_TUNING.maxAttempts, 1),
      pollBaseMs: int("poll-base-ms", undefined, BENCH_TUNING.pollBaseMs),
      pollMaxMs: int("poll-max-ms", undefined, BENCH_TUNING.pollMaxMs),
    },
    serialize: !flags.has("no-serialize"),
    byReference: !flags.has("no-by-reference"),
    overhead: !flags.has("no-overhead"),
    markdown: !flags.has("no-markdown"),
    out: path.resolve(ROOT, flags.get("out") ?? path.join("bench", "results.json")),
  };
}

const started = Date.now();
function log(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[${s}s] ${message}\n`);
}

function isHeavy(id: string): boolean {
  const s = parseScenario(id);
  return s.resources / s.clusters > 100;
}

/** Rough seconds per job, only to start the longest first. */
function estimate(id: string, t: Tuning): number {
  const s = parseScenario(id);
  const perCluster = s.resources / s.clusters;
  return 3 * Math.min(perCluster * 0.45, (t.maxAttempts * t.retryMaxMs) / 1000) + 0.5;
}

/** Run the jobs on `workers` worker processes, in queue order (each worker takes the next when free). */
async function runJobs(queue: WorkerJob[], workers: number, opts: Options, warmUp: boolean): Promise<RunResult[]> {
  const total = queue.length;
  const results: RunResult[] = [];
  const runWorker = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const logFile = path.join(TMP, `worker-${queue[0]?.impl ?? "x"}-${index}.log`);
      const fd = fs.openSync(logFile, "w");
      const child: ChildProcess = fork(path.join(__dirname, "worker.js"), [], { stdio: ["ignore", fd, fd, "ipc"] });
      fs.closeSync(fd);
      const send = (m: WorkerRequest) => child.send(m);
      const next = () => {
        const job = queue.shift();
        send(job ? { kind: "job", job } : { kind: "stop" });
      };
      child.on("message", (m: WorkerReply) => {
        if (m.kind === "ready") return next();
        if (m.kind === "error") {
          child.kill();
          return reject(new Error(`worker ${index}${m.job ? ` (${m.job.impl} ${m.job.scenario} rep ${m.job.rep})` : ""}: ${m.message}`));
        }
        results.push(m.run);
        const phases = Object.entries(m.run.phases)
          .map(([phase, p]) => `${phase} ${p.posts} POSTs ${(p.wallMs / 1000).toFixed(2)}s${p.converged ? "" : " (gave up)"}`)
          .join(", ");
        log(`${m.job.impl} ${m.job.scenario} rep ${m.job.rep + 1} [${results.length}/${total}] in ${(m.elapsedMs / 1000).toFixed(1)}s: ${phases}`);
        next();
      });
      child.on("exit", (code) => (code === 0 || code === null ? resolve() : reject(new Error(`worker ${index} exited with ${code}; see ${logFile}`))));
      send({ kind: "init", busyMs: opts.busyMs, tuning: opts.tuning, warmUp });
    });
  await Promise.all(Array.from({ length: Math.min(workers, queue.length) }, (_, i) => runWorker(i)));
  return results;
}

/**
 * Ours first, alone in one worker (its runs are short and CPU-bound: nothing else may run beside
 * them); then the baseline's runs, which spend their time waiting out busy windows and backoff
 * timers, on `naiveJobs` workers, longest first.
 */
async function runAll(opts: Options): Promise<RunResult[]> {
  const jobs = (impl: Impl): WorkerJob[] =>
    opts.scenarios.flatMap((scenario) => Array.from({ length: isHeavy(scenario) ? opts.heavyReps : opts.reps }, (_, rep) => ({ scenario, rep, impl })));
  const ours = jobs("ours");
  log(`ours: ${ours.length} runs (scenario x repetition), one at a time in one worker; busy window ${opts.busyMs} ms`);
  const oursRuns = await runJobs(ours, 1, opts, true);
  const naive = jobs("naive").sort((a, b) => estimate(b.scenario, opts.tuning) - estimate(a.scenario, opts.tuning) || a.rep - b.rep);
  log(`naive: ${naive.length} runs on ${Math.min(opts.naiveJobs, naive.length)} workers, longest first`);
  const naiveRuns = await runJobs(naive, opts.naiveJobs, opts, false);
  return [...oursRuns, ...naiveRuns];
}

function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    platform: `${os.platform()}/${os.arch()}`,
    release: os.release(),
  };
}

function git(): BenchResults["git"] {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "provider", "emulator"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
    return { commit, dirty };
  } catch {
    return {};
  }
}

/** Samples the 1-minute load average every 5 s. */
function loadSampler(): () => LoadFigures {
  const samples: number[] = [os.loadavg()[0]];
  const timer = setInterval(() => samples.push(os.loadavg()[0]), 5_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    samples.push(os.loadavg()[0]);
    return { samples: samples.length, mean: samples.reduce((a, b) => a + b, 0) / samples.length, min: Math.min(...samples), max: Math.max(...samples) };
  };
}

const STATE_FILE = path.join(ROOT, "bench", "state-results.json");

function readState(): StateResults | undefined {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, "utf8")) as StateResults;
  } catch {
    return undefined;
  }
}

/** `--state`: the four scale-of-state runs, one at a time, into bench/state-results.json. */
async function runStateOnly(): Promise<void> {
  const load = loadSampler();
  const t0 = Date.now();
  const consumer = await consumerProject(ROOT, TMP, log);
  const harness = await EngineHarness.create(ROOT, consumer.dir);
  try {
    const plan = planState(path.join(ROOT, "bench", "checkout"));
    log(`state: ${plan.runs.length} runs of ${STATE_SCENARIO} at busy ${STATE_BUSY_MS} ms, one at a time (the checkout's take many minutes each)`);
    const runs = await runEnginePlan(harness, plan, 1, log);
    const results: StateResults = {
      generatedAt: new Date().toISOString(),
      durationS: (Date.now() - t0) / 1000,
      pulumiVersion: await harness.version(),
      load: load(),
      commit: git().commit,
      state: stateScale(runs, STATE_SCENARIO, STATE_BUSY_MS),
      runs,
    };
    fs.writeFileSync(STATE_FILE, `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote ${path.relative(ROOT, STATE_FILE)}; BENCHMARKS.md shows it after the next npm run bench`);
  } finally {
    await harness.close();
  }
}

/** The engine scenarios; `beside` (the in-process part) runs after the measured lane's other runs, before the target row. */
async function runEngine(opts: Options, beside: () => Promise<void>): Promise<EngineResults> {
  const t0 = Date.now();
  log("engine: packing pulumi-css-vpcep and the bench's comparison resources, installing them into a project");
  const consumer = await consumerProject(ROOT, TMP, log);
  const harness = await EngineHarness.create(ROOT, consumer.dir);
  try {
    const plan = planEngine(opts.engineMatrix);
    // Fail before the long runs, not after them, when the plugin or the YAML host is missing.
    const plugin = plan.runs.some((r) => r.impl === "plugin") ? await harness.pluginSetup() : undefined;
    // Unmeasured: the first CLI run after an install reads everything from disk.
    log(`engine: warm-up (one unmeasured up and destroy${plugin ? ", and one of the plugin under YAML" : ""})`);
    await harness.run({ scenario: "4x1", impl: "floor", busyMs: 0, phases: ["up", "destroy"], label: "warm-up" });
    if (plugin) await harness.run({ scenario: "4x1", impl: "plugin", busyMs: 0, phases: ["up", "destroy"], label: "warm-up" });
    const m = opts.engineMatrix;
    log(
      `engine: ${plan.runs.length} runs (default parallelism ${harness.defaultParallel}); the measured lane one at a time, the naive lane ${m.naiveJobs} at a time beside it, then the target row alone`,
    );
    const runs = await runEnginePlan(harness, plan, m.naiveJobs, log, async () => {
      log("engine: the provider alone (in-process) runs beside the naive lane's tail; the target row after both");
      await beside();
    });
    const rows = summariseEngine(runs);
    const targetBusyMs = Math.max(...m.busy);
    return {
      pulumiVersion: await harness.version(),
      defaultParallel: harness.defaultParallel,
      busy: m.busy,
      targetBusyMs,
      providerEnv: ENGINE_PROVIDER_ENV,
      ...(plugin ? { plugin: { yamlHostVersion: plugin.yamlHostVersion } } : {}),
      consumer: { hash: consumer.hash, cached: consumer.cached },
      dropped: plan.dropped,
      durationS: (Date.now() - t0) / 1000,
      rows,
      targets: checkEngineTargets(rows, targetBusyMs, TARGET_SCENARIO),
      parallel: parallelFigures(rows),
      state: readState(),
      runs,
    };
  } finally {
    await harness.close();
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), process.env);
  if (!opts) {
    process.stdout.write(USAGE);
    return;
  }
  fs.mkdirSync(TMP, { recursive: true });
  if (opts.stateOnly) return runStateOnly();
  if (opts.renderOnly) {
    const previous = JSON.parse(fs.readFileSync(opts.out, "utf8")) as BenchResults;
    if (previous.engine) previous.engine.state = readState();
    fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), renderMarkdown(previous, ROOT));
    log(`rewrote BENCHMARKS.md from ${path.relative(ROOT, opts.out)}`);
    return;
  }
  const load = loadSampler();
  const t = opts.tuning;
  log(
    `settings: engine ${opts.engine ? `${opts.engineMatrix.scenarios.join(", ")}; busy ${opts.engineMatrix.busy.join("/")} ms; parallel default${opts.engineMatrix.parallels.map((p) => `/${p}`).join("")}` : "off"}; ` +
      `in-process ${opts.inprocess ? `busy ${opts.busyMs} ms; retry base ${t.retryBaseMs} ms cap ${t.retryMaxMs} ms, ${t.maxAttempts} attempts; poll base ${t.pollBaseMs} ms cap ${t.pollMaxMs} ms; reps ${opts.reps} (heavy ${opts.heavyReps}); scenarios ${opts.scenarios.join(", ")}` : "off"}`,
  );

  let serialized: BenchResults["serialized"];
  if (opts.serialize) {
    log("serialized provider size (by value, then by package reference)");
    serialized = await measureSerialized(ROOT, TMP, { byReference: opts.byReference }, log);
    for (const e of serialized.errors) log(`  not measured: ${e}`);
  }

  let runs: RunResult[] = [];
  let overhead: BenchResults["overhead"];
  const inprocess = async () => {
    if (!opts.inprocess) return;
    runs = await runAll(opts);
    if (opts.overhead) {
      log("provider overhead per operation (separate provider process, no busy window)");
      try {
        overhead = await measureOverhead(opts.tuning);
      } catch (err) {
        overhead = { resources: 0, concurrent: 0, phases: [], rssBaselineMb: 0, rssPeakMb: 0, error: err instanceof Error ? err.message : String(err) };
      }
    }
  };
  const engine = opts.engine ? await runEngine(opts, inprocess) : (await inprocess(), undefined);

  const summary = summarise(runs, opts.scenarios, opts.busyMs);
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    durationS: (Date.now() - started) / 1000,
    machine: machine(),
    git: git(),
    settings: {
      busyMs: opts.busyMs,
      tuning: opts.tuning,
      reps: opts.reps,
      heavyReps: opts.heavyReps,
      naiveJobs: opts.naiveJobs,
      scenarios: opts.scenarios,
      command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
    },
    engine,
    summary,
    target: checkTarget(summary),
    serialized,
    overhead,
    runs: runs.sort((a, b) => a.scenario.localeCompare(b.scenario) || a.rep - b.rep || a.impl.localeCompare(b.impl)),
  };

  if (engine) {
    process.stdout.write(`\nThrough the engine (wall = the pulumi up/destroy process; w = busy windows above the floor; ! = failed):\n\n${formatEngineTable(engine.rows)}\n\n`);
    for (const c of engine.targets) {
      process.stdout.write(
        `target 50 on 1 cluster, busy ${engine.targetBusyMs} ms, ${c.impl === "plugin" ? PLUGIN_LABEL : "ours"} ${c.phase}: ${c.speedup?.toFixed(1) ?? "-"}x faster than naive (>= 5x ${c.speedupOk ? "met" : "NOT met"}), ` +
          `${c.posts} POSTs, worst run ${c.postsWorst} (<= ${c.postsMax} ${c.postsOk ? "met" : "NOT met"}), ${(c.wallMs / 1000).toFixed(1)} s (<= ${c.wallMaxMs !== undefined ? (c.wallMaxMs / 1000).toFixed(1) : "-"} s ${c.wallOk ? "met" : "NOT met"})\n`,
      );
    }
    for (const p of engine.parallel) {
      process.stdout.write(`--parallel ${p.parallel}: ${p.resources}x${p.clusters} busy ${p.busyMs} ${p.phase}: ${(p.defaultWallMs / 1000).toFixed(1)} s -> ${(p.wallMs / 1000).toFixed(1)} s (${p.speedup.toFixed(2)}x)\n`);
    }
  }
  if (runs.length > 0) {
    process.stdout.write(`\nThe provider alone (in-process):\n\n${formatTable(summary)}\n\n`);
    process.stdout.write("x = naive / ours (medians). * = a repetition did not converge (gave up after the attempt bound): naive figures are lower bounds, ratios marked >. floor = busy windows a one-POST-per-resource client must wait out.\n\n");
    for (const c of results.target) {
      process.stdout.write(
        `in-process target 50 on 1 cluster, ${c.phase}: POSTs ${c.postsRatio ?? "-"}x (>= 10x ${c.postsOk ? "met" : "NOT met"}), wall ${c.wallRatio ?? "-"}x (>= 5x ${c.wallOk ? "met" : "NOT met"})\n`,
      );
    }
  }
  if (serialized) {
    const f = (label: string, b?: { bytes: number; stateBytes: number }) => b && process.stdout.write(`serialized ${label}: ${b.bytes} B text, ${b.stateBytes} B in state per resource\n`);
    f("by value (() => new Provider())", serialized.byValue?.newProvider);
    f("by package reference (() => new Provider())", serialized.byReference?.newProvider);
  }
  if (overhead && !overhead.error) {
    for (const p of overhead.phases) {
      process.stdout.write(`overhead ${p.label}: ${p.cpuMsPerOp.toFixed(2)} ms CPU/op (${p.cpuMsPerRequest.toFixed(2)} ms/request), ${p.wallMsPerOp.toFixed(2)} ms wall/op\n`);
    }
    process.stdout.write(`provider process RSS: ${overhead.rssBaselineMb.toFixed(1)} MB after warm-up, peak ${overhead.rssPeakMb.toFixed(1)} MB\n`);
  } else if (overhead?.error) {
    process.stdout.write(`overhead not measured: ${overhead.error}\n`);
  }

  results.load = load();
  results.durationS = (Date.now() - started) / 1000;
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${path.relative(ROOT, opts.out)}; load average ${results.load.mean.toFixed(1)} (${results.load.min.toFixed(1)}-${results.load.max.toFixed(1)})`);
  if (opts.markdown) {
    fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), renderMarkdown(results, ROOT));
    log("wrote BENCHMARKS.md");
  }
  // After the results are written, so the failing run can be read.
  const violations = engine ? pluginViolations(engine) : [];
  if (engine?.plugin && !engine.rows.some((r) => r.plugin)) violations.push("plugin (YAML): planned but no run of it reached the report");
  if (violations.length > 0) {
    process.stderr.write(`\nBENCH FAILED: the provider plugin missed its bound:\n${violations.map((v) => `  - ${v}`).join("\n")}\n`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
