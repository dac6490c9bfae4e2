/**
 * The engine bench's plugin column, pure parts: the YAML program it writes, where the plan puts the
 * plugin's runs, the sub-row in the table and the bound that fails the bench.
 */
import { endpointsOf } from "../../bench/engine/consumer";
import { DEFAULT_ENGINE_MATRIX, planEngine } from "../../bench/engine/matrix";
import { PLUGIN_TYPE, yamlProgram } from "../../bench/engine/plugin";
import { checkEngineTargets, engineMarkdownTable, pluginViolations } from "../../bench/engine/report";
import type { EngineRow, EngineSide } from "../../bench/engine/report";

const side = (posts: number, wallMs: number, worst = posts): EngineSide => ({
  reps: 3,
  converged: 3,
  wallMs,
  posts,
  postsBusiest: posts,
  postsBusiestWorst: worst,
  conflicts: 1,
  gets: 50,
});
const row = (plugin: EngineSide): EngineRow => ({
  scenario: "50x1",
  resources: 50,
  clusters: 1,
  busyMs: 2000,
  parallel: 8,
  defaultParallel: true,
  phase: "up",
  operations: 50,
  limit: 7,
  ours: side(7, 16_000),
  naive: side(50, 160_000),
  floor: side(0, 3_000),
  plugin,
});

it("writes one approval per resource with the endpoints the JavaScript program declares", () => {
  const text = yamlProgram(["c0", "c1"], 3, true);
  expect(text.match(new RegExp(PLUGIN_TYPE, "g"))).toHaveLength(3);
  // Resource 0 is swapped (-c), resource 1 (on c1) is not; resource 2 is on c0 again.
  expect(text).toContain(`endpointIds: ${JSON.stringify([endpointsOf("c0", 0).a, endpointsOf("c0", 0).c])}`);
  expect(text).toContain(`clusterId: "c1"\n      endpointIds: ${JSON.stringify([endpointsOf("c1", 1).a, endpointsOf("c1", 1).b])}`);
  expect(yamlProgram(["c0"], 1, false)).toContain(JSON.stringify([endpointsOf("c0", 0).a, endpointsOf("c0", 0).b]));
});

it("plans the plugin in the target row only, as often as ours, run alone", () => {
  const plan = planEngine(DEFAULT_ENGINE_MATRIX);
  const plugin = plan.runs.filter((r) => r.impl === "plugin");
  expect(plugin).toHaveLength(DEFAULT_ENGINE_MATRIX.targetReps);
  expect(plugin.every((r) => r.scenario === "50x1" && r.busyMs === 2000 && r.parallel === undefined && r.alone && r.phases.length === 3)).toBe(true);
  expect(planEngine({ ...DEFAULT_ENGINE_MATRIX, plugin: false }).runs.some((r) => r.impl === "plugin")).toBe(false);
});

it("shows the plugin as a sub-row with its own ratio and windows over the floor", () => {
  const table = engineMarkdownTable([row(side(7, 15_000))]);
  const sub = table.split("\n").find((l) => l.includes("plugin (YAML)")) as string;
  expect(sub).toContain("| 15.0 s |");
  expect(sub).toContain("12.0 s (6 w)");
  expect(sub).toContain("| 11x |");
  expect(sub).not.toContain("160.0 s"); // naive's own wall is on the row above
});

it("fails the bench when any plugin run goes above ceil(N / parallel) + 2", () => {
  const ok = [row(side(7, 15_000, 9))];
  expect(pluginViolations({ rows: ok, targets: checkEngineTargets(ok, 2000) })).toEqual([]);
  const over = [row(side(8, 15_000, 10))];
  expect(pluginViolations({ rows: over, targets: checkEngineTargets(over, 2000) })).toEqual([expect.stringMatching(/plugin \(YAML\) up: 10 accepted POSTs .* = 9/)]);
  const failed = [row({ ...side(7, 15_000), converged: 2 })];
  expect(pluginViolations({ rows: failed, targets: checkEngineTargets(failed, 2000) })).toEqual([expect.stringMatching(/1 run\(s\) failed/)]);
});
