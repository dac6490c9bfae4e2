/**
 * Renders the figures a run of test/reliability wrote (CSS_VPCEP_FIGURES_DIR, default
 * test/.tmp/reliability-figures) into the tables of docs/reliability.md, between
 * `<!-- figures:NAME -->` and `<!-- /figures:NAME -->` markers, and copies the raw figures to
 * docs/reliability-figures.json. Prose outside the markers is left alone.
 *
 *   npx jest test/reliability && npx ts-node test/reliability/render-figures.ts
 */
import * as fs from "fs";
import * as path from "path";
import { FIGURES_DIR, REPO_ROOT } from "./support";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- figures are free-form JSON
type Json = Record<string, any>;

const DOC = path.join(REPO_ROOT, "docs", "reliability.md");
const RAW = path.join(REPO_ROOT, "docs", "reliability-figures.json");

function load(suite: string): Json | undefined {
  const file = path.join(FIGURES_DIR, `${suite}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Json) : undefined;
}

/** A table cell: pipes escaped, newlines flattened; `code` wraps it in backticks. */
function cell(value: unknown, code = false): string {
  const text = String(value ?? "").replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
  if (!code || text === "") return text;
  return text.includes("`") ? `<code>${text.replace(/</g, "&lt;")}</code>` : `\`${text}\``;
}

function table(head: string[], rows: unknown[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map((c) => String(c)).join(" | ")} |`)].join("\n");
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const size = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} KB`);

function faultMatrix(doc: Json): string {
  const rows = doc.data.rows as Json[];
  const worst = Math.max(...rows.map((r) => r.marginMs as number));
  return [
    table(
      ["#", "Fault", "Produced by", "Outcome (exact message)", "Calls the server saw", "Elapsed / deadline"],
      rows.map((r, i) => [
        i + 1,
        cell(r.fault),
        cell(r.how),
        r.outcome === "converged" ? "**converged**" : `error: ${cell(r.message, true)}`,
        `${r.calls}${r.breakdown ? ` (${cell(r.breakdown)})` : ""}${r.attempts !== undefined ? `; attempts ${r.attempts}` : ""}`,
        `${s(r.elapsedMs)} / ${s(r.deadlineMs)}`,
      ]),
    ),
    "",
    `${rows.length} rows; every row ended at most ${worst} ms ${worst > 0 ? "after" : "before"} its deadline (allowed: +${doc.data.deadlineSlackMs} ms). ` +
      `Tuning: ${Object.entries(doc.data.tuning as Json).map(([k, v]) => `${k}=${v}`).join(", ")}. Run ${doc.generatedAt} on ${doc.platform}, Node ${doc.node}.`,
  ].join("\n");
}

function badInputs(doc: Json): string {
  const d = doc.data;
  const engine = new Map((d.engine as Json[] | undefined)?.map((e) => [e.key, e]) ?? []);
  const engineShort = (line: string | null | undefined) => (line ? cell(line.replace(/^error: .*? resource '[^']+': /, ""), true) : "");
  return [
    table(
      ["Input", "Property", "`check` message (exact)", "Requests", "Engine: `pulumi preview`", "Engine: `pulumi up`"],
      (d.check as Json[]).map((r) => {
        const e = engine.get(r.key) as Json | undefined;
        return [cell(r.input, true), cell(r.property, true), cell(r.message, true), r.requests, engineShort(e?.preview), e?.up ? "same error" : "(preview only)"];
      }),
    ),
    "",
    `The engine prints each as \`error: pulumi-nodejs:dynamic/css-vpcep:VpcepConnectionApproval resource '<name>': property <p> value {<v>} has a problem: <message>\`; ` +
      `the emulator recorded ${(d.engine as Json[] | undefined)?.reduce((a, e) => a + (e.requests as number), 0) ?? "?"} requests over all ${(d.engine as Json[] | undefined)?.length ?? 0} previews and ${(d.engine as Json[] | undefined)?.filter((e) => e.up).length ?? 0} ups.`,
    "",
    "Configuration errors (raised when the operation starts, before any request):",
    "",
    table(
      ["Case", "Message (exact)", "Requests"],
      (d.configuration as Json[]).map((r) => [cell(r.key), cell(r.message, true), r.requests]),
    ),
    ...(d.engineConfiguration ? ["", `Through the engine, no credentials: preview ${d.engineConfiguration.preview}; up fails with ${cell(d.engineConfiguration.up, true)}; ${d.engineConfiguration.requests} requests.`] : []),
  ].join("\n");
}

function load_(doc: Json, cliDoc?: Json): string {
  const d = doc.data;
  const phaseRows = (phases: Json[]) =>
    phases.map((p) => [
      p.phase,
      s(p.wallMs),
      p.totalPosts,
      p.total409,
      p.totalGets,
      (p.perCluster as Json[]).map((c) => `${c.posts}/${c.conflicts409}`).join(", "),
      p.coordinatorPosts !== undefined ? `${p.coalescedRequests} → ${p.coordinatorPosts}` : p.stateBytes !== undefined ? `${size(p.stateBytes)} state` : "",
    ]);
  const head = ["Phase", "Wall time", "POSTs", "409s", "GETs", "POSTs/409s per cluster", "Notes"];
  const parts = [
    `**In-process**: ${d.resources} resources (${d.endpointsPerResource} endpoints each) over ${d.clusters} clusters, one provider instance per resource, all called at once; busy window ${d.busyMs} ms. Notes column: requests queued → POSTs the coordinator sent.`,
    "",
    table(head, phaseRows(d.inProcess as Json[])),
  ];
  const cliSections = [d.cli as Json | undefined, cliDoc?.data.cli as Json | undefined].filter(Boolean) as Json[];
  for (const cli of cliSections) {
    parts.push("", `**Real Pulumi CLI**: ${cli.resources} resources in one inline program, --parallel ${cli.parallel}, same busy window.`, "", table(head, phaseRows(cli.phases as Json[])));
  }
  parts.push("", `Run ${doc.generatedAt}${cliDoc ? ` and ${cliDoc.generatedAt}` : ""} on ${doc.platform}.`);
  return parts.join("\n");
}

function interruption(doc: Json): string {
  const parts: string[] = [];
  for (const [name, steps] of Object.entries(doc.data as Json)) {
    if (!Array.isArray(steps)) continue;
    parts.push(
      `**${name}**`,
      "",
      table(
        ["Step", "Result", "Time", "Approvals in state", "Pending operations", "Lock files", "What the CLI printed / notes"],
        (steps as Json[]).map((st) => {
          const notes: string[] = [];
          if (st.signalToExitMs !== undefined) notes.push(`signal → CLI exit ${s(st.signalToExitMs)}`);
          if (st.runningAfterFirstSigint) notes.push("still running 3 s after the first SIGINT");
          if (st.providerExitedWithin10s === false) notes.push("provider process still alive 10 s after the CLI died (killed by the test)");
          const printed = ((st.output as string[] | undefined) ?? []).filter((l) => !l.includes("retrying") && !l.startsWith("err?:") && !l.startsWith("+  pulumi:pulumi:Stack"));
          const uniq = [...new Set(printed)].slice(0, 3);
          return [
            cell(st.step),
            st.ok === undefined ? "" : st.ok ? `ok${st.result ? ` (${st.result}${st.changes ? ` ${JSON.stringify(st.changes)}` : ""})` : ""}` : "**failed**",
            st.ms !== undefined ? s(st.ms) : "",
            st.state.approvals,
            cell((st.state.pendingOperations as string[]).join(", ") || "none"),
            st.state.lockFiles,
            [...notes.map((n) => cell(n)), ...uniq.map((l) => cell(l, true))].join("<br>"),
          ];
        }),
      ),
      "",
    );
  }
  parts.push(`${doc.data.resources} chained resources per stack (each depends on the previous); the interrupted POST was held ${doc.data.latencyMs} ms by the emulator. Run ${doc.generatedAt}.`);
  return parts.join("\n");
}

function secrets(doc: Json): string {
  const d = doc.data;
  const parts = [
    table(
      ["Where", "What was scanned", "Secrets found"],
      (d.checks as Json[]).map((c) => [cell(c.where), cell(c.what), (c.leaks as string[]).length === 0 ? "none" : `**${(c.leaks as string[]).length} (${cell((c.leaks as string[]).join(", "))})**`]),
    ),
    "",
    "Error paths and their messages (credentials scrubbed):",
    "",
    table(["Path", "Message"], (d.errorPaths as Json[]).map((e) => [cell(e.path), cell(e.message, true)])),
    "",
    "`redactLine` on request dumps (no secret list: an IAM-issued token is only caught by the header rule):",
    "",
    table(["Form", "After redactLine"], (d.redaction as Json[]).map((r) => [cell(r.form), cell(r.redacted, true)])),
  ];
  if (d.logLines) parts.push("", `Log lines captured in-process with CSS_VPCEP_DEBUG=1: ${d.logLines.total} (${d.logLines.debug} debug, ${d.logLines.info} info, ${d.logLines.warning} warning).`);
  if (d.tlsUntrusted) parts.push("", `TLS, self-signed certificate: ${cell(d.tlsUntrusted.message, true)}; attempts ${d.tlsUntrusted.attempts}, TLS connections ${d.tlsUntrusted.tlsConnections}, requests reaching the API ${d.tlsUntrusted.upstreamRequests}, ${d.tlsUntrusted.elapsedMs} ms.`);
  if (d.tlsExtraCa) parts.push("", `TLS with \`NODE_EXTRA_CA_CERTS=<that certificate>\` in a fresh node process: exit ${d.tlsExtraCa.exitCode}, connections ${cell(d.tlsExtraCa.stdout, true)}, ${d.tlsExtraCa.upstreamRequests} requests reached the API.`);
  if (d.tlsSourceScan) parts.push("", `Source scan of provider/ (${d.tlsSourceScan.files} files) for rejectUnauthorized / NODE_TLS_REJECT_UNAUTHORIZED / checkServerIdentity / insecure: ${(d.tlsSourceScan.offenders as string[]).length === 0 ? "none" : cell((d.tlsSourceScan.offenders as string[]).join(", "))}.`);
  if (d.cli) parts.push("", `Real CLI: ${d.cli.providerDebugLines} provider debug lines in ${d.cli.outputBytes} bytes of CLI output; state ${d.cli.stateBytes} bytes; the dynamic provider's inputs in state: ${cell(JSON.stringify(d.cli.providerInputsInState), true)}.`);
  if (d.serializedProviderBytes) parts.push("", `Serialized provider (\`__provider\`): ${d.serializedProviderBytes} bytes.`);
  parts.push("", `Run ${doc.generatedAt}.`);
  return parts.join("\n");
}

function signer(doc: Json): string {
  return [
    table(
      ["Property", "Runs", "Outcome", "Counterexample (shrunk)"],
      (doc.data as Json[]).map((p) => [cell(p.property), p.runs, p.outcome === "held" ? "held" : "**counterexample**", cell(p.counterexample ?? "", true)]),
    ),
    "",
    `Run ${doc.generatedAt} (fast-check ${(JSON.parse(fs.readFileSync(require.resolve("fast-check/package.json"), "utf8")) as { version: string }).version}).`,
  ].join("\n");
}

function main(): void {
  const sections: Record<string, string> = {};
  const raw: Record<string, unknown> = {};
  const suites: [string, (doc: Json) => string][] = [
    ["fault-matrix", faultMatrix],
    ["bad-inputs", badInputs],
    ["load", (doc) => load_(doc, load("load-cli-100"))],
    ["interruption", interruption],
    ["secrets", secrets],
    ["signer-property", signer],
  ];
  for (const [name, render] of suites) {
    const doc = load(name);
    if (!doc) {
      process.stderr.write(`render-figures: no ${name}.json in ${FIGURES_DIR}; section left as it is\n`);
      continue;
    }
    raw[name] = doc;
    sections[name] = render(doc);
  }
  const cli100 = load("load-cli-100");
  if (cli100) raw["load-cli-100"] = cli100;

  let text = fs.readFileSync(DOC, "utf8");
  for (const [name, body] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- figures:${name} -->)[\\s\\S]*?(<!-- /figures:${name} -->)`);
    if (!re.test(text)) throw new Error(`docs/reliability.md has no <!-- figures:${name} --> section`);
    text = text.replace(re, (_m, open: string, close: string) => `${open}\n${body}\n${close}`);
  }
  fs.writeFileSync(DOC, text);
  fs.writeFileSync(RAW, JSON.stringify(raw, null, 2) + "\n");
  process.stdout.write(`render-figures: ${Object.keys(sections).join(", ")} -> ${path.relative(REPO_ROOT, DOC)}, ${path.relative(REPO_ROOT, RAW)}\n`);
}

main();
