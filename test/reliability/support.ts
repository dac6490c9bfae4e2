/**
 * Shared pieces of the reliability suite (test/reliability/*.test.ts): where figures go, capturing
 * what the provider writes to stderr, child processes (an emulator with a shifted clock, the
 * provider under other Node options), and finding the processes the Pulumi CLI started.
 *
 * Figures: every suite writes `<suite>.json` into CSS_VPCEP_FIGURES_DIR (default
 * test/.tmp/reliability-figures, ignored by git). `npx ts-node test/reliability/render-figures.ts`
 * turns them into the tables of docs/reliability.md.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RecordedRequest } from "../../emulator";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const FIGURES_DIR = process.env.CSS_VPCEP_FIGURES_DIR ?? path.join(REPO_ROOT, "test", ".tmp", "reliability-figures");

/** Write one suite's figures (a real run's numbers) for render-figures.ts. */
export function writeFigures(suite: string, data: unknown): string {
  fs.mkdirSync(FIGURES_DIR, { recursive: true });
  const file = path.join(FIGURES_DIR, `${suite}.json`);
  const doc = { suite, generatedAt: new Date().toISOString(), node: process.version, platform: `${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs`, data };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
  return file;
}

export interface StderrCapture {
  readonly lines: string[];
  /** Everything written, as one string (for secret scans). */
  text(): string;
  stop(): void;
}

/**
 * Capture process.stderr writes (the provider's logger writes there) until stop(). Nothing reaches
 * the real stderr meanwhile unless `passThrough`.
 */
export function captureStderr(passThrough = false): StderrCapture {
  const original = process.stderr.write.bind(process.stderr);
  const chunks: string[] = [];
  (process.stderr as unknown as { write: (chunk: unknown, ...rest: unknown[]) => boolean }).write = (chunk: unknown, ...rest: unknown[]) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return passThrough ? original(chunk as string, ...(rest as [])) : true;
  };
  return {
    get lines() {
      return chunks.join("").split("\n").filter((l) => l !== "");
    },
    text: () => chunks.join(""),
    stop: () => {
      process.stderr.write = original;
    },
  };
}

/** "GET 200×3, POST 409×12": the calls the emulator saw, grouped by method and answer (0 = no answer). */
export function callBreakdown(requests: readonly Pick<RecordedRequest, "method" | "path" | "status">[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const what = r.path.includes("/v3/auth/tokens") ? "IAM" : r.method;
    const key = `${what} ${r.status === 0 ? "no answer" : r.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([k, n]) => `${k}×${n}`).join(", ");
}

export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, stepMs = 10): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** An IAM token from the emulator's POST /v3/auth/tokens (password identity, project scope). */
export async function issueToken(emuUrl: string, user: { name: string; password: string; domainName: string }, projectId: string): Promise<string> {
  const res = await fetch(`${emuUrl}/v3/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      auth: { identity: { methods: ["password"], password: { user: { name: user.name, password: user.password, domain: { name: user.domainName } } } }, scope: { project: { id: projectId } } },
    }),
  });
  const token = res.headers.get("x-subject-token");
  if (res.status !== 201 || !token) throw new Error(`IAM answered ${res.status} without a token`);
  return token;
}

// ---- child processes --------------------------------------------------------------------------

/** A preload that moves this process's wall clock (Date only) by CLOCK_OFFSET_MS. */
const SHIFTED_CLOCK_JS = `"use strict";
const offset = Number(process.env.CLOCK_OFFSET_MS || 0);
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) { if (args.length === 0) super(RealDate.now() + offset); else super(...args); }
  static now() { return RealDate.now() + offset; }
}
globalThis.Date = ShiftedDate;
`;

export function shiftedClockPreload(dir: string): string {
  const file = path.join(dir, "shifted-clock.js");
  fs.writeFileSync(file, SHIFTED_CLOCK_JS);
  return file;
}

export interface ChildEmulator {
  url: string;
  child: ChildProcess;
  /** GET /_emulator/requests */
  requests(): Promise<RecordedRequest[]>;
  control(method: string, route: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * The emulator CLI (emulator/cli.ts, through ts-node) in its own process, so it can run with a
 * clock of its own. Extra node args go before the script (e.g. ["-r", preload]).
 */
export async function startChildEmulator(args: string[], nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<ChildEmulator> {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", ...nodeArgs, path.join(REPO_ROOT, "emulator", "cli.ts"), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  await waitUntil(() => /listening on (\S+)/.test(out) || child.exitCode !== null, 30_000, "the emulator CLI to print its URL", 50);
  const url = /listening on (\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`emulator CLI did not start: ${err || out}`);
  const control = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${url}/_emulator${route}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.json() as Promise<unknown>;
  };
  return {
    url,
    child,
    control,
    requests: async () => ((await control("GET", "/requests")) as { requests: RecordedRequest[] }).requests,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a TypeScript snippet in a fresh node process (ts-node), from the repository root. */
export function runNode(script: string, env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: REPO_ROOT,
      env: { ...env, TS_NODE_TRANSPILE_ONLY: "true" } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node child timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// ---- processes the Pulumi CLI started -------------------------------------------------------------

export interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

/** Every process on the machine, from /proc (Linux). */
export function processTable(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      out.push({ pid: Number(entry), ppid, cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** The `pulumi` CLI process running a command on this stack (`pulumi <command> ... --stack <name>`). */
export function findCliProcess(stackName: string): ProcInfo | undefined {
  return processTable().find((p) => {
    const argv = p.cmdline.split(" ");
    return /(^|\/)pulumi$/.test(argv[0]) && argv[argv.indexOf("--stack") + 1] === stackName;
  });
}

/** Descendants of `pid` (children, grandchildren...). */
export function descendants(pid: number, table: ProcInfo[] = processTable()): ProcInfo[] {
  const out: ProcInfo[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const p of table) {
      if (p.ppid === parent) {
        out.push(p);
        queue.push(p.pid);
      }
    }
  }
  return out;
}

/** The Node.js dynamic provider process (`@pulumi/pulumi/cmd/dynamic-provider`) under a CLI process. */
export function findDynamicProvider(cliPid: number): ProcInfo | undefined {
  return descendants(cliPid).find((p) => p.cmdline.includes("dynamic-provider"));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
