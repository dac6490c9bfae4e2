/**
 * The provider's own overhead per operation: the provider runs in a child process
 * (bench/overhead-child.ts) against an emulator in this process with no busy window and no latency,
 * so the child's CPU time (process.cpuUsage) is exactly the time it spends outside the emulator.
 * Its peak RSS comes from process.resourceUsage().maxRSS.
 */
import { fork } from "child_process";
import * as path from "path";
import { CssEmulator, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY } from "../emulator";
import { ENV_VARS } from "../provider/core/settings";
import type { ChildMessage, OverheadPlan, ParentMessage } from "./overhead-child";
import type { OverheadPhase, OverheadResult } from "./report";
import { tuningEnv } from "./tuning";
import type { Tuning } from "./tuning";

export async function measureOverhead(tuning: Tuning, resources = 100, concurrent = 200): Promise<OverheadResult> {
  const emu = new CssEmulator({ busyMs: 0, latencyMs: 0 });
  const url = await emu.start();
  const clusters = { warm: "oh-warm", seq: "oh-seq", bare: "oh-bare", conc: "oh-conc" };
  const eps = (c: string, n: number) => Array.from({ length: n }, (_, i) => ["a", "b", "c"].map((s) => `${c}-${i}-${s}`)).flat();
  emu.addCluster(clusters.warm, { endpoints: eps(clusters.warm, 10) });
  emu.addCluster(clusters.seq, { endpoints: eps(clusters.seq, resources) });
  emu.addCluster(clusters.bare, { endpoints: eps(clusters.bare, resources) });
  emu.addCluster(clusters.conc, { endpoints: eps(clusters.conc, concurrent) });

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.values(ENV_VARS).flat()) delete env[name];
  // No release grace: this measures the provider's own cost per operation, not the safety wait of an update's reject.
  Object.assign(env, tuningEnv({ ...tuning, releaseGraceMs: 0 }), { OS_ACCESS_KEY: DEFAULT_ACCESS_KEY, OS_SECRET_KEY: DEFAULT_SECRET_KEY, OS_PROJECT_ID: emu.projectId });
  const plan: OverheadPlan = { url, projectId: emu.projectId, accessKey: DEFAULT_ACCESS_KEY, secretKey: DEFAULT_SECRET_KEY, clusters, resources, concurrent };

  const child = fork(path.join(__dirname, "overhead-child.js"), [], { env, stdio: ["ignore", "ignore", "pipe", "ipc"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const phases: OverheadPhase[] = [];
  try {
    const done = await new Promise<Extract<ChildMessage, { kind: "done" }>>((resolve, reject) => {
      child.on("message", (m: ChildMessage) => {
        if (m.kind === "begin") {
          emu.clearRequests();
          child.send({ kind: "ack" } satisfies ParentMessage);
        } else if (m.kind === "end") {
          const requests = emu.requests.length;
          const cpuMs = m.cpuMicros / 1000;
          phases.push({
            label: m.label,
            operations: m.operations,
            requests,
            cpuMsPerOp: cpuMs / m.operations,
            cpuMsPerRequest: requests > 0 ? cpuMs / requests : 0,
            wallMsPerOp: m.wallMs / m.operations,
          });
        } else if (m.kind === "done") {
          resolve(m);
        } else {
          reject(new Error(m.message));
        }
      });
      child.on("exit", (code) => reject(new Error(`provider process exited (${code}) before reporting: ${stderr.trim().split("\n").pop() ?? ""}`)));
      child.send({ kind: "plan", plan } satisfies ParentMessage);
    });
    const create = phases.find((p) => p.label.startsWith("create, one"));
    const bare = phases.find((p) => p.label.startsWith("bare"));
    const result: OverheadResult = { resources, concurrent, phases, rssBaselineMb: done.rssBaselineMb, rssPeakMb: done.rssPeakMb };
    if (create && bare) result.logicCpuMsPerOp = create.cpuMsPerOp - (create.requests / create.operations) * bare.cpuMsPerRequest;
    return result;
  } finally {
    if (child.exitCode === null) child.kill();
    await emu.stop();
  }
}
