/**
 * A benchmark worker process: its own in-process emulator, running the jobs (one implementation,
 * scenario and repetition each) the runner sends, one at a time, on fresh clusters. The provider's
 * retry warnings go to this process's stderr, which the runner sends to a log file.
 */
import { CssEmulator } from "../emulator";
import { applyBenchEnv, parseScenario, runScenario } from "./scenarios";
import type { Impl, RunResult } from "./scenarios";
import type { Tuning } from "./tuning";

export interface WorkerJob {
  scenario: string;
  rep: number;
  impl: Impl;
}

export type WorkerRequest = { kind: "init"; busyMs: number; tuning: Tuning; warmUp: boolean } | { kind: "job"; job: WorkerJob } | { kind: "stop" };
export type WorkerReply =
  | { kind: "ready" }
  | { kind: "result"; job: WorkerJob; run: RunResult; elapsedMs: number }
  | { kind: "error"; job?: WorkerJob; message: string };

let emu: CssEmulator | undefined;
let tuning: Tuning | undefined;

function reply(m: WorkerReply): void {
  (process.send as (m: WorkerReply) => void)(m);
}

async function handle(m: WorkerRequest): Promise<void> {
  if (m.kind === "init") {
    emu = new CssEmulator({ busyMs: m.busyMs });
    await emu.start();
    tuning = m.tuning;
    applyBenchEnv(emu, tuning);
    // JIT, sockets and module loading, so the first measured run is not the cold one.
    if (m.warmUp) await runScenario(emu, parseScenario("10x1"), "ours", -1, tuning);
    reply({ kind: "ready" });
  } else if (m.kind === "job") {
    if (!emu || !tuning) throw new Error("job before init");
    const t0 = Date.now();
    process.stderr.write(`--- ${m.job.impl} ${m.job.scenario} rep ${m.job.rep}\n`);
    const run = await runScenario(emu, parseScenario(m.job.scenario), m.job.impl, m.job.rep, tuning);
    reply({ kind: "result", job: m.job, run, elapsedMs: Date.now() - t0 });
  } else {
    await emu?.stop();
    process.disconnect();
  }
}

process.on("message", (m: WorkerRequest) => {
  handle(m).catch((err: unknown) => reply({ kind: "error", job: m.kind === "job" ? m.job : undefined, message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});
