/**
 * Load and concurrency: 100 resources over 5 clusters, created, updated and destroyed concurrently
 * with the emulator's busy window on (every change makes the cluster answer 409 for BUSY_MS).
 *
 * 1. In-process: 100 provider instances called at once per phase, as the engine calls one provider
 *    process with many resources in parallel (the per-cluster coordinator is process-wide).
 * 2. Through the real Pulumi CLI: one inline program, up / update / destroy, at the engine's default
 *    parallelism. 20 resources (4 per cluster) by default: in this repository the provider is
 *    serialized by value (~96 KB per resource, twice in state), and the file backend rewrites the
 *    whole checkpoint after every step, so 100 resources take minutes of CLI CPU time. Set
 *    CSS_VPCEP_LOAD_CLI_PER_CLUSTER=20 for the full 100 (figures then go to load-cli-100.json).
 *
 * Every declared endpoint must end in its declared status after each phase. Figures (POSTs per
 * cluster, 409s seen, GETs, wall time) go to <figures>/load.json.
 */
import * as os from "os";
import { performance } from "perf_hooks";
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApproval, VpcepConnectionApprovalProvider } from "../../provider";
import type { ApprovalOutputs } from "../../provider";
import { processCoordinator } from "../../provider/core/coordinator";
import { akskEnv, createVia, setEnv, startEmulator, updateVia } from "../helpers/harness";
import { TestBackend, inlineStack, newBackend } from "../helpers/pulumi";
import { writeFigures } from "./support";

jest.setTimeout(300_000);

const CLUSTERS = 5;
const PER_CLUSTER = 20;
const BUSY_MS = 300;
const CLI_PER_CLUSTER = Number(process.env.CSS_VPCEP_LOAD_CLI_PER_CLUSTER ?? 4);
const TUNING = {
  CSS_VPCEP_RETRY_BASE_MS: "50",
  CSS_VPCEP_RETRY_MAX_MS: "500",
  CSS_VPCEP_POLL_BASE_MS: "50",
  CSS_VPCEP_POLL_MAX_MS: "500",
  CSS_VPCEP_REQUEST_TIMEOUT_MS: "5000",
};

interface Decl {
  name: string;
  clusterId: string;
  endpointIds: string[];
  action: "receive" | "reject";
}

const ep = (k: number, n: number) => `ep-${k}-${String(n).padStart(3, "0")}`;

/** Resource i on cluster k declares two endpoints and accepts them. */
function initial(prefix: string, perCluster = PER_CLUSTER): Decl[] {
  const out: Decl[] = [];
  for (let k = 0; k < CLUSTERS; k++) {
    for (let i = 0; i < perCluster; i++) out.push({ name: `r-${k}-${i}`, clusterId: `${prefix}-${k}`, endpointIds: [ep(k, 2 * i), ep(k, 2 * i + 1)], action: "receive" });
  }
  return out;
}

/** Even resources swap one endpoint for a new one (accept added, reject removed); odd ones switch to reject. */
function updated(decls: Decl[], perCluster = PER_CLUSTER): Decl[] {
  return decls.map((d, idx) => {
    const [k, i] = [Math.floor(idx / perCluster), idx % perCluster];
    return i % 2 === 0 ? { ...d, endpointIds: [ep(k, 2 * i + 1), ep(k, 40 + i)] } : { ...d, action: "reject" };
  });
}

/** What every endpoint of every cluster must show after a phase. */
function expectedStatuses(prefix: string, phase: "create" | "update" | "destroy", perCluster = PER_CLUSTER): Record<string, Record<string, string>> {
  const want: Record<string, Record<string, string>> = {};
  for (let k = 0; k < CLUSTERS; k++) {
    const c: Record<string, string> = {};
    for (let n = 0; n < 60; n++) c[ep(k, n)] = "pendingAcceptance";
    for (let i = 0; i < perCluster; i++) {
      if (phase === "create") {
        c[ep(k, 2 * i)] = c[ep(k, 2 * i + 1)] = "accepted";
      } else if (i % 2 === 0) {
        c[ep(k, 2 * i)] = "rejected";
        c[ep(k, 2 * i + 1)] = c[ep(k, 40 + i)] = phase === "update" ? "accepted" : "rejected";
      } else {
        c[ep(k, 2 * i)] = c[ep(k, 2 * i + 1)] = "rejected";
      }
    }
    want[`${prefix}-${k}`] = c;
  }
  return want;
}

interface PhaseFigure {
  phase: string;
  /** Size of the stack's checkpoint after the phase (CLI only). */
  stateBytes?: number;
  wallMs: number;
  perCluster: { cluster: string; posts: number; conflicts409: number; gets: number }[];
  totalPosts: number;
  total409: number;
  totalGets: number;
  coordinatorPosts?: number;
  coalescedRequests?: number;
}

let emu: CssEmulator;
let restore: () => void;
const figures: Record<string, unknown> = { resources: CLUSTERS * PER_CLUSTER, clusters: CLUSTERS, endpointsPerResource: 2, busyMs: BUSY_MS, tuning: TUNING };

beforeAll(async () => {
  emu = await startEmulator({ busyMs: BUSY_MS });
  restore = setEnv({ ...akskEnv(emu), ...TUNING });
});
afterAll(async () => {
  restore?.();
  await emu?.stop();
  writeFigures(process.env.CSS_VPCEP_LOAD_CLI_PER_CLUSTER ? `load-cli-${CLUSTERS * CLI_PER_CLUSTER}` : "load", figures);
});

function seedClusters(prefix: string): void {
  for (let k = 0; k < CLUSTERS; k++) emu.addCluster(`${prefix}-${k}`, { endpoints: Array.from({ length: 60 }, (_, n) => ep(k, n)) });
}

function observed(prefix: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (let k = 0; k < CLUSTERS; k++) out[`${prefix}-${k}`] = Object.fromEntries(emu.connections(`${prefix}-${k}`).map((c) => [c.id, c.status]));
  return out;
}

function phaseFigure(phase: string, prefix: string, wallMs: number): PhaseFigure {
  const perCluster = Array.from({ length: CLUSTERS }, (_, k) => {
    const cluster = `${prefix}-${k}`;
    return {
      cluster,
      posts: emu.count({ method: "POST", clusterId: cluster }),
      conflicts409: emu.count({ clusterId: cluster, status: 409 }),
      gets: emu.count({ method: "GET", clusterId: cluster }),
    };
  });
  return {
    phase,
    wallMs: Math.round(wallMs),
    perCluster,
    totalPosts: perCluster.reduce((a, c) => a + c.posts, 0),
    total409: perCluster.reduce((a, c) => a + c.conflicts409, 0),
    totalGets: perCluster.reduce((a, c) => a + c.gets, 0),
  };
}

describe("in-process: 100 provider instances called concurrently", () => {
  const prefix = "c-load";
  const phases: PhaseFigure[] = [];
  let created: { decl: Decl; id: string; outs: ApprovalOutputs }[] = [];

  beforeAll(() => {
    seedClusters(prefix);
    figures.inProcess = phases;
  });

  async function phase<T>(name: "create" | "update" | "destroy", run: () => Promise<T>): Promise<T> {
    emu.clearRequests();
    const stats = processCoordinator().stats;
    const [posts0, coalesced0] = [stats.posts, stats.coalescedRequests];
    const started = performance.now();
    const result = await run();
    const fig = phaseFigure(name, prefix, performance.now() - started);
    fig.coordinatorPosts = stats.posts - posts0;
    fig.coalescedRequests = stats.coalescedRequests - coalesced0;
    phases.push(fig);
    expect(observed(prefix)).toEqual(expectedStatuses(prefix, name));
    return result;
  }

  it("creates 100 resources at once; every endpoint accepted", async () => {
    const decls = initial(prefix);
    created = await phase("create", () =>
      Promise.all(
        decls.map(async (decl) => {
          const { id, outs } = await createVia(new VpcepConnectionApprovalProvider(), { clusterId: decl.clusterId, endpointIds: decl.endpointIds, endpoint: emu.url, timeoutSeconds: 120 });
          return { decl, id, outs };
        }),
      ),
    );
    expect(new Set(created.map((c) => c.id)).size).toBe(100);
    expect(created.every((c) => c.outs.connections.every((x) => x.status === "accepted"))).toBe(true);
  });

  it("updates 100 resources at once; added accepted, removed and switched rejected", async () => {
    const next = updated(created.map((c) => c.decl));
    created = await phase("update", () =>
      Promise.all(
        created.map(async (c, idx) => {
          const decl = next[idx];
          const { outs } = await updateVia(new VpcepConnectionApprovalProvider(), c.id, c.outs, {
            clusterId: decl.clusterId,
            endpointIds: decl.endpointIds,
            action: decl.action,
            endpoint: emu.url,
            timeoutSeconds: 120,
          });
          return { decl, id: c.id, outs: outs as ApprovalOutputs };
        }),
      ),
    );
    const want = { receive: "accepted", reject: "rejected" };
    expect(created.every((c) => c.outs.connections.length === 2 && c.outs.connections.every((x) => x.status === want[c.decl.action]))).toBe(true);
  });

  it("destroys 100 resources at once; every declared endpoint rejected", async () => {
    await phase("destroy", () => Promise.all(created.map((c) => new VpcepConnectionApprovalProvider().delete(c.id, c.outs))));
  });
});

describe(`through the real Pulumi CLI: one program, ${CLUSTERS * CLI_PER_CLUSTER} resources, default --parallel`, () => {
  const prefix = "c-cli-load";
  const phases: PhaseFigure[] = [];
  let backend: TestBackend;

  beforeAll(async () => {
    seedClusters(prefix);
    // The engine's default --parallel is 4 x GOMAXPROCS.
    figures.cli = { resources: CLUSTERS * CLI_PER_CLUSTER, parallel: `default (4 x GOMAXPROCS = ${4 * Number(process.env.GOMAXPROCS ?? os.cpus().length)} here)`, phases };
    backend = await newBackend({ ...akskEnv(emu), ...TUNING });
  });
  afterAll(() => backend?.cleanup());

  it("up, update and destroy converge, each endpoint in its declared status", async () => {
    let decls = initial(prefix, CLI_PER_CLUSTER);
    const stack = await inlineStack(backend, "css-vpcep-load", "load", async () => {
      for (const d of decls) {
        new VpcepConnectionApproval(d.name, { clusterId: d.clusterId, endpointIds: d.endpointIds, action: d.action, endpoint: emu.url, timeoutSeconds: 120 });
      }
    });
    const run = async (name: "create" | "update" | "destroy", op: () => Promise<{ summary: { result?: string } }>) => {
      emu.clearRequests();
      const started = performance.now();
      const result = await op();
      const fig = phaseFigure(name, prefix, performance.now() - started);
      fig.stateBytes = JSON.stringify((await stack.exportStack()).deployment).length;
      phases.push(fig);
      expect(result.summary.result).toBe("succeeded");
      expect(observed(prefix)).toEqual(expectedStatuses(prefix, name, CLI_PER_CLUSTER));
    };
    await run("create", () => stack.up());
    decls = updated(decls, CLI_PER_CLUSTER);
    await run("update", () => stack.up());
    await run("destroy", () => stack.destroy());
  });
});
