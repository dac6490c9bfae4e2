/**
 * The engine part of BENCHMARKS.md (its headline), every figure from the run's results. The one
 * exception is the before/after account of the provider changes (design-changes.md), measured
 * separately against the previous coordinator and included as it is.
 */
import * as fs from "fs";
import * as path from "path";
import type { EngineResults, EngineRow, EngineSide, EngineTargetCheck, StateVariant } from "./report";
import { parseEngineScenario } from "./engine";
import { PLUGIN_LABEL, engineMarkdownTable, fmtS, fmtX, scenarioName } from "./report";

function kib(bytes: number | undefined): string {
  if (bytes === undefined) return "-";
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The design-change notes (bench/engine/design-changes.md in the source tree). */
function designChanges(root: string): string[] {
  const file = path.join(root, "bench", "engine", "design-changes.md");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trimEnd().split("\n") : [];
}

export function engineMarkdown(e: EngineResults, root: string, cores: number): string[] {
  const out: string[] = [];
  const byKey = (scenario: string, busy: number, def: boolean) => e.rows.filter((r) => r.scenario === scenario && r.busyMs === busy && r.defaultParallel === def);
  out.push("## Through the engine: `pulumi up` as users run it");
  out.push("");
  out.push(
    `The real Pulumi CLI ${e.pulumiVersion} (Automation API, \`file://\` backend) runs a project into which \`npm pack\` of this repository is installed, ` +
      "as users get it (so `__provider` holds a package reference), against the emulator served from the bench process. Side by side in one run:",
  );
  out.push("");
  out.push("- **ours**: `VpcepConnectionApproval`.");
  out.push(
    "- **naive**: `NaiveApproval` (bench/engine/handlers.ts), what the Terraform resources do: each resource sends its own POST (create: accept its endpoints; update: accept the added, reject the removed; " +
      "delete: reject them), retried on 409 with p-retry (`factor 2, randomize`, the same base, cap and attempt bound as ours), then polls until its own endpoints show the status.",
  );
  out.push("- **floor**: `FloorApproval`, the same inputs and outputs, and no call at all: what the engine itself costs.");
  if (e.plugin) {
    out.push(
      `- **${PLUGIN_LABEL}** (target row only, a sub-row under ours): the provider plugin \`pulumi-resource-css-vpcep\` (\`css-vpcep:index:VpcepConnectionApproval\`), ` +
        `the same approvals from a YAML program the bench writes out (bench/engine/plugin.ts), run by the real YAML language host ${e.plugin.yamlHostVersion} (scripts/install-yaml-host.sh). ` +
        "The plugin is the `bin` of the same packed package, installed in the same project, found on `PATH`; it reads the same environment variables. " +
        "One plugin process serves every resource of a deployment, so the per-cluster lane works as for ours; the floor and naive are the JavaScript program's, so its engine work (a YAML host, no dynamic provider host) differs a little.",
    );
  }
  out.push("");
  out.push(
    "naive and floor ship as a small local package (`css-vpcep-bench-resources`, packed and installed next to ours), their providers thin shims over one entry point like ours, " +
      "so all three are serialized by package reference and carry state of the same order of size" + (e.plugin ? " (the plugin puts no provider code in state)." : "."),
  );
  out.push("");
  out.push(
    "Each resource declares two endpoints on its cluster (resource i on cluster i mod C). **up** creates all of them; **update** swaps the second endpoint of every second resource " +
      "(half the resources change: each accepts a new endpoint and rejects the dropped one); **destroy** deletes all. The program is JavaScript (no TypeScript compile in every CLI run)" + (e.plugin ? "; the plugin's is YAML." : "."),
  );
  out.push("");
  out.push(
    `- **wall** = the \`pulumi up\` / \`pulumi destroy\` process, start to exit (Automation API's follow-up \`stack output\` and \`stack history\` calls are answered by the harness, which does not use them). ` +
      "**POSTs** = accepted POSTs (200) on `.../vpcepservice/connections`; **409s** and **GETs** on the same path; counts from the emulator's log of the run's own clusters; with several clusters, in parentheses: on the busiest one (what the limit bounds).",
  );
  out.push(
    `- **limit** = the engine's limit for accepted POSTs on the busiest cluster: the engine runs at most \`--parallel\` operations at once (default ${e.defaultParallel} here, 4 per core) and starts the next as earlier ones finish, ` +
      "so at best one wave of `parallel` operations shares one POST per cluster: ceil(N / parallel) on one cluster; an update that accepts and rejects needs two per wave (the API takes one action per call); " +
      "with several clusters, the waves (in declaration order) that touch the busiest one.",
  );
  out.push(
    `- **ours - floor** in seconds and in busy windows (w). After the first accepted POST every further one must wait out a busy window, so ours can be at best (limit - 1) windows above the floor.`,
  );
  out.push(
    `- provider settings, the same for ${e.plugin ? "every column" : "all three"} (the provider's defaults, set explicitly): ${Object.entries(e.providerEnv)
      .map(([k, v]) => `\`${k}=${v}\``)
      .join(", ")}. ` +
      "`CSS_VPCEP_RELEASE_GRACE_MS`: a release (the reject of an endpoint an update dropped) waits until the engine has checked no resource for that long; a destroy checks nothing, so it never waits.",
  );
  out.push(`- emulator: one per busy window, statuses applied at once, no latency. \`!\` marks a phase that failed or left wrong statuses.`);
  out.push("");
  out.push("Left out, to keep `npm run bench` within its budget:");
  out.push("");
  for (const d of e.dropped) out.push(`- ${d}`);
  out.push("");

  // --- target row ---
  const target = byKey("50x1", e.targetBusyMs, true);
  if (target.length > 0) {
    out.push(`### 50 approvals on one cluster, default parallelism (${target[0].parallel}), busy ${e.targetBusyMs} ms`);
    out.push("");
    out.push(engineMarkdownTable([...target, ...e.rows.filter((r) => r.scenario === "50x1" && r.busyMs !== e.targetBusyMs && r.defaultParallel)]));
    out.push("");
    const reps = target[0].ours.reps;
    const pluginReps = target[0].plugin?.reps;
    out.push(
      `Ours${pluginReps === reps ? `, ${PLUGIN_LABEL}` : ""} and floor: median of ${reps} run${reps === 1 ? "" : "s"} in the ${e.targetBusyMs} ms rows` +
        (pluginReps !== undefined && pluginReps !== reps ? `; ${PLUGIN_LABEL}: ${pluginReps}` : "") +
        "; naive: 1 run." +
        (pluginReps !== undefined ? ` The ${PLUGIN_LABEL} sub-rows show the plugin's figures in the ours columns, against the naive and floor runs of the row above.` : ""),
    );
    out.push("");
    out.push("Targets (N = 50, one cluster, default parallelism, busy " + `${e.targetBusyMs} ms):`);
    out.push("");
    for (const t of e.targets) out.push(targetLine(t, target[0].parallel));
    out.push("");
    out.push(...whereTimeGoes(target));
    out.push("");
  }

  const changes = designChanges(root);
  if (changes.length > 0) {
    out.push(...changes);
    out.push("");
  }

  out.push("### Every scenario");
  out.push("");
  out.push(engineMarkdownTable(e.rows));
  out.push("");
  out.push(...findings(e));
  out.push("");

  // --- parallel ---
  if (e.parallel.length > 0) {
    out.push("### A higher `--parallel`");
    out.push("");
    out.push("| scenario | busy | phase | wall, default | wall, higher | faster | POSTs, default | POSTs, higher |");
    out.push("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for (const p of e.parallel) {
      out.push(
        `| ${scenarioName(p)} | ${p.busyMs} ms | ${p.phase} | ${fmtS(p.defaultWallMs)} (${p.defaultParallel}) | ${fmtS(p.wallMs)} (${p.parallel}) | ${fmtX(p.speedup)} | ${p.defaultPosts} | ${p.posts} |`,
      );
    }
    out.push("");
    const big = e.parallel.filter((p) => p.resources >= 200 && p.phase === "up");
    const best = [...e.parallel].sort((a, b) => b.speedup - a.speedup)[0];
    out.push(
      `Raising \`--parallel\` lets more operations reach the provider together, and the per-cluster lane turns each wave into one POST: ` +
        (best ? `up to ${fmtX(best.speedup)} faster here (${scenarioName(best)}, busy ${best.busyMs} ms, ${best.phase})` : "") +
        (big.length > 0 ? `; for 200 approvals, \`up\` ${big.map((p) => `${fmtX(p.speedup)} faster at ${p.busyMs} ms (${p.clusters} cluster${p.clusters > 1 ? "s" : ""})`).join(", ")}` : "") +
        `. The machine has ${cores} cores; the engine's default is 4 per core.`,
    );
    out.push("");
  }

  // --- state ---
  const sr = e.state;
  const st = sr?.state;
  if (sr && st) {
    const n = parseEngineScenario(st.scenario);
    out.push(`### Scale of state: ${n.resources} approvals, installed package against the repository checkout`);
    out.push("");
    out.push(
      `From \`npm run bench -- --state\` on ${sr.generatedAt.slice(0, 10)}${sr.commit ? ` (commit \`${sr.commit.slice(0, 12)}\`)` : ""}, which took ${Math.round(sr.durationS / 60)} min ` +
        `(load average ${sr.load.mean.toFixed(1)}, ${sr.load.min.toFixed(1)} to ${sr.load.max.toFixed(1)}): too long for every bench run, so later runs include its figures as they are. ` +
        `Ours, ${scenarioName(n)}, busy ${st.busyMs} ms, default parallelism (${st.parallel}), \`up\` then \`destroy\`. ` +
        "The checkout is bench/checkout, a TypeScript program that imports `../../provider` as examples/ does, so every resource carries the provider by value. " +
        "The `file://` backend rewrites the whole checkpoint as steps start and finish; with `PULUMI_SKIP_CHECKPOINTS=true` it writes only the last one, so the difference is the time spent on checkpoints.",
    );
    out.push("");
    out.push("| variant | state after up | `__provider` per resource | up | destroy | accepted POSTs up / destroy |");
    out.push("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const v of [st.package, st.packageNoCheckpoints, st.checkout, st.checkoutNoCheckpoints].filter((x): x is StateVariant => x !== undefined)) {
      out.push(`| ${v.label} | ${kib(v.stateBytes)} | ${kib(v.providerBytes)} | ${fmtS(v.upMs)} | ${fmtS(v.destroyMs)} | ${v.upPosts ?? "-"} / ${v.destroyPosts ?? "-"} |`);
    }
    out.push("");
    const cost = (a: StateVariant | undefined, b: StateVariant | undefined, k: "upMs" | "destroyMs") =>
      a?.[k] !== undefined && b?.[k] !== undefined ? (a[k] as number) - (b[k] as number) : undefined;
    if (st.package && st.checkout) {
      out.push(
        `- State: ${kib(st.checkout.stateBytes)} from the checkout against ${kib(st.package.stateBytes)} from the installed package (${fmtX((st.checkout.stateBytes ?? 0) / (st.package.stateBytes ?? 1))}); ` +
          `\`__provider\` is ${kib(st.checkout.providerBytes)} against ${kib(st.package.providerBytes)} per resource, and state holds it twice (inputs and outputs).`,
      );
      out.push(
        `- Time spent writing checkpoints (with minus without): installed package ${fmtS(cost(st.package, st.packageNoCheckpoints, "upMs"))} in \`up\` and ${fmtS(cost(st.package, st.packageNoCheckpoints, "destroyMs"))} in \`destroy\`; ` +
          `checkout ${fmtS(cost(st.checkout, st.checkoutNoCheckpoints, "upMs"))} and ${fmtS(cost(st.checkout, st.checkoutNoCheckpoints, "destroyMs"))}. ` +
          `Whole phases: \`up\` ${fmtS(st.checkout.upMs)} from the checkout against ${fmtS(st.package.upMs)} installed (${fmtX((st.checkout.upMs ?? 0) / (st.package.upMs ?? 1))}), ` +
          `\`destroy\` ${fmtS(st.checkout.destroyMs)} against ${fmtS(st.package.destroyMs)}.`,
      );
      out.push(
        "- Slow checkpoints cost POSTs too: the engine starts each step after a checkpoint write, so with a large state a wave reaches the provider seconds apart and cannot share a POST " +
          `(accepted POSTs up / destroy: ${st.checkout.upPosts ?? "-"} / ${st.checkout.destroyPosts ?? "-"} from the checkout, ${st.package.upPosts ?? "-"} / ${st.package.destroyPosts ?? "-"} installed).`,
      );
      out.push("- So: install the package (`npm install pulumi-css-vpcep`) in real projects; importing the source is for developing the provider, with a handful of approvals.");
      out.push("");
    }
  } else {
    out.push("### Scale of state");
    out.push("");
    out.push("Not measured yet on this machine: run `npm run bench -- --state` (many minutes); later runs include its figures.");
    out.push("");
  }
  return out;
}

function targetLine(t: EngineTargetCheck, parallel: number): string {
  const worst = t.postsWorst !== t.posts ? `, ${t.postsWorst} in the worst run` : "";
  return (
    `- **${t.phase}**, ${t.impl === "plugin" ? PLUGIN_LABEL : "ours"}: ${fmtX(t.speedup)} faster than naive (at least 5x: ${t.speedupOk ? "met" : "NOT met"}); ` +
    `${t.posts} accepted POSTs${worst} (at most ceil(50/${parallel}) + 2 = ${t.postsMax}: ${t.postsOk && t.postsWorst <= t.postsMax ? "met" : "**NOT met**"}); ` +
    `${fmtS(t.wallMs)} (at most the floor's plus ${Math.ceil(50 / parallel) + 1} busy windows = ${fmtS(t.wallMaxMs)}: ${t.wallOk ? "met" : "NOT met"})`
  );
}

/** Where the target row's time goes, from its figures. */
function whereTimeGoes(rows: readonly EngineRow[]): string[] {
  const out: string[] = [
    "Where the time goes: each phase splits into the engine's own work (start-up before the first request, steps, checkpoints, shutdown: compare the floor) " +
      "and the span from the first to the last API request, of which the busy windows between the waves' POSTs are forced (at least limit - 1 of them):",
    "",
  ];
  const split = (s: EngineSide, forced: number) =>
    s.apiSpanMs === undefined ? undefined : `${fmtS(s.wallMs)} = ${fmtS(s.wallMs - s.apiSpanMs)} of engine work + ${fmtS(s.apiSpanMs)} of API span (${fmtS(s.apiSpanMs - forced)} above the forced windows)`;
  for (const r of rows.filter((x) => x.busyMs === rows[0].busyMs)) {
    const span = r.ours.apiSpanMs;
    if (span === undefined) continue;
    const forced = (r.limit - 1) * r.busyMs;
    out.push(
      `- ${r.phase}: ${fmtS(r.ours.wallMs)} = ${fmtS(r.ours.wallMs - span)} of engine work (the floor: ${fmtS(r.floor?.wallMs)}) + ${fmtS(span)} of API span, ` +
        `of which ${fmtS(forced)} are the ${r.limit - 1} busy windows the waves force and ${fmtS(span - forced)} the rest: learning the busy window (each phase is a new provider process, so its second wave meets 409s until the window ends, paced at half the time since the first POST), ` +
        `probing it, ${r.phase === "update" ? "the release grace, " : ""}gathering each wave, the status listings. ${r.ours.conflicts} 409s.`,
    );
    const p = r.plugin && split(r.plugin, forced);
    if (p && r.plugin) out.push(`  - ${PLUGIN_LABEL}: ${p}; ${r.plugin.conflicts} 409s.`);
  }
  return out;
}

function findings(e: EngineResults): string[] {
  const out: string[] = [];
  const rows = e.rows;
  const over = [
    ...rows.filter((r) => r.ours.postsBusiest > r.limit + 2).map((r) => ({ r, label: "", posts: r.ours.postsBusiest })),
    ...rows.filter((r) => r.plugin && r.plugin.postsBusiestWorst > r.limit + 2).map((r) => ({ r, label: `${PLUGIN_LABEL}, `, posts: (r.plugin as EngineSide).postsBusiestWorst })),
  ];
  const naive = rows.filter((r) => r.naive);
  if (naive.length > 0) {
    const ratios = naive.map((r) => (r.naive as NonNullable<EngineRow["naive"]>).wallMs / r.ours.wallMs);
    out.push(
      `- **Ours against naive**: ${fmtX(Math.min(...ratios))} to ${fmtX(Math.max(...ratios))} faster in the ${naive.length} phases that have both; ` +
        `naive sends one accepted POST per resource and action and meets every busy window (${naive
          .filter((r) => r.phase === "up")
          .map((r) => `${scenarioName(r)} at ${r.busyMs} ms: ${r.naive?.posts} POSTs and ${r.naive?.conflicts} 409s against ${r.ours.posts} and ${r.ours.conflicts}`)
          .join("; ")}).`,
    );
  }
  const floorRows = rows.filter((r) => r.floor && r.floor.wallMs > 0);
  if (floorRows.length > 0) {
    const fl = floorRows.filter((r) => r.phase === "up" && r.defaultParallel);
    out.push(
      `- **The engine's own cost is most of a small deployment**: the floor's \`up\` takes ${fl.map((r) => `${fmtS(r.floor?.wallMs)} for ${r.resources}`).filter((v, i, a) => a.indexOf(v) === i).join(", ")} ` +
        "(CLI, language host, program and dynamic provider start-up, one checkpoint write per step).",
    );
  }
  if (over.length > 0) {
    out.push(
      `- **More POSTs than the limit + 2** (on the busiest cluster) in: ${over.map(({ r, label, posts }) => `${label}${scenarioName(r)}, busy ${r.busyMs} ms, parallel ${r.parallel}, ${r.phase} (${posts} against ${r.limit})`).join("; ")}. ` +
        "A wave that reaches the provider spread out over more than the gather can wait for (MAX_GATHER_MS, 1 s) is split, and its rest waits a busy window.",
    );
  }
  const withPlugin = rows.filter((r) => r.plugin);
  if (withPlugin.length > 0) {
    out.push(
      `- **${PLUGIN_LABEL} against ours** (${scenarioName(withPlugin[0])}, busy ${withPlugin[0].busyMs} ms): ` +
        withPlugin
          .map((r) => {
            const p = r.plugin as EngineSide;
            return `${r.phase} ${p.postsBusiest} POSTs and ${p.conflicts} 409s against ${r.ours.postsBusiest} and ${r.ours.conflicts}, ${fmtS(p.wallMs)} against ${fmtS(r.ours.wallMs)} (ours / plugin ${fmtX(r.ours.wallMs / p.wallMs)})`;
          })
          .join("; ") +
        ". One plugin process per deployment gives the same per-cluster lane as the dynamic provider host.",
    );
  }
  const failed = rows.filter((r) => r.ours.converged < r.ours.reps || (r.naive && r.naive.converged < r.naive.reps) || (r.plugin && r.plugin.converged < r.plugin.reps));
  out.push(failed.length > 0 ? `- **Failed phases**: ${failed.map((r) => `${scenarioName(r)} ${r.busyMs} ms ${r.phase}`).join(", ")} (see bench/results.json).` : "- Every phase of every run converged.");
  return out;
}
