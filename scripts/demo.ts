/**
 * The main job: the cluster owner's whole flow against the local CSS emulator, applied with the real
 * Pulumi CLI on a local file:// backend (examples/producer):
 *   1. `pulumi up` opens the cluster's VPC endpoint service and whitelists the consumer account;
 *   2. the consumer connects two endpoints; `pulumi up --refresh` approves them;
 *   3. the consumer adds another; the next scheduled `pulumi up --refresh` approves it too;
 *   4. `pulumi destroy` rejects them and closes the service again: the cluster is as it was found.
 * Nothing is left running afterwards.
 *
 *   npm run demo
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CssEmulator } from "../emulator";

const root = path.resolve(__dirname, "..", "..");
const program = path.join(root, "examples", "producer");
const CLUSTER = "demo-cluster-0001";
const CONSUMER = "c0ffee00c0ffee00c0ffee00c0ffee00";
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
    const child = spawn("pulumi", [...args, "--cwd", program], { cwd: program, env, stdio: ["ignore", "pipe", "pipe"] });
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

function show(emulator: CssEmulator, title: string): void {
  const service = emulator.serviceState(CLUSTER);
  const connections = Object.fromEntries(emulator.connections(CLUSTER).map((c) => [c.id, c.status]));
  console.log(`\n== ${title}`);
  console.log(`   service: ${service?.open ? "open" : "closed"}, whitelist: [${service?.whitelist.join(", ") ?? ""}]`);
  console.log(`   connections: ${JSON.stringify(connections)}`);
}

async function main(): Promise<void> {
  const bin = installPulumi();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "css-vpcep-demo-"));
  // A real cluster stays busy for a while after each change: every call made then answers 409.
  const emulator = new CssEmulator({ busyMs: 300 });
  const url = await emulator.start();
  emulator.addCluster(CLUSTER, { vpcepEnabled: false });
  console.log(`CSS emulator at ${url}: cluster ${CLUSTER}, its VPC endpoint service closed`);
  show(emulator, "before");

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
    const set = (key: string, value: string, secret = false) =>
      pulumi(env, ["config", "set", ...(secret ? ["--secret"] : []), key, value, "--stack", STACK], { quiet: secret });
    await set("clusterId", CLUSTER);
    await set("consumerAccounts", JSON.stringify([CONSUMER]));
    await set("css-vpcep:endpoint", url);
    await set("css-vpcep:projectId", emulator.projectId);
    // Credentials as secret stack config: encrypted in Pulumi.<stack>.yaml, never in state.
    const [key] = emulator.options.keys ?? [];
    await set("css-vpcep:accessKey", key.accessKey, true);
    await set("css-vpcep:secretKey", key.secretKey, true);
    const up = (refresh: boolean) => pulumi(env, ["up", "--yes", "--non-interactive", "--skip-preview", ...(refresh ? ["--refresh"] : []), "--stack", STACK]);

    await up(false);
    show(emulator, "1. service opened and the consumer account whitelisted");

    emulator.addConnection(CLUSTER, { id: "ep-consumer-a", domainId: CONSUMER });
    emulator.addConnection(CLUSTER, { id: "ep-consumer-b", domainId: CONSUMER });
    show(emulator, "the consumer connected two endpoints (pending)");
    await up(true);
    show(emulator, "2. approved by `pulumi up --refresh`");

    emulator.addConnection(CLUSTER, { id: "ep-consumer-c", domainId: CONSUMER });
    await up(true);
    show(emulator, "3. a new endpoint of the same account, approved by the next scheduled `pulumi up --refresh`");

    const state = await pulumi(env, ["stack", "export", "--stack", STACK], { quiet: true });
    const leaked = [key.accessKey, key.secretKey].filter((s) => state.includes(s));
    console.log(leaked.length === 0 ? "\nState holds no credential: ok" : `\nWARNING: state holds ${leaked.length} credential(s)`);

    await pulumi(env, ["destroy", "--yes", "--non-interactive", "--skip-preview", "--stack", STACK]);
    show(emulator, "4. after destroy: endpoints rejected, the service closed again as it was found");
    console.log(
      `\nCalls that changed the cluster: ${emulator.count({ method: "POST", status: 200 }) + emulator.count({ method: "PUT", status: 200 })}; ` +
        `409s met (busy window of our own changes, while the lane learns it): ${emulator.count({ status: 409 })}`,
    );
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
