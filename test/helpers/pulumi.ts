/**
 * The real Pulumi CLI for end-to-end tests: Automation API stacks on a temporary file:// backend,
 * a fixed test passphrase, and automatic plugin downloads off. The CLI comes from
 * scripts/install-pulumi.sh (npm test runs it); a missing CLI fails the tests, never skips them.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import type { EngineEvent, OpType, PulumiFn } from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const TEST_PASSPHRASE = "css-vpcep-e2e-passphrase";

let cachedBin: string | undefined;

/** The folder holding `pulumi`, the language host and the dynamic provider plugin. Throws if absent. */
export function pulumiBinDir(): string {
  if (cachedBin) return cachedBin;
  try {
    const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "install-pulumi.sh")], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    cachedBin = out.trim().split("\n").pop() as string;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(`The end-to-end tests need the Pulumi CLI and could not get it:\n${stderr}\nRun: bash scripts/install-pulumi.sh`);
  }
  if (!fs.existsSync(path.join(cachedBin, "pulumi"))) throw new Error(`no pulumi binary in ${cachedBin}`);
  return cachedBin;
}

export interface TestBackend {
  dir: string;
  env: Record<string, string>;
  command: PulumiCommand;
  cleanup(): void;
}

/** A fresh file:// backend and PULUMI_HOME in a temp folder, with the CLI's environment. */
export async function newBackend(extraEnv: Record<string, string> = {}): Promise<TestBackend> {
  const bin = pulumiBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "css-vpcep-e2e-"));
  fs.mkdirSync(path.join(dir, "state"));
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
    ...extraEnv,
  };
  const command = await PulumiCommand.get({ root: path.dirname(bin) });
  return { dir, env, command, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Works around a Pulumi SDK bug that only a process running many inline programs meets (this jest
 * process; never `pulumi up`, which runs one program per process): the SDK never closes the gRPC
 * clients an inline run opens to the engine and monitor (runtime/settings.ts disconnectSync closes only
 * the process-wide ones), and after a failed run its last call (SignalAndWaitForShutdown) leaves such a
 * client reconnecting to the dead CLI's port. grpc-js shares connections between clients of the same
 * address, so when a later CLI happens to listen on that port, the new run's first call fails at once
 * with "14 UNAVAILABLE: No connection established. Last error: null" (seen in bad-inputs.test.ts).
 * A per-client connection pool removes the sharing. `grpcClientOptions` is internal to the SDK
 * (3.248 and 3.276 both have it), so say so if it goes away. Details: docs/compatibility.md.
 */
function isolateInlineProgramConnections(): void {
  const settings = require("@pulumi/pulumi/runtime/settings") as { grpcClientOptions?: Record<string, unknown> };
  if (settings.grpcClientOptions) settings.grpcClientOptions["grpc.use_local_subchannel_pool"] = 1;
  else console.warn("@pulumi/pulumi has no runtime/settings grpcClientOptions: the inline-program connection workaround is off (docs/compatibility.md)");
}

/** An inline-program stack on the backend. The program runs in this (jest) process. */
export async function inlineStack(backend: TestBackend, projectName: string, stackName: string, program: PulumiFn): Promise<Stack> {
  isolateInlineProgramConnections();
  return LocalWorkspace.createOrSelectStack(
    { projectName, stackName, program },
    { envVars: backend.env, pulumiCommand: backend.command, workDir: fs.mkdtempSync(path.join(backend.dir, "work-")) },
  );
}

/** Every file the backend wrote, concatenated (to search for leaked secrets). */
export function backendText(backend: TestBackend): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.push(fs.readFileSync(p, "utf8"));
    }
  };
  walk(path.join(backend.dir, "state"));
  return out.join("\n");
}

// ---- running commands, packing, reading plans and state ----------------------------------------

/** Fast retry/poll timings for the provider process (it inherits the CLI's environment). */
export const FAST_PROVIDER_ENV: Record<string, string> = {
  CSS_VPCEP_RETRY_BASE_MS: "20",
  CSS_VPCEP_RETRY_MAX_MS: "200",
  CSS_VPCEP_POLL_BASE_MS: "20",
  CSS_VPCEP_POLL_MAX_MS: "200",
  CSS_VPCEP_REQUEST_TIMEOUT_MS: "5000",
  // Long enough for the rest of a small program's resources to be checked before a release is sent.
  CSS_VPCEP_RELEASE_GRACE_MS: "300",
};

/** The type token of the approval resource. */
export const APPROVAL_TYPE = "pulumi-nodejs:dynamic/css-vpcep:VpcepConnectionApproval";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a command WITHOUT blocking the event loop: the emulator serves from this (jest) process, so a
 * spawnSync of anything that calls it would deadlock. Resolves with the exit code, never rejects on it.
 */
export function run(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs ?? 240_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `run`, failing with the command's output when it exits non-zero. */
export async function runOk(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  const r = await run(command, args, opts);
  if (r.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} (in ${opts.cwd}) exited with ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}

/** The CLI itself on a backend, e.g. for project-folder runs (`pulumi up` on a Pulumi.yaml). */
export function pulumiCli(backend: TestBackend, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return run(path.join(pulumiBinDir(), "pulumi"), args, { cwd, env: { ...process.env, ...backend.env, ...extraEnv } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A cross-process lock (a directory), so parallel jest workers do not rebuild dist/ at the same time. */
async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(os.tmpdir(), `${name}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 5 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** `npm pack` of this repository (its prepack builds dist/) into `dest`; returns the tarball's path. */
export async function packPackage(dest: string): Promise<string> {
  fs.mkdirSync(dest, { recursive: true });
  return withLock("pulumi-css-vpcep-e2e-pack", async () => {
    await runOk("npm", ["pack", "--pack-destination", dest], { cwd: REPO_ROOT });
    const tgz = fs.readdirSync(dest).filter((f) => /^pulumi-css-vpcep-.*\.tgz$/.test(f));
    if (tgz.length !== 1) throw new Error(`expected one tarball in ${dest}, found ${JSON.stringify(tgz)}`);
    return path.join(dest, tgz[0]);
  });
}

/** npm install as a user would, reusing the npm cache where it can. */
export function npmInstall(cwd: string, extraArgs: string[] = []): Promise<RunResult> {
  return runOk("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...extraArgs], { cwd, timeoutMs: 300_000 });
}

/** The logical name at the end of a URN. */
export function urnName(urn: string): string {
  return urn.split("::").pop() as string;
}

/** Collects engine events; `ops(name)` lists the step ops seen for a resource name (in order). */
export class EventLog {
  readonly events: EngineEvent[] = [];
  readonly onEvent = (e: EngineEvent): void => {
    this.events.push(e);
  };

  ops(name: string): OpType[] {
    return this.events
      .filter((e) => e.resourcePreEvent && urnName(e.resourcePreEvent.metadata.urn) === name)
      .map((e) => (e.resourcePreEvent as NonNullable<EngineEvent["resourcePreEvent"]>).metadata.op);
  }

  /** The inputs the engine planned for a resource (preview's `new` state). */
  plannedInputs(name: string): Record<string, unknown> | undefined {
    const e = this.events.find((x) => x.resourcePreEvent && urnName(x.resourcePreEvent.metadata.urn) === name);
    return e?.resourcePreEvent?.metadata.new?.inputs as Record<string, unknown> | undefined;
  }

  diagnostics(): string {
    return this.events
      .filter((e) => e.diagnosticEvent)
      .map((e) => e.diagnosticEvent?.message ?? "")
      .join("");
  }
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The resources of a stack's current state (`pulumi stack export`). */
export async function stateResources(stack: Stack): Promise<StateResource[]> {
  const exported = await stack.exportStack();
  return ((exported.deployment as { resources?: StateResource[] }).resources ?? []) as StateResource[];
}

/** The approval resources in state, by logical name. */
export async function approvalsInState(stack: Stack): Promise<Map<string, StateResource>> {
  const out = new Map<string, StateResource>();
  for (const r of await stateResources(stack)) if (r.type === APPROVAL_TYPE) out.set(urnName(r.urn), r);
  return out;
}

/** `{endpointId: status}` from a state resource's `connections` output. */
export function stateStatuses(r: StateResource | undefined): Record<string, string> {
  const conns = (r?.outputs?.connections ?? []) as { id: string; status: string }[];
  return Object.fromEntries(conns.map((c) => [c.id, c.status]));
}

/**
 * Versions of the consumer project's dependencies: the SDK the package was built and tested with, or
 * PULUMI_VERSION when set (the compatibility run, scripts/compat.sh, uses one version everywhere).
 */
function repoDevVersion(name: string): string {
  if (name === "@pulumi/pulumi" && process.env.PULUMI_VERSION) return process.env.PULUMI_VERSION;
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  return pkg.devDependencies[name];
}

export interface ConsumerProjectOptions {
  /** Project folder (created). */
  dir: string;
  /** Pulumi project name. */
  name: string;
  /** The packed pulumi-css-vpcep tarball to depend on. */
  tarball: string;
  /** A TypeScript program (index.ts, with typescript in devDependencies and a tsconfig) or JavaScript (index.js). */
  language: "typescript" | "javascript";
  program: string;
}

/**
 * A user's project: package.json depending on the packed tarball and @pulumi/pulumi, Pulumi.yaml with
 * runtime nodejs, the program; then `npm install`, as a user would.
 */
export async function createConsumerProject(o: ConsumerProjectOptions): Promise<void> {
  fs.mkdirSync(o.dir, { recursive: true });
  const ts = o.language === "typescript";
  const pkg = {
    name: o.name,
    version: "1.0.0",
    private: true,
    main: ts ? "index.ts" : "index.js",
    dependencies: { "@pulumi/pulumi": repoDevVersion("@pulumi/pulumi"), "pulumi-css-vpcep": `file:${o.tarball}` },
    ...(ts ? { devDependencies: { typescript: repoDevVersion("typescript"), "@types/node": repoDevVersion("@types/node") } } : {}),
  };
  fs.writeFileSync(path.join(o.dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  fs.writeFileSync(
    path.join(o.dir, "Pulumi.yaml"),
    `name: ${o.name}\nruntime:\n  name: nodejs\n  options:\n    typescript: ${ts}\n`,
  );
  if (ts) {
    // What `pulumi new typescript` writes.
    const tsconfig = {
      compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
      },
      files: ["index.ts"],
    };
    fs.writeFileSync(path.join(o.dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n");
  }
  fs.writeFileSync(path.join(o.dir, ts ? "index.ts" : "index.js"), o.program);
  await npmInstall(o.dir);
}

/**
 * The provider plugin as users get it: the packed package installed with npm into `<backend>/plugin`.
 * Returns its bin folder (where pulumi-resource-css-vpcep is), for PATH.
 */
export async function installPlugin(backend: TestBackend): Promise<string> {
  const install = path.join(backend.dir, "plugin");
  fs.mkdirSync(install);
  const tarball = await packPackage(path.join(backend.dir, "pack"));
  const pkg = { name: "plugin-install", private: true, dependencies: { "pulumi-css-vpcep": `file:${tarball}`, "@pulumi/pulumi": repoDevVersion("@pulumi/pulumi") } };
  fs.writeFileSync(path.join(install, "package.json"), JSON.stringify(pkg));
  await npmInstall(install);
  return path.join(install, "node_modules", ".bin");
}

/** A stack of a project folder: the CLI runs the program through the nodejs language host. */
export function projectStack(backend: TestBackend, workDir: string, stackName: string): Promise<Stack> {
  return LocalWorkspace.createOrSelectStack({ workDir, stackName }, { envVars: backend.env, pulumiCommand: backend.command });
}
