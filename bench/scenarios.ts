/**
 * Benchmark scenarios: N resources over C clusters, driven through create, update and destroy by
 * ours (the dynamic provider, called as the engine calls it: everything concurrently in one
 * process) and by the naive baseline (bench/naive.ts), against an in-process emulator whose busy
 * window answers 409 after each change. Counts come from the emulator's request log.
 *
 * Each resource owns two endpoints (`-a`, `-b`) and the cluster also holds a spare pending one
 * (`-c`). The update replaces `-b` by `-c` on every second resource (ceil(N/2) of them): each such
 * update both accepts a new endpoint and rejects a removed one, the common "consumer recreated its
 * endpoint" change; the other resources are unchanged (diff says so and the engine skips them).
 * Destroy rejects every declared endpoint.
 */
import { performance } from "perf_hooks";
import { CssEmulator, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY } from "../emulator";
import { VpcepConnectionApprovalProvider } from "../provider";
import type { ApprovalOutputs } from "../provider";
import { ENV_VARS } from "../provider/core/settings";
import { NaiveClient, NaiveSettings, naiveSettingsFor } from "./naive";
import { tuningEnv } from "./tuning";
import type { Tuning } from "./tuning";

export { BENCH_TUNING, tuningEnv } from "./tuning";
export type { Tuning } from "./tuning";

/**
 * Point the provider at the emulator (AK/SK and project from the environment, as in a pipeline) with
 * these timings; every other variable the provider reads is cleared. Returns the restore function.
 */
export function applyBenchEnv(emu: CssEmulator, tuning: Tuning): () => void {
  const vars: Record<string, string> = {
    ...tuningEnv(tuning),
    OS_ACCESS_KEY: DEFAULT_ACCESS_KEY,
    OS_SECRET_KEY: DEFAULT_SECRET_KEY,
    OS_PROJECT_ID: emu.projectId,
  };
  const names = new Set([...Object.values(ENV_VARS).flat(), ...Object.keys(vars)]);
  const saved = new Map<string, string | undefined>();
  for (const name of names) {
    saved.set(name, process.env[name]);
    delete process.env[name];
  }
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export interface ScenarioSpec {
  /** e.g. "50x1": 50 resources on 1 cluster. */
  id: string;
  resources: number;
  clusters: number;
}

export function scenario(resources: number, clusters = 1): ScenarioSpec {
  return { id: `${resources}x${clusters}`, resources, clusters };
}

export function parseScenario(id: string): ScenarioSpec {
  const m = /^(\d+)x(\d+)$/.exec(id.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`bad scenario "${id}" (want RESOURCESxCLUSTERS, e.g. 50x1)`);
  return scenario(Number(m[1]), Number(m[2]));
}

/** The matrix: N in 1, 10, 50, 200 on one cluster, and 200 over 10 clusters. */
export const SCENARIOS: ScenarioSpec[] = [scenario(1), scenario(10), scenario(50), scenario(200), scenario(200, 10)];

export type Impl = "ours" | "naive";
export const PHASES = ["create", "update", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseMetrics {
  /** POST .../vpcepservice/connections, 409s included. */
  posts: number;
  /** POSTs answered 409 (busy). */
  conflicts: number;
  /** GET .../vpcepservice/connections (pages counted one by one). */
  gets: number;
  /** Every recorded request on the run's clusters. */
  requests: number;
  /** From issuing every operation until the last one returned. */
  wallMs: number;
  /** Operations that returned successfully. */
  completed: number;
  /** Every operation succeeded and the emulator shows the expected statuses. */
  converged: boolean;
  error?: string;
}

export interface RunResult {
  scenario: string;
  resources: number;
  clusters: number;
  impl: Impl;
  rep: number;
  /** Operations issued per phase (update: only the changed resources). */
  operations: Record<Phase, number>;
  phases: Partial<Record<Phase, PhaseMetrics>>;
}

interface BenchResource {
  clusterId: string;
  a: string;
  b: string;
  /** The spare endpoint that replaces `b` in the update. */
  c: string;
  changed: boolean;
  /** Declared endpoints now. */
  declared: string[];
  /** Ours: the engine's view of the resource. */
  id?: string;
  inputs?: Record<string, unknown>;
  outs?: ApprovalOutputs;
}

let runCounter = 0;

/** Fresh clusters for one run, with every endpoint pending. */
function makeFixture(emu: CssEmulator, spec: ScenarioSpec, label: string): { clusters: string[]; resources: BenchResource[] } {
  const run = ++runCounter;
  const clusters = Array.from({ length: spec.clusters }, (_, k) => `bench-${label}-${run}-c${k}`);
  const resources: BenchResource[] = Array.from({ length: spec.resources }, (_, i) => {
    const clusterId = clusters[i % clusters.length];
    const ep = (s: string) => `${clusterId}-r${String(i).padStart(3, "0")}-${s}`;
    return { clusterId, a: ep("a"), b: ep("b"), c: ep("c"), changed: i % 2 === 0, declared: [ep("a"), ep("b")] };
  });
  for (const c of clusters) {
    emu.addCluster(c, { endpoints: resources.filter((r) => r.clusterId === c).flatMap((r) => [r.a, r.b, r.c]) });
  }
  return { clusters, resources };
}

/** What the emulator must show after each phase; returns the first mismatch. */
function checkStatuses(emu: CssEmulator, resources: readonly BenchResource[], phase: Phase): string | undefined {
  for (const r of resources) {
    const want: [string, string][] =
      phase === "create"
        ? [[r.a, "accepted"], [r.b, "accepted"]]
        : phase === "update"
          ? r.changed
            ? [[r.a, "accepted"], [r.b, "rejected"], [r.c, "accepted"]]
            : [[r.a, "accepted"], [r.b, "accepted"]]
          : r.declared.map((id) => [id, "rejected"]);
    for (const [id, status] of want) {
      const seen = emu.status(r.clusterId, id);
      if (seen !== status) return `${id} is ${seen}, want ${status} after ${phase}`;
    }
  }
  return undefined;
}

/**
 * The statuses a phase starts from, set out of band (no busy window): a no-op after a phase that
 * converged, and what lets each phase be measured even when the one before gave up.
 */
function prepare(emu: CssEmulator, resources: BenchResource[], phase: Phase): void {
  if (phase === "create") return;
  for (const r of resources) {
    const set = (id: string, status: "accepted" | "rejected" | "pendingAcceptance") => {
      if (emu.status(r.clusterId, id) !== status) emu.setStatus(r.clusterId, id, status);
    };
    set(r.a, "accepted");
    if (phase === "update" || !r.changed) {
      set(r.b, "accepted");
      set(r.c, "pendingAcceptance");
    } else {
      set(r.b, "rejected");
      set(r.c, "accepted");
      r.declared = [r.a, r.c];
    }
  }
}

async function measure(
  emu: CssEmulator,
  clusters: readonly string[],
  resources: readonly BenchResource[],
  phase: Phase,
  body: () => Promise<unknown>[],
): Promise<PhaseMetrics> {
  emu.clearRequests();
  const t0 = performance.now();
  const settled = await Promise.allSettled(body());
  const wallMs = performance.now() - t0;
  const mine = new Set(clusters);
  const log = emu.requests.filter((r) => r.clusterId !== undefined && mine.has(r.clusterId));
  const conn = log.filter((r) => r.path.endsWith("/vpcepservice/connections"));
  const posts = conn.filter((r) => r.method === "POST");
  const issued = settled.filter((s) => s.status === "rejected" || s.value !== UNCHANGED).length;
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  const completed = settled.filter((s) => s.status === "fulfilled" && s.value !== UNCHANGED).length;
  const error = failed ? `${issued - completed} of ${issued} failed, e.g.: ` + String(failed.reason instanceof Error ? failed.reason.message : failed.reason) : checkStatuses(emu, resources, phase);
  const metrics: PhaseMetrics = {
    posts: posts.length,
    conflicts: posts.filter((r) => r.status === 409).length,
    gets: conn.filter((r) => r.method === "GET").length,
    requests: log.length,
    completed,
    wallMs: Math.round(wallMs * 10) / 10,
    converged: error === undefined,
  };
  if (error !== undefined) metrics.error = error.slice(0, 500);
  return metrics;
}

/** What ours' driver returns for a resource whose diff says unchanged (no update call). */
const UNCHANGED = Symbol("unchanged");

/** Ours: one provider process, every resource's calls issued concurrently, as the engine does. */
function oursPhase(emu: CssEmulator, resources: BenchResource[], phase: Phase): Promise<unknown>[] {
  const props = (r: BenchResource, endpointIds: string[]) => ({ clusterId: r.clusterId, endpointIds, endpoint: emu.url });
  // A provider object per resource: the coordination must hold across instances in one process.
  return resources.map(async (r) => {
    const provider = new VpcepConnectionApprovalProvider();
    if (phase === "create") {
      const news = props(r, r.declared);
      const checked = await provider.check({}, news);
      if (checked.failures?.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
      const { id, outs } = await provider.create(checked.inputs as Record<string, unknown>);
      Object.assign(r, { id, inputs: news, outs });
    } else if (phase === "update") {
      if (!r.id || !r.outs || !r.inputs) throw new Error("no state from create");
      const next = r.changed ? [r.a, r.c] : [r.a, r.b];
      const news = props(r, next);
      const checked = await provider.check(r.inputs, news);
      if (checked.failures?.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
      const diff = await provider.diff(r.id, r.outs, checked.inputs as Record<string, unknown>);
      if (diff.changes !== r.changed) throw new Error(`diff of ${r.id} says changes=${diff.changes}`);
      if (!diff.changes) return UNCHANGED; // the engine skips unchanged resources
      const { outs } = await provider.update(r.id, r.outs, checked.inputs as Record<string, unknown>);
      Object.assign(r, { inputs: news, outs, declared: next });
    } else {
      if (!r.id || !r.outs) throw new Error("no state from create");
      await provider.delete(r.id, r.outs);
    }
  });
}

/** The baseline: each resource on its own (POST with p-retry on 409, then poll its endpoints). */
function naivePhase(client: NaiveClient, resources: BenchResource[], phase: Phase): Promise<unknown>[] {
  if (phase === "create") return resources.map((r) => client.apply(r.clusterId, "receive", r.declared));
  if (phase === "destroy") return resources.map((r) => client.apply(r.clusterId, "reject", r.declared));
  return resources
    .filter((r) => r.changed)
    .map(async (r) => {
      await client.post(r.clusterId, "receive", [r.c]);
      await client.post(r.clusterId, "reject", [r.b]);
      await client.waitFor(r.clusterId, new Map([[r.c, "accepted"], [r.b, "rejected"]]));
      r.declared = [r.a, r.c];
    });
}

export function naiveSettings(emu: CssEmulator, t: Tuning): NaiveSettings {
  return naiveSettingsFor(emu.url, emu.projectId, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, t);
}

/**
 * One run: fresh clusters, then create, update and destroy (each measured on its own, the log reset
 * before each). The emulator must be started; the environment must come from applyBenchEnv().
 */
export async function runScenario(emu: CssEmulator, spec: ScenarioSpec, impl: Impl, rep: number, tuning: Tuning, phases: readonly Phase[] = PHASES): Promise<RunResult> {
  const { clusters, resources } = makeFixture(emu, spec, `${spec.id}-${impl}`);
  const client = new NaiveClient(naiveSettings(emu, tuning));
  const result: RunResult = {
    scenario: spec.id,
    resources: spec.resources,
    clusters: spec.clusters,
    impl,
    rep,
    operations: { create: resources.length, update: resources.filter((r) => r.changed).length, destroy: resources.length },
    phases: {},
  };
  try {
    for (const phase of phases) {
      prepare(emu, resources, phase);
      result.phases[phase] = await measure(emu, clusters, resources, phase, () =>
        impl === "ours" ? oursPhase(emu, resources, phase) : naivePhase(client, resources, phase),
      );
      // Let the last busy window pass so the next phase starts on an idle cluster.
      await new Promise((r) => setTimeout(r, emu.options.busyMs + 20));
    }
  } finally {
    for (const c of clusters) emu.removeCluster(c);
    emu.clearRequests();
  }
  return result;
}

export interface Job {
  scenario: string;
  rep: number;
}

/** Both implementations on fresh clusters; the order alternates with the repetition. */
export async function runJob(emu: CssEmulator, job: Job, tuning: Tuning, phases: readonly Phase[] = PHASES): Promise<RunResult[]> {
  const spec = parseScenario(job.scenario);
  const order: Impl[] = job.rep % 2 === 0 ? ["ours", "naive"] : ["naive", "ours"];
  const out: RunResult[] = [];
  const restore = applyBenchEnv(emu, tuning);
  try {
    for (const impl of order) out.push(await runScenario(emu, spec, impl, job.rep, tuning, phases));
  } finally {
    restore();
  }
  return out;
}
