/**
 * Smoke run of the benchmark's smallest cases (`npm run bench` runs the full matrix): the scenario
 * runner drives ours and the naive baseline through create, update and destroy against the
 * emulator's busy window, and the report is built from the results. Counts only: never a time.
 */
import { CssEmulator } from "../../emulator";
import { checkTarget, formatTable, renderMarkdown, summarise } from "../../bench/report";
import type { BenchResults } from "../../bench/report";
import { BENCH_TUNING, PHASES, runJob } from "../../bench/scenarios";
import type { RunResult } from "../../bench/scenarios";

const BUSY_MS = 100;
let emu: CssEmulator;
const runs: RunResult[] = [];

beforeAll(async () => {
  emu = new CssEmulator({ busyMs: BUSY_MS });
  await emu.start();
});
afterAll(async () => {
  await emu.stop();
});

function run(scenario: string, impl: "ours" | "naive"): RunResult {
  const r = runs.find((x) => x.scenario === scenario && x.impl === impl);
  if (!r) throw new Error(`no ${impl} run for ${scenario}`);
  return r;
}

describe("bench smoke run", () => {
  it("runs 1 and 10 resources on one cluster through both implementations", async () => {
    runs.push(...(await runJob(emu, { scenario: "1x1", rep: 0 }, BENCH_TUNING)));
    runs.push(...(await runJob(emu, { scenario: "10x1", rep: 1 }, BENCH_TUNING)));
    expect(runs).toHaveLength(4);
    for (const r of runs) {
      for (const phase of PHASES) {
        const m = r.phases[phase];
        expect({ scenario: r.scenario, impl: r.impl, phase, error: m?.error }).toEqual({ scenario: r.scenario, impl: r.impl, phase, error: undefined });
        expect(m?.converged).toBe(true);
        expect(m?.completed).toBe(r.operations[phase]);
      }
    }
    // The counts come from the emulator's log, which every phase reset and the run left empty.
    expect(emu.requests).toHaveLength(0);
    expect(emu.clusters()).toHaveLength(0);
  }, 120_000);

  it("ours sends fewer POSTs than the baseline once resources share a cluster", () => {
    for (const phase of PHASES) {
      const ours = run("10x1", "ours").phases[phase];
      const naive = run("10x1", "naive").phases[phase];
      expect(ours?.posts).toBeLessThan(naive?.posts ?? 0);
      // Each resource sends at least its own POST(s); ours coalesces them.
      expect(naive?.posts).toBeGreaterThanOrEqual(run("10x1", "naive").operations[phase] * (phase === "update" ? 2 : 1));
    }
    // One resource: nothing to coalesce; one POST each.
    for (const phase of ["create", "destroy"] as const) {
      expect(run("1x1", "ours").phases[phase]?.posts).toBe(1);
      expect(run("1x1", "naive").phases[phase]?.posts).toBe(1);
    }
  });

  it("builds the table, the target check and BENCHMARKS.md from the results", () => {
    const summary = summarise(runs, ["1x1", "10x1"], BUSY_MS);
    expect(summary.map((r) => `${r.scenario} ${r.phase}`)).toEqual(["1x1 create", "1x1 update", "1x1 destroy", "10x1 create", "10x1 update", "10x1 destroy"]);
    for (const row of summary.filter((r) => r.scenario === "10x1")) expect(row.ratio.posts).toBeGreaterThan(1);
    const table = formatTable(summary);
    expect(table).toMatch(/POSTs ours.*POSTs naive/);
    expect(table).toContain("10 on 1 cluster");
    expect(checkTarget(summary, "10x1")).toHaveLength(3);
    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      durationS: 0,
      machine: { cpuModel: "test", cores: 1, memGb: 1, node: process.version, platform: process.platform, release: "" },
      git: {},
      settings: { busyMs: BUSY_MS, tuning: BENCH_TUNING, reps: 1, heavyReps: 1, naiveJobs: 1, scenarios: ["1x1", "10x1"], command: "jest" },
      summary,
      target: checkTarget(summary),
      runs,
    };
    const md = renderMarkdown(results);
    expect(md).toContain("# Benchmarks");
    expect(md).toContain("| 10 on 1 cluster | create |");
  });
});
