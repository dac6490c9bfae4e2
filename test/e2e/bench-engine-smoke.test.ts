/**
 * Smoke run of the benchmark's engine scenarios (`npm run bench` runs the matrix): the packed
 * package and the bench's comparison resources installed into a project (cached under bench/.tmp/
 * between runs), the real CLI, and one `up` of 4 approvals on one busy cluster for each of ours,
 * naive, floor and the provider plugin under a generated YAML program, side by side. Counts and shapes only: never a time. Needs dist/ (npm test builds
 * it first).
 */
import * as path from "path";
import { consumerProject } from "../../bench/engine/consumer";
import { EngineHarness, limitFor } from "../../bench/engine/engine";
import type { EngineImpl, EngineRunResult } from "../../bench/engine/engine";
import { checkEngineTargets, formatEngineTable, pluginViolations, summariseEngine } from "../../bench/engine/report";
import { REPO_ROOT } from "../helpers/pulumi";

jest.setTimeout(300_000);

const N = 4;
let harness: EngineHarness;
const runs = new Map<EngineImpl, EngineRunResult>();

beforeAll(async () => {
  const consumer = await consumerProject(REPO_ROOT, path.join(REPO_ROOT, "bench", ".tmp"));
  harness = await EngineHarness.create(REPO_ROOT, consumer.dir);
  const results = await Promise.all(
    (["ours", "naive", "floor", "plugin"] as const).map((impl) => harness.run({ scenario: `${N}x1`, impl, busyMs: 300, phases: ["up"], trace: true })),
  );
  for (const r of results) runs.set(r.impl, r);
});

afterAll(async () => {
  await harness?.close();
});

const up = (impl: EngineImpl) => {
  const m = runs.get(impl)?.phases.up;
  if (!m) throw new Error(`no up phase for ${impl}`);
  return m;
};

describe(`engine smoke run: ${N} approvals on one busy cluster through the real CLI`, () => {
  it("every implementation's up succeeds and leaves the statuses it should", () => {
    for (const impl of ["ours", "naive", "floor", "plugin"] as const) {
      const m = up(impl);
      expect({ impl, converged: m.converged, error: m.error }).toEqual({ impl, converged: true, error: undefined });
      expect(m.operations).toBe(N);
      expect(m.limit).toBe(limitFor(N, 1, "up", harness.defaultParallel));
      expect(m.wallMs).toBeGreaterThan(0);
      expect(m.steps?.steps).toBe(N);
    }
    // Installed from the packed packages: every __provider is a package reference (a few KB), not the code.
    for (const r of runs.values()) expect(r.providerBytes).toBeLessThan(10_000);
    expect(runs.get("plugin")?.providerBytes).toBe(0); // a real plugin puts no provider code in state
  });

  it("ours coalesces; naive sends one accepted POST per resource; floor calls nothing", () => {
    expect(up("naive").posts).toBe(N);
    expect(up("ours").posts).toBeLessThan(up("naive").posts);
    expect(up("ours").posts + up("ours").conflicts).toBeLessThan(up("naive").posts + up("naive").conflicts);
    expect(up("ours").otherPosts + up("naive").otherPosts + up("plugin").otherPosts).toBe(0);
    // One plugin process serves the deployment: the same lane, so the same bound as ours.
    expect(up("plugin").posts).toBeLessThanOrEqual(Math.ceil(N / harness.defaultParallel) + 2);
    expect(up("plugin").posts).toBeLessThan(up("naive").posts);
    expect(up("floor").posts + up("floor").conflicts + up("floor").gets).toBe(0);
    // The timeline holds exactly the counted requests.
    const ours = up("ours");
    expect(ours.timeline?.filter((t) => t.method === "POST" && t.status === 200)).toHaveLength(ours.posts);
  });

  it("builds the engine table and the target check from the runs", () => {
    const rows = summariseEngine([...runs.values()]);
    expect(rows.map((r) => [r.scenario, r.phase, r.naive !== undefined, r.floor !== undefined, r.plugin !== undefined])).toEqual([[`${N}x1`, "up", true, true, true]]);
    expect(formatEngineTable(rows)).toContain(`${N} on 1 cluster, plugin (YAML)`);
    const targets = checkEngineTargets(rows, 300, `${N}x1`);
    expect(targets.map((t) => t.impl)).toEqual(["ours", "plugin"]);
    for (const t of targets) {
      expect(t.postsMax).toBe(Math.ceil(N / harness.defaultParallel) + 2);
      expect(t.speedup).toBeGreaterThan(0);
    }
    expect(pluginViolations({ rows, targets })).toEqual([]);
  });
});
