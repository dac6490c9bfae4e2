/**
 * Interruption, with the real Pulumi CLI (3.248) on a file:// backend. Each stack holds a chain of
 * RESOURCES approvals (each depends on the previous); the emulator holds the first POST of the run
 * (a slow answer, or a 409 storm) so the provider is mid-call, then the run is interrupted:
 *
 * - Ctrl-C (SIGINT, the Automation API's AbortSignal): the engine lets the step in flight finish and
 *   stops. `up` fails "update canceled"; `destroy` exits 0 although resources remain (3.248).
 *   Recovery: the same command again.
 * - Ctrl-C twice: the CLI stops at once; the create in flight stays pending.
 *   Recovery: `pulumi refresh --clear-pending-creates`, `pulumi up`.
 * - the dynamic provider process killed (SIGKILL): the step in flight fails. Recovery: again.
 * - the CLI killed (SIGKILL): the lock stays, and the step in flight stays pending.
 *   Recovery: `pulumi cancel`, (after an up) `pulumi refresh --clear-pending-creates`, the command again.
 *
 * "Nothing lost": every endpoint in its declared status, every resource in state, no pending operation,
 * no lock, and a preview with no change. Each step's result, what the CLI printed and the state it left
 * are recorded in <figures>/interruption.json; docs/reliability.md, "Recovering from an interrupted up
 * or destroy", documents the steps.
 */
import * as fs from "fs";
import * as path from "path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { CssEmulator, Fault } from "../../emulator";
import { VpcepConnectionApproval } from "../../provider";
import { akskEnv, setEnv, startEmulator, statuses } from "../helpers/harness";
import { TestBackend, inlineStack, newBackend } from "../helpers/pulumi";
import { findCliProcess, findDynamicProvider, isAlive, waitUntil, writeFigures } from "./support";

jest.setTimeout(240_000);

const RESOURCES = 4;
const LATENCY_MS = 2000;
const TUNING = {
  CSS_VPCEP_POLL_BASE_MS: "50",
  CSS_VPCEP_POLL_MAX_MS: "200",
  CSS_VPCEP_RETRY_BASE_MS: "50",
  CSS_VPCEP_RETRY_MAX_MS: "200",
  CSS_VPCEP_REQUEST_TIMEOUT_MS: "10000",
};

let emu: CssEmulator;
let restore: () => void;
let backend: TestBackend;
const figures: Record<string, unknown> = { resources: RESOURCES, latencyMs: LATENCY_MS };

beforeAll(async () => {
  emu = await startEmulator();
  restore = setEnv({ ...akskEnv(emu), ...TUNING });
  backend = await newBackend({ ...akskEnv(emu), ...TUNING });
});
afterAll(async () => {
  restore?.();
  await emu?.stop();
  backend?.cleanup();
  writeFigures("interruption", figures);
});

interface StateFacts {
  approvals: number;
  pendingOperations: string[];
  lockFiles: number;
}

interface Scenario {
  stack: Stack;
  name: string;
  cluster: string;
  steps: Record<string, unknown>[];
}

function endpointsOf(cluster: string): string[] {
  return Array.from({ length: RESOURCES * 2 }, (_, i) => `${cluster}-ep-${i}`);
}

async function scenario(name: string): Promise<Scenario> {
  const cluster = `c-${name}`;
  const eps = endpointsOf(cluster);
  emu.addCluster(cluster, { endpoints: eps });
  const stack = await inlineStack(backend, "css-vpcep-interruption", name, async () => {
    // A chain (each depends on the previous): an interruption while the first is in flight leaves the
    // rest not yet started, so "nothing lost" is about resources the run never reached, too.
    let previous: VpcepConnectionApproval | undefined;
    for (let i = 0; i < RESOURCES; i++) {
      previous = new VpcepConnectionApproval(
        `approval-${i}`,
        { clusterId: cluster, endpointIds: [eps[2 * i], eps[2 * i + 1]], endpoint: emu.url, timeoutSeconds: 60 },
        previous ? { dependsOn: [previous] } : undefined,
      );
    }
  });
  const steps: Record<string, unknown>[] = [];
  figures[name] = steps;
  return { stack, name, cluster, steps };
}

async function stateFacts(s: Scenario): Promise<StateFacts> {
  const deployment = (await s.stack.exportStack()).deployment as { resources?: { type: string }[]; pending_operations?: { type: string; resource: { urn: string } }[] };
  const lockDir = path.join(backend.dir, "state", ".pulumi", "locks");
  const locks: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (path.join(d, e.name).includes(`/${s.name}/`) && e.name.endsWith(".json")) locks.push(e.name);
    }
  };
  walk(lockDir);
  return {
    approvals: (deployment.resources ?? []).filter((r) => r.type.includes("VpcepConnectionApproval")).length,
    pendingOperations: (deployment.pending_operations ?? []).map((op) => `${op.type} ${op.resource.urn.split("::").pop()}`),
    lockFiles: locks.length,
  };
}

/** The first lines of a CLI error that say what happened (the rest is the progress display). */
function essence(err: unknown): string[] {
  const text = err instanceof Error ? err.message : String(err);
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /error|cancel|locked|interrupted|pending|warning/i.test(l) && !l.startsWith("stderr:") && !l.startsWith("code:"))
    .slice(0, 8);
}

/** Run a CLI command of the scenario; records outcome, essential output lines and time. */
async function step<T>(s: Scenario, label: string, run: () => Promise<T>): Promise<{ ok: boolean; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await run();
    const summary = (value as { summary?: { result?: string; resourceChanges?: Record<string, number> } } | undefined)?.summary;
    const stdout = (value as { stdout?: string } | undefined)?.stdout;
    s.steps.push({ step: label, ok: true, ms: Date.now() - started, result: summary?.result, changes: summary?.resourceChanges, output: stdout ? essence(stdout) : undefined, state: await stateFacts(s) });
    return { ok: true, value };
  } catch (error) {
    s.steps.push({ step: label, ok: false, ms: Date.now() - started, output: essence(error), state: await stateFacts(s) });
    return { ok: false, error };
  }
}

type How = "sigint" | "sigint-twice" | "kill-provider" | "kill-cli";

/**
 * Start `op` with `fault` armed for the scenario's first POST (a slow answer keeps the call in
 * flight; a 409 storm keeps the provider retrying), wait until the provider is in that call, then
 * interrupt it `how`.
 */
async function interrupt(s: Scenario, label: string, op: (signal: AbortSignal) => Promise<unknown>, how: How, fault: Fault = { delayMs: LATENCY_MS }) {
  emu.clearRequests();
  emu.failNext(fault.status === undefined ? 1 : 100_000, { ...fault, match: { method: "POST", pathIncludes: s.cluster } });
  const controller = new AbortController();
  const result = step(s, label, () => op(controller.signal));
  await waitUntil(() => emu.requests.some((r) => r.fault && (fault.status === undefined ? r.status === 0 : r.status === fault.status)), 60_000, `the provider in a POST on ${s.cluster}`);
  const cli = findCliProcess(s.name);
  expect(cli).toBeDefined();
  const provider = findDynamicProvider(cli!.pid);
  expect(provider).toBeDefined();
  const signalledAt = Date.now();
  const facts: Record<string, unknown> = { how };
  if (how === "sigint" || how === "sigint-twice") controller.abort();
  if (how === "sigint-twice") {
    // A single Ctrl-C waits for the provider's operations; give it 3 s, then press again.
    await new Promise((r) => setTimeout(r, 3000));
    facts.runningAfterFirstSigint = isAlive(cli!.pid);
    process.kill(cli!.pid, "SIGINT");
  }
  if (how === "kill-provider") process.kill(provider!.pid, "SIGKILL");
  if (how === "kill-cli") process.kill(cli!.pid, "SIGKILL");
  const outcome = await result;
  facts.signalToExitMs = Date.now() - signalledAt;
  // Does the provider process outlive its CLI? (We started it, so we end it if it does.)
  facts.providerExitedWithin10s = await waitUntil(() => !isAlive(provider!.pid), 10_000, "the provider process to exit").then(
    () => true,
    () => false,
  );
  if (isAlive(provider!.pid)) process.kill(provider!.pid, "SIGKILL");
  Object.assign(s.steps[s.steps.length - 1], facts);
  emu.clearFaults();
  // Let the calls that were in flight land (the server finishes them even when the client is gone).
  await waitUntil(() => !emu.requests.some((r) => r.status === 0), 15_000, "in-flight calls to finish");
  return outcome;
}

function expectAll(cluster: string, status: string): void {
  expect(Object.values(statuses(emu, cluster))).toEqual(endpointsOf(cluster).map(() => status));
}

/** Converged and nothing lost: every resource in state, no pending operation, no lock, no diff. */
async function expectConverged(s: Scenario, status: "accepted" | "rejected", approvals: number): Promise<void> {
  expectAll(s.cluster, status);
  expect(await stateFacts(s)).toEqual({ approvals, pendingOperations: [], lockFiles: 0 });
  if (approvals > 0) {
    const preview = await s.stack.preview();
    expect(preview.changeSummary).toEqual({ same: approvals + 1 });
  }
}

describe("up interrupted", () => {
  it("Ctrl-C (SIGINT) while the first create's POST is in flight: up again", async () => {
    const s = await scenario("up-sigint");
    const interrupted = await interrupt(s, "up, SIGINT during the first POST", (signal) => s.stack.up({ signal }), "sigint");
    expect(interrupted.ok).toBe(false);
    // The engine let the create in flight finish, started nothing else, and released the lock.
    expect(await stateFacts(s)).toEqual({ approvals: 1, pendingOperations: [], lockFiles: 0 });
    expect((await step(s, "pulumi up", () => s.stack.up())).ok).toBe(true);
    await expectConverged(s, "accepted", RESOURCES);
  });

  it("Ctrl-C twice while the provider waits out a 409 storm: refresh --clear-pending-creates, up", async () => {
    const s = await scenario("up-sigint-twice");
    const storm: Fault = { status: 409, code: "CSS.0029", message: "Another operation is in progress" };
    const interrupted = await interrupt(s, "up, SIGINT during a 409 storm, SIGINT again 3 s later", (signal) => s.stack.up({ signal }), "sigint-twice", storm);
    expect(interrupted.ok).toBe(false);
    expect(s.steps[0].runningAfterFirstSigint).toBe(true);
    // Terminated at once: the lock is released, but the create in flight stays pending.
    expect(await stateFacts(s)).toEqual({ approvals: 0, pendingOperations: ["creating approval-0"], lockFiles: 0 });
    // `up` alone converges the endpoints, but the stale pending create stays in state (with a warning
    // on every run) until a refresh clears it.
    const up = await step(s, "pulumi up (without clearing the pending create)", () => s.stack.up());
    expect(up.ok).toBe(true);
    expect((up.value as { stdout: string }).stdout).toContain("Attempting to deploy or update resources with 1 pending operations from previous deployment.");
    expectAll(s.cluster, "accepted");
    expect(await stateFacts(s)).toEqual({ approvals: RESOURCES, pendingOperations: ["creating approval-0"], lockFiles: 0 });
    expect((await step(s, "pulumi refresh --clear-pending-creates", () => s.stack.refresh({ clearPendingCreates: true }))).ok).toBe(true);
    await expectConverged(s, "accepted", RESOURCES);
  });

  it("provider process killed (SIGKILL) during the first POST: up again", async () => {
    const s = await scenario("up-provider-killed");
    const interrupted = await interrupt(s, "up, provider SIGKILLed during the first POST", () => s.stack.up(), "kill-provider");
    expect(interrupted.ok).toBe(false);
    expect(String(interrupted.error)).toContain("error reading from server: EOF");
    // The create failed (not pending): the engine recorded nothing for it and released the lock.
    expect(await stateFacts(s)).toEqual({ approvals: 0, pendingOperations: [], lockFiles: 0 });
    expect((await step(s, "pulumi up", () => s.stack.up())).ok).toBe(true);
    await expectConverged(s, "accepted", RESOURCES);
  });

  it("CLI killed (SIGKILL) during the first POST: cancel, refresh --clear-pending-creates, up", async () => {
    const s = await scenario("up-cli-killed");
    const interrupted = await interrupt(s, "up, CLI SIGKILLed during the first POST", () => s.stack.up(), "kill-cli");
    expect(interrupted.ok).toBe(false);
    expect(await stateFacts(s)).toEqual({ approvals: 0, pendingOperations: ["creating approval-0"], lockFiles: 1 });
    const locked = await step(s, "pulumi up (stack still locked)", () => s.stack.up());
    expect(locked.ok).toBe(false);
    expect(String(locked.error)).toContain("the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.");
    expect((await step(s, "pulumi cancel", () => s.stack.cancel())).ok).toBe(true);
    expect(await stateFacts(s)).toEqual({ approvals: 0, pendingOperations: ["creating approval-0"], lockFiles: 0 });
    expect((await step(s, "pulumi refresh --clear-pending-creates", () => s.stack.refresh({ clearPendingCreates: true }))).ok).toBe(true);
    expect(await stateFacts(s)).toEqual({ approvals: 0, pendingOperations: [], lockFiles: 0 });
    expect((await step(s, "pulumi up", () => s.stack.up())).ok).toBe(true);
    await expectConverged(s, "accepted", RESOURCES);
  });
});

describe("destroy interrupted", () => {
  async function deployed(name: string): Promise<Scenario> {
    const s = await scenario(name);
    expect((await s.stack.up()).summary.result).toBe("succeeded");
    expectAll(s.cluster, "accepted");
    return s;
  }

  it("Ctrl-C (SIGINT) while the first delete's POST is in flight: destroy again", async () => {
    const s = await deployed("destroy-sigint");
    const interrupted = await interrupt(s, "destroy, SIGINT during the first POST", (signal) => s.stack.destroy({ signal }), "sigint");
    // Pulumi 3.248: a cancelled destroy exits 0 and reports "succeeded" (1 deleted) although the rest
    // of the stack is still there. Only the state tells: check it, and run destroy again.
    expect(interrupted.ok).toBe(true);
    expect(s.steps[0]).toMatchObject({ result: "succeeded", changes: { delete: 1 } });
    expect(await stateFacts(s)).toEqual({ approvals: RESOURCES - 1, pendingOperations: [], lockFiles: 0 });
    expect((await step(s, "pulumi destroy", () => s.stack.destroy())).ok).toBe(true);
    await expectConverged(s, "rejected", 0);
  });

  it("provider process killed (SIGKILL) during the first POST: destroy again", async () => {
    const s = await deployed("destroy-provider-killed");
    const interrupted = await interrupt(s, "destroy, provider SIGKILLed during the first POST", () => s.stack.destroy(), "kill-provider");
    expect(interrupted.ok).toBe(false);
    expect(await stateFacts(s)).toEqual({ approvals: RESOURCES, pendingOperations: [], lockFiles: 0 });
    expect((await step(s, "pulumi destroy", () => s.stack.destroy())).ok).toBe(true);
    await expectConverged(s, "rejected", 0);
  });

  it("CLI killed (SIGKILL) during the first POST: cancel, destroy again", async () => {
    const s = await deployed("destroy-cli-killed");
    const interrupted = await interrupt(s, "destroy, CLI SIGKILLed during the first POST", () => s.stack.destroy(), "kill-cli");
    expect(interrupted.ok).toBe(false);
    expect(await stateFacts(s)).toEqual({ approvals: RESOURCES, pendingOperations: ["deleting approval-3"], lockFiles: 1 });
    expect((await step(s, "pulumi destroy (stack still locked)", () => s.stack.destroy())).ok).toBe(false);
    expect((await step(s, "pulumi cancel", () => s.stack.cancel())).ok).toBe(true);
    // A pending delete needs no refresh: the next run deletes the resource again (idempotently).
    expect((await step(s, "pulumi destroy", () => s.stack.destroy())).ok).toBe(true);
    await expectConverged(s, "rejected", 0);
  });
});
