/**
 * Engine scenarios: the real Pulumi CLI (Automation API, file:// backend) runs the consumer
 * project (bench/engine/consumer.ts) against emulators served from this process, for ours, naive
 * and floor (the provider plugin: a YAML program written out, bench/engine/plugin.ts), through three
 * phases: `up`, an `up` that swaps one endpoint on every second resource, and `destroy`. Counts come from the emulator's request log, filtered by the run's own clusters
 * (fresh per run), so runs may overlap in time.
 *
 * Nothing here blocks the event loop while the CLI runs: the emulators answer from this process.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { CssEmulator, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY } from "../../emulator";
import { endpointsOf } from "./consumer";
import { pluginSetup, yamlProgram } from "./plugin";
import type { PluginSetup } from "./plugin";

/** plugin = the provider plugin `pulumi-resource-css-vpcep` under a YAML program; the others are dynamic resources. */
export type EngineImpl = "ours" | "naive" | "floor" | "plugin";
export const ENGINE_IMPLS: readonly EngineImpl[] = ["ours", "naive", "floor", "plugin"];
export const ENGINE_PHASES = ["up", "update", "destroy"] as const;
export type EnginePhase = (typeof ENGINE_PHASES)[number];

/** The provider's own timing defaults (provider/core/settings.ts), set explicitly so the bench does not depend on them silently. */
export const ENGINE_PROVIDER_ENV: Record<string, string> = {
  CSS_VPCEP_RETRY_BASE_MS: "500",
  CSS_VPCEP_RETRY_MAX_MS: "20000",
  CSS_VPCEP_MAX_ATTEMPTS: "60",
  CSS_VPCEP_POLL_BASE_MS: "1000",
  CSS_VPCEP_POLL_MAX_MS: "10000",
  CSS_VPCEP_REQUEST_TIMEOUT_MS: "30000",
  // A release (reject of an endpoint an update dropped) waits until the engine has checked no
  // resource for this long; a destroy checks nothing and never waits. The default, set explicitly.
  CSS_VPCEP_RELEASE_GRACE_MS: "1500",
};

export interface EngineSpec {
  /** RESOURCESxCLUSTERS, e.g. "50x1". */
  scenario: string;
  impl: EngineImpl;
  busyMs: number;
  /** --parallel; undefined = the engine's default. */
  parallel?: number;
  phases: readonly EnginePhase[];
  /** The project folder to run (default: the harness's consumer project). */
  workDir?: string;
  /** Extra environment for the CLI (and so the provider process). */
  env?: Record<string, string>;
  /** Label for results and stack names (default: impl). */
  label?: string;
  /** Keep each phase's request timeline (for analysis). */
  trace?: boolean;
  /** Repetition number (results carry it). */
  rep?: number;
}

/** One API request of a phase: ms from the CLI's start, method, status, action and endpoint ids of a POST. */
export interface TracedRequest {
  at: number;
  method: string;
  status: number;
  action?: string;
  ids?: number;
}

export interface StepTiming {
  /** Steps (create/update/delete of an approval) seen in the engine's events. */
  steps: number;
  /** Median time from a step's pre-event to its outputs event. */
  medianStepMs: number;
  /** From starting the CLI until the first step began. */
  beforeFirstStepMs: number;
  /** From the last step's end until the CLI returned (final checkpoint, shutdown). */
  afterLastStepMs: number;
}

export interface EnginePhaseMetrics {
  /** The `pulumi up` / `pulumi destroy` process, start to exit. */
  wallMs: number;
  /** Automation API's whole `stack.up()` / `stack.destroy()` (adds `stack output` and `stack history`). */
  apiWallMs: number;
  /** POSTs on .../vpcepservice/connections answered 200 (all clusters). */
  posts: number;
  /** ... on the cluster that got the most (compare with `limit`). */
  postsBusiest: number;
  /** ... answered 409 (busy). */
  conflicts: number;
  /** ... answered anything else. */
  otherPosts: number;
  /** GETs on .../vpcepservice/connections (pages counted one by one). */
  gets: number;
  /** Operations the engine ran for approvals (update: only the changed half). */
  operations: number;
  /** The engine's limit for accepted POSTs on the busiest cluster (see limitFor). */
  limit: number;
  /** From starting the CLI to the first and last API request of the phase (undefined: none). */
  firstRequestMs?: number;
  lastRequestMs?: number;
  steps?: StepTiming;
  /** With EngineSpec.trace: every request of the phase on the run's clusters. */
  timeline?: TracedRequest[];
  /** With EngineSpec.trace: engine step events (ms from the CLI's start as received, op, pre/out, resource name). */
  stepEvents?: { at: number; op: string; kind: "pre" | "out"; name: string }[];
  converged: boolean;
  error?: string;
}

export interface EngineRunResult {
  scenario: string;
  resources: number;
  clusters: number;
  impl: EngineImpl;
  label: string;
  rep: number;
  busyMs: number;
  /** The parallelism the engine used (the default resolved). */
  parallel: number;
  defaultParallel: boolean;
  phases: Partial<Record<EnginePhase, EnginePhaseMetrics>>;
  /** Bytes of the stack's checkpoint file after `up` and its largest `__provider` text. */
  stateBytes?: number;
  providerBytes?: number;
}

export function parseEngineScenario(id: string): { id: string; resources: number; clusters: number } {
  const m = /^(\d+)x(\d+)$/.exec(id.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`bad scenario "${id}" (want RESOURCESxCLUSTERS, e.g. 50x1)`);
  return { id: `${Number(m[1])}x${Number(m[2])}`, resources: Number(m[1]), clusters: Number(m[2]) };
}

/** Resources the engine operates on in a phase, in declaration order: every one, or the swapped half in an update. */
export function phaseResources(resources: number, phase: EnginePhase): number[] {
  const all = Array.from({ length: resources }, (_, i) => i);
  return phase === "update" ? all.filter((i) => i % 2 === 0) : all;
}

/**
 * The engine's limit for accepted POSTs on the busiest cluster: the engine runs at most `parallel`
 * operations at once and starts the next as earlier ones finish, so a provider can coalesce at best
 * one wave of `parallel` operations into one POST per cluster. Model: waves of `parallel` operations
 * in declaration order; a cluster needs one POST per wave that touches it (one cluster:
 * ceil(N / parallel)); an update that accepts and rejects needs two per wave (one action per call).
 */
export function limitFor(resources: number, clusters: number, phase: EnginePhase, parallel: number): number {
  const ops = phaseResources(resources, phase);
  const waves = new Map<number, number>();
  for (let w = 0; w * parallel < ops.length; w++) {
    const touched = new Set(ops.slice(w * parallel, (w + 1) * parallel).map((i) => i % clusters));
    for (const c of touched) waves.set(c, (waves.get(c) ?? 0) + 1);
  }
  return Math.max(0, ...waves.values()) * (phase === "update" ? 2 : 1);
}

type RunFn = (args: string[], ...rest: unknown[]) => Promise<unknown>;

/**
 * The CLI command with its `up`/`destroy` invocations timed. Automation API's `stack.up()` also runs
 * `pulumi stack output` and `pulumi stack history` after the update, to build its result; the phase's
 * wall time is the `pulumi up` (or `destroy`) process alone, what a user waits for. The bench never
 * reads that result, so those two calls are answered here, empty (3 s a phase on a loaded machine).
 * `run` is the Automation API's internal entry point for every CLI call; without it, `stack.up()` is
 * timed whole.
 */
function timedCommand(real: PulumiCommand): { command: PulumiCommand; last: () => number | undefined } {
  const inner = (real as unknown as { run?: RunFn }).run;
  let lastMs: number | undefined;
  if (typeof inner !== "function") return { command: real, last: () => undefined };
  const command = Object.create(real) as PulumiCommand & { run: RunFn };
  command.run = async (args: string[], ...rest: unknown[]) => {
    if (args[0] === "stack" && (args[1] === "output" || args[1] === "history")) return { stdout: args[1] === "output" ? "{}" : "[]", stderr: "", code: 0 };
    const timed = args[0] === "up" || args[0] === "destroy";
    const t0 = performance.now();
    try {
      return await inner.call(real, args, ...rest);
    } finally {
      if (timed) lastMs = performance.now() - t0;
    }
  };
  return { command, last: () => lastMs };
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, encoding: "utf8", timeout: 300_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

interface Emu {
  emu: CssEmulator;
  /** performance.now() when it started: the origin of its request log's `at`. */
  origin: number;
}

/** The CLI, a file:// backend, the consumer project and one emulator per busy window. */
export class EngineHarness {
  private readonly emus = new Map<number, Promise<Emu>>();
  private counter = 0;
  private plugin?: Promise<PluginSetup>;

  private constructor(
    readonly root: string,
    readonly backendDir: string,
    readonly command: PulumiCommand,
    readonly binDir: string,
    readonly consumerDir: string,
    readonly defaultParallel: number,
  ) {}

  /** `root` = this repository (for scripts/install-pulumi.sh); `consumerDir` from consumerProject(). */
  static async create(root: string, consumerDir: string): Promise<EngineHarness> {
    const out = await run("bash", [path.join(root, "scripts", "install-pulumi.sh")], root);
    const binDir = out.trim().split("\n").pop() as string;
    if (!fs.existsSync(path.join(binDir, "pulumi"))) throw new Error(`no pulumi binary in ${binDir}`);
    const help = await run(path.join(binDir, "pulumi"), ["up", "--help"], root);
    const m = /--parallel[^\n]*\(default (\d+)\)/.exec(help);
    if (!m) throw new Error("could not read the default of --parallel from `pulumi up --help`");
    const backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "css-vpcep-engine-bench-"));
    fs.mkdirSync(path.join(backendDir, "state"));
    const command = await PulumiCommand.get({ root: path.dirname(binDir) });
    return new EngineHarness(root, backendDir, command, binDir, consumerDir, Number(m[1]));
  }

  /** The plugin and the YAML host, found (or built) once; the first plugin run calls it, or call it early to fail fast. */
  pluginSetup(): Promise<PluginSetup> {
    this.plugin ??= pluginSetup(this.root, this.consumerDir);
    return this.plugin;
  }

  /** `pulumi version`, e.g. v3.248.0. */
  async version(): Promise<string> {
    return (await run(path.join(this.binDir, "pulumi"), ["version"], this.root).catch(() => "unknown")).trim();
  }

  /** The CLI's environment: file:// backend, credentials and project for the emulator, the provider's timings. */
  env(emuUrl: string, projectId: string): Record<string, string> {
    return {
      PULUMI_BACKEND_URL: `file://${path.join(this.backendDir, "state")}`,
      PULUMI_HOME: path.join(this.backendDir, "home"),
      PULUMI_CONFIG_PASSPHRASE: "css-vpcep-engine-bench",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PATH: `${this.binDir}${path.delimiter}${process.env.PATH ?? ""}`,
      OS_ACCESS_KEY: DEFAULT_ACCESS_KEY,
      OS_SECRET_KEY: DEFAULT_SECRET_KEY,
      OS_PROJECT_ID: projectId,
      CSS_VPCEP_ENDPOINT: emuUrl,
      ...ENGINE_PROVIDER_ENV,
    };
  }

  private emulator(busyMs: number): Promise<Emu> {
    let e = this.emus.get(busyMs);
    if (!e) {
      e = (async () => {
        const emu = new CssEmulator({ busyMs });
        await emu.start();
        return { emu, origin: performance.now() };
      })();
      this.emus.set(busyMs, e);
    }
    return e;
  }

  async close(): Promise<void> {
    for (const e of this.emus.values()) await (await e).emu.stop();
    this.emus.clear();
    fs.rmSync(this.backendDir, { recursive: true, force: true });
  }

  /** One run: fresh clusters and stack, the phases in order, then the stack and clusters removed. */
  async run(spec: EngineSpec): Promise<EngineRunResult> {
    const s = parseEngineScenario(spec.scenario);
    const { emu, origin } = await this.emulator(spec.busyMs);
    const label = spec.label ?? spec.impl;
    const tag = `${label}-${s.id}-b${spec.busyMs}-p${spec.parallel ?? "d"}-${process.pid}-${++this.counter}`.replace(/[^A-Za-z0-9-]+/g, "-");
    const clusters = Array.from({ length: s.clusters }, (_, k) => `eb-${tag}-c${k}`);
    for (let k = 0; k < s.clusters; k++) {
      const endpoints: string[] = [];
      for (let i = k; i < s.resources; i += s.clusters) {
        const e = endpointsOf(clusters[k], i);
        endpoints.push(e.a, e.b, e.c);
      }
      emu.addCluster(clusters[k], { endpoints });
    }
    const parallel = spec.parallel ?? this.defaultParallel;
    const result: EngineRunResult = {
      scenario: s.id,
      resources: s.resources,
      clusters: s.clusters,
      impl: spec.impl,
      label,
      rep: spec.rep ?? 0,
      busyMs: spec.busyMs,
      parallel,
      defaultParallel: spec.parallel === undefined,
      phases: {},
    };
    const yaml = spec.impl === "plugin";
    const env = { ...this.env(emu.url, emu.projectId), ...(spec.env ?? {}) };
    // The plugin's run gets a project folder of its own, its program written out per phase.
    const workDir = yaml ? fs.mkdtempSync(path.join(this.backendDir, "yaml-")) : (spec.workDir ?? this.consumerDir);
    if (yaml) {
      env.PATH = [this.binDir, ...(await this.pluginSetup()).path, process.env.PATH ?? ""].join(path.delimiter);
      fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), yamlProgram(clusters, s.resources, false));
    }
    const stackName = tag;
    const timed = timedCommand(this.command);
    const stack = await LocalWorkspace.createOrSelectStack({ workDir, stackName }, { envVars: env, pulumiCommand: timed.command });
    try {
      if (!yaml) {
        await stack.setAllConfig({
          impl: { value: spec.impl },
          clusters: { value: JSON.stringify(clusters) },
          count: { value: String(s.resources) },
          swapped: { value: "false" },
        });
      }
      for (const phase of spec.phases) {
        if (phase === "update" && yaml) fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), yamlProgram(clusters, s.resources, true));
        else if (phase === "update") await stack.setConfig("swapped", { value: "true" });
        const m = await this.phase(stack, phase, spec.parallel, emu, origin, clusters, timed.last, spec.trace === true);
        m.operations = phaseResources(s.resources, phase).length;
        m.limit = limitFor(s.resources, s.clusters, phase, parallel);
        // The floor calls nothing: there is nothing to check in the emulator.
        const wrong = m.error ?? (spec.impl === "floor" ? undefined : checkStatuses(emu, clusters, s.resources, phase, spec.phases.includes("update")));
        if (wrong) {
          m.converged = false;
          m.error = wrong.slice(0, 500);
        }
        result.phases[phase] = m;
        if (phase === "up") Object.assign(result, this.stateFigures(stackName));
        if (!m.converged) break;
      }
    } finally {
      await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
      if (yaml) fs.rmSync(workDir, { recursive: true, force: true });
      else fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
      for (const c of clusters) emu.removeCluster(c);
    }
    return result;
  }

  private async phase(
    stack: Stack,
    phase: EnginePhase,
    parallel: number | undefined,
    emu: CssEmulator,
    origin: number,
    clusters: string[],
    cliMs: () => number | undefined,
    trace: boolean,
  ): Promise<EnginePhaseMetrics> {
    const events: { at: number; e: EngineEvent }[] = [];
    const onEvent = (e: EngineEvent) => events.push({ at: performance.now(), e });
    const t0 = performance.now();
    let error: string | undefined;
    try {
      if (phase === "destroy") await stack.destroy({ parallel, onEvent });
      else await stack.up({ parallel, onEvent });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const t1 = performance.now();
    const wallMs = cliMs() ?? t1 - t0;
    const since = t0 - origin;
    const own = new Set(clusters);
    const reqs = emu.requests.filter((r) => r.clusterId !== undefined && own.has(r.clusterId) && r.at >= since - 1 && r.path.endsWith("/vpcepservice/connections"));
    const posts = reqs.filter((r) => r.method === "POST");
    const m: EnginePhaseMetrics = {
      wallMs: Math.round(wallMs),
      apiWallMs: Math.round(t1 - t0),
      posts: posts.filter((r) => r.status === 200).length,
      postsBusiest: Math.max(0, ...clusters.map((c) => posts.filter((r) => r.status === 200 && r.clusterId === c).length)),
      conflicts: posts.filter((r) => r.status === 409).length,
      otherPosts: posts.filter((r) => r.status !== 200 && r.status !== 409).length,
      gets: reqs.filter((r) => r.method === "GET").length,
      operations: 0,
      limit: 0,
      steps: stepTiming(events, t0, t1),
      converged: error === undefined,
    };
    if (reqs.length > 0) {
      m.firstRequestMs = Math.round(Math.min(...reqs.map((r) => r.at)) - since);
      m.lastRequestMs = Math.round(Math.max(...reqs.map((r) => r.at)) - since);
    }
    if (error !== undefined) m.error = error.slice(-1500);
    if (trace) {
      m.stepEvents = events.flatMap(({ at, e }) => {
        const pre = e.resourcePreEvent?.metadata;
        const out = e.resOutputsEvent?.metadata;
        const md = pre ?? out;
        if (!md) return [];
        return [{ at: Math.round(at - t0), op: md.op, kind: pre ? ("pre" as const) : ("out" as const), name: md.urn.split("::").pop() ?? md.urn }];
      });
      m.timeline = reqs.map((r) => {
        const body = (r.body as { action?: unknown; endpoint_id_list?: unknown[]; endpointIdList?: unknown[] } | undefined) ?? {};
        const ids = (body.endpoint_id_list ?? body.endpointIdList)?.length;
        const action = typeof body.action === "string" ? body.action : undefined;
        return { at: Math.round(r.at - since), method: r.method, status: r.status, ...(action ? { action } : {}), ...(ids !== undefined ? { ids } : {}) };
      });
    }
    return m;
  }

  /** The checkpoint file's size and the largest __provider text in it. */
  private stateFigures(stackName: string): { stateBytes?: number; providerBytes?: number } {
    const found: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === `${stackName}.json`) found.push(p);
      }
    };
    walk(path.join(this.backendDir, "state", ".pulumi", "stacks"));
    if (found.length !== 1) return {};
    const text = fs.readFileSync(found[0], "utf8");
    let providerBytes = 0;
    const state = JSON.parse(text) as { checkpoint?: { latest?: { resources?: { inputs?: { __provider?: unknown } }[] } } };
    for (const r of state.checkpoint?.latest?.resources ?? []) {
      const p = r.inputs?.__provider;
      if (typeof p === "string") providerBytes = Math.max(providerBytes, Buffer.byteLength(p));
    }
    return { stateBytes: Buffer.byteLength(text), providerBytes };
  }
}

function stepTiming(events: readonly { at: number; e: EngineEvent }[], t0: number, t1: number): StepTiming | undefined {
  const starts = new Map<string, number>();
  const durations: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (const { at, e } of events) {
    const pre = e.resourcePreEvent?.metadata;
    const out = e.resOutputsEvent?.metadata;
    const isApproval = (type: string) => type.includes("VpcepConnectionApproval") || type.includes("css-vpcep-bench");
    if (pre && isApproval(pre.type) && pre.op !== "same") {
      starts.set(pre.urn, at);
      first = Math.min(first, at);
    }
    if (out && isApproval(out.type) && out.op !== "same" && starts.has(out.urn)) {
      durations.push(at - (starts.get(out.urn) as number));
      last = Math.max(last, at);
    }
  }
  if (durations.length === 0) return undefined;
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    steps: durations.length,
    medianStepMs: Math.round(sorted[Math.floor(sorted.length / 2)]),
    beforeFirstStepMs: Math.round(first - t0),
    afterLastStepMs: Math.round(t1 - last),
  };
}

/** The statuses each phase must leave: up accepts a and b; the update accepts c and rejects b on the swapped half; destroy rejects what is declared. */
function checkStatuses(emu: CssEmulator, clusters: readonly string[], resources: number, phase: EnginePhase, updated: boolean): string | undefined {
  for (let i = 0; i < resources; i++) {
    const c = clusters[i % clusters.length];
    const e = endpointsOf(c, i);
    const swapped = updated && i % 2 === 0;
    const want: [string, string][] =
      phase === "up"
        ? [[e.a, "accepted"], [e.b, "accepted"]]
        : phase === "update"
          ? swapped
            ? [[e.a, "accepted"], [e.c, "accepted"], [e.b, "rejected"]]
            : [[e.a, "accepted"], [e.b, "accepted"]]
          : swapped
            ? [[e.a, "rejected"], [e.c, "rejected"]]
            : [[e.a, "rejected"], [e.b, "rejected"]];
    for (const [id, status] of want) {
      const got = emu.status(c, id);
      if (got !== status) return `${id} on ${c} is ${got ?? "absent"}, want ${status} after ${phase}`;
    }
  }
  return undefined;
}
