/**
 * The real Pulumi CLI for end-to-end tests: Automation API stacks on a temporary file:// backend,
 * a fixed test passphrase, and automatic plugin downloads off. The CLI comes from
 * scripts/install-pulumi.sh (npm test runs it); a missing CLI fails the tests, never skips them.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import type { PulumiFn } from "@pulumi/pulumi/automation";

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

/** An inline-program stack on the backend. The program runs in this (jest) process. */
export async function inlineStack(backend: TestBackend, projectName: string, stackName: string, program: PulumiFn): Promise<Stack> {
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
