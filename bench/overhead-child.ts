/**
 * The provider process of the overhead measurement (bench/overhead.ts forks it): runs provider
 * operations against the parent's emulator and reports its own CPU time (process.cpuUsage: user +
 * system, so everything it spends outside the emulator) and memory. Before each phase it asks the
 * parent to reset the emulator's request log, so the parent can count that phase's requests.
 */
import { performance } from "perf_hooks";
import { VpcepConnectionApprovalProvider } from "../provider";
import type { ApprovalOutputs } from "../provider";
import { NaiveClient, naiveSettingsFor } from "./naive";
import { BENCH_TUNING } from "./tuning";

export interface OverheadPlan {
  url: string;
  projectId: string;
  accessKey: string;
  secretKey: string;
  clusters: { warm: string; seq: string; bare: string; conc: string };
  /** Resources per cluster; resource i owns `${cluster}-${i}-a|b|c`. */
  resources: number;
  concurrent: number;
}

export type ChildMessage =
  | { kind: "begin"; label: string }
  | { kind: "end"; label: string; operations: number; cpuMicros: number; wallMs: number }
  | { kind: "done"; rssBaselineMb: number; rssPeakMb: number }
  | { kind: "error"; message: string };

export type ParentMessage = { kind: "plan"; plan: OverheadPlan } | { kind: "ack" };

function send(m: ChildMessage): void {
  (process.send as (m: ChildMessage) => void)(m);
}

let acked: (() => void) | undefined;
function waitAck(): Promise<void> {
  return new Promise((resolve) => (acked = resolve));
}

interface Res {
  id: string;
  outs: ApprovalOutputs;
  props: Record<string, unknown>;
}

async function phase(label: string, operations: number, body: () => Promise<void>): Promise<void> {
  const ack = waitAck();
  send({ kind: "begin", label });
  await ack;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  send({ kind: "end", label, operations, cpuMicros: cpu.user + cpu.system, wallMs });
}

async function run(plan: OverheadPlan): Promise<void> {
  const ep = (cluster: string, i: number, s: string) => `${cluster}-${i}-${s}`;
  const props = (cluster: string, ids: string[]) => ({ clusterId: cluster, endpointIds: ids, endpoint: plan.url });
  const provider = () => new VpcepConnectionApprovalProvider();
  const create = async (cluster: string, i: number): Promise<Res> => {
    const p = provider();
    const news = props(cluster, [ep(cluster, i, "a"), ep(cluster, i, "b")]);
    const checked = await p.check({}, news);
    const { id, outs } = await p.create(checked.inputs as Record<string, unknown>);
    return { id, outs: outs as ApprovalOutputs, props: news };
  };
  const n = plan.resources;
  const range = (k: number) => Array.from({ length: k }, (_, i) => i);

  // Warm-up: JIT, sockets, modules. Not measured.
  for (const i of range(10)) {
    const r = await create(plan.clusters.warm, i);
    await provider().delete(r.id, r.outs);
  }
  const rssBaselineMb = process.memoryUsage().rss / 1024 / 1024;

  const seq: Res[] = [];
  await phase("create, one at a time", n, async () => {
    for (const i of range(n)) seq.push(await create(plan.clusters.seq, i));
  });
  await phase("update (swap one endpoint), one at a time", n, async () => {
    for (const [i, r] of seq.entries()) {
      const p = provider();
      const news = props(plan.clusters.seq, [ep(plan.clusters.seq, i, "a"), ep(plan.clusters.seq, i, "c")]);
      const checked = await p.check(r.props, news);
      await p.diff(r.id, r.outs, checked.inputs as Record<string, unknown>);
      const { outs } = await p.update(r.id, r.outs, checked.inputs as Record<string, unknown>);
      Object.assign(r, { outs, props: news });
    }
  });
  await phase("read (refresh), one at a time", n, async () => {
    for (const r of seq) await provider().read(r.id, r.outs);
  });
  await phase("delete, one at a time", n, async () => {
    for (const r of seq) await provider().delete(r.id, r.outs);
  });
  // The same exchanges as a create (list, POST, list) without the provider: signing + axios + JSON.
  const bare = new NaiveClient(naiveSettingsFor(plan.url, plan.projectId, plan.accessKey, plan.secretKey, BENCH_TUNING));
  await phase("bare signed exchanges of a create (GET, POST, GET), one at a time", n, async () => {
    for (const i of range(n)) {
      const ids = [ep(plan.clusters.bare, i, "a"), ep(plan.clusters.bare, i, "b")];
      await bare.statuses(plan.clusters.bare);
      await bare.post(plan.clusters.bare, "receive", ids);
      await bare.statuses(plan.clusters.bare);
    }
  });
  const conc: Res[] = [];
  await phase(`create, ${plan.concurrent} at once`, plan.concurrent, async () => {
    conc.push(...(await Promise.all(range(plan.concurrent).map((i) => create(plan.clusters.conc, i)))));
  });
  await phase(`delete, ${plan.concurrent} at once`, plan.concurrent, async () => {
    await Promise.all(conc.map((r) => provider().delete(r.id, r.outs)));
  });
  send({ kind: "done", rssBaselineMb, rssPeakMb: process.resourceUsage().maxRSS / 1024 });
}

process.on("message", (m: ParentMessage) => {
  if (m.kind === "ack") {
    acked?.();
    return;
  }
  run(m.plan).then(
    () => process.disconnect(),
    (err: unknown) => {
      send({ kind: "error", message: err instanceof Error ? err.message : String(err) });
      process.disconnect();
    },
  );
});
