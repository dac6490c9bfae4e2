/**
 * The main job: start the local CSS emulator with a cluster and pending endpoints, apply
 * examples/basic (through the repository's root Pulumi.yaml) with the real Pulumi CLI on a local
 * file:// backend, print the connection statuses, then destroy and leave nothing running.
 *
 *   npm run demo
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CssEmulator } from "../emulator";

const root = path.resolve(__dirname, "..", "..");
const CLUSTER = "demo-cluster-0001";
const ENDPOINTS = ["ep-consumer-a", "ep-consumer-b", "ep-consumer-c"];
const STACK = `demo-${process.pid}`;

function installPulumi(): string {
  const result = spawnSync("bash", [path.join(root, "scripts", "install-pulumi.sh")], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (result.status !== 0) throw new Error("could not get a Pulumi CLI (see the messages above)");
  return result.stdout.trim().split("\n").pop() as string;
}

/** Run the CLI without blocking: the emulator serves from this same event loop. */
function pulumi(env: NodeJS.ProcessEnv, args: string[], opts: { quiet?: boolean } = {}): Promise<string> {
  if (!opts.quiet) console.log(`\n$ pulumi ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!opts.quiet) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) return resolve(stdout);
      process.stderr.write(stderr);
      reject(new Error(`pulumi ${args[0]} failed with exit code ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const bin = installPulumi();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "css-vpcep-demo-"));
  const emulator = new CssEmulator({ busyMs: 200 });
  const url = await emulator.start();
  emulator.addCluster(CLUSTER, { endpoints: ENDPOINTS });
  console.log(`CSS emulator at ${url}: cluster ${CLUSTER} with pending endpoints ${ENDPOINTS.join(", ")}`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
    PULUMI_HOME: path.join(work, "home"),
    PULUMI_CONFIG_PASSPHRASE: "demo-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  fs.mkdirSync(path.join(work, "state"), { recursive: true });
  let stackCreated = false;
  try {
    await pulumi(env, ["stack", "init", STACK, "--non-interactive"]);
    stackCreated = true;
    await pulumi(env, ["config", "set", "clusterId", CLUSTER, "--stack", STACK]);
    await pulumi(env, ["config", "set", "endpointIds", JSON.stringify(ENDPOINTS), "--stack", STACK]);
    await pulumi(env, ["config", "set", "css-vpcep:endpoint", url, "--stack", STACK]);
    await pulumi(env, ["config", "set", "css-vpcep:projectId", emulator.projectId, "--stack", STACK]);
    // Credentials as secret stack config: encrypted in Pulumi.<stack>.yaml, never in state.
    const [key] = emulator.options.keys ?? [];
    await pulumi(env, ["config", "set", "--secret", "css-vpcep:accessKey", key.accessKey, "--stack", STACK], { quiet: true });
    await pulumi(env, ["config", "set", "--secret", "css-vpcep:secretKey", key.secretKey, "--stack", STACK], { quiet: true });

    await pulumi(env, ["up", "--yes", "--non-interactive", "--skip-preview", "--stack", STACK]);
    const outputs = JSON.parse(await pulumi(env, ["stack", "output", "--json", "--stack", STACK], { quiet: true })) as Record<string, unknown>;
    console.log("\nConnection statuses reported by the stack:", outputs.connectionStatuses);
    console.log("Connection statuses in the emulator:     ", Object.fromEntries(emulator.connections(CLUSTER).map((c) => [c.id, c.status])));
    const state = await pulumi(env, ["stack", "export", "--stack", STACK], { quiet: true });
    const leaked = [key.accessKey, key.secretKey].filter((s) => state.includes(s));
    console.log(leaked.length === 0 ? "State holds no credential: ok" : `WARNING: state holds ${leaked.length} credential(s)`);

    await pulumi(env, ["destroy", "--yes", "--non-interactive", "--skip-preview", "--stack", STACK]);
    console.log("\nAfter destroy, the emulator shows:", Object.fromEntries(emulator.connections(CLUSTER).map((c) => [c.id, c.status])));
    if (leaked.length > 0) process.exitCode = 1;
  } finally {
    if (stackCreated) await pulumi(env, ["stack", "rm", STACK, "--yes", "--force", "--non-interactive"], { quiet: true });
    await emulator.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
