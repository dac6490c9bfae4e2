/**
 * The provider plugin from a Go program: the Go Automation API with an inline program that declares
 * both resources by type token (test/e2e/plugin-go, built by scripts/build-go-program.sh), through the
 * real CLI: up, no-op preview, refresh with drift, up repairs, import with the `import` option, destroy.
 * Each step is one run of the Go program, so this test checks the emulator and the state in between.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { CssEmulator } from "../../emulator";
import { ACCESS_KEY, SECRET_KEY, startEmulator, statuses } from "../helpers/harness";
import { FAST_PROVIDER_ENV, REPO_ROOT, TestBackend, installPlugin, newBackend, pulumiCli, run } from "../helpers/pulumi";

jest.setTimeout(400_000);

// The names main.go uses.
const APPROVAL_CLUSTER = "c-go-approval";
const SERVICE_CLUSTER = "c-go-service";
const A = "a".repeat(32);
const urnOf = (type: string, name: string) => `urn:pulumi:dev::css-vpcep-plugin-go::css-vpcep:index:${type}::${name}`;

interface StepResult {
  step: string;
  changes: Record<string, number>;
  outputs?: Record<string, unknown>;
}
interface StateResource {
  urn: string;
  id?: string;
  protect?: boolean;
  outputs?: Record<string, unknown>;
}

let emu: CssEmulator;
let backend: TestBackend;
let goProgram: string;
let workDir: string;

/** One run of the Go program; its last stdout line is the step's JSON result. */
async function go(...args: string[]): Promise<StepResult> {
  const env = {
    ...process.env,
    ...backend.env,
    PLUGIN_GO_WORKDIR: workDir,
    PLUGIN_GO_ENDPOINT: emu.url,
    PLUGIN_GO_PROJECT_ID: emu.projectId,
    PLUGIN_GO_ACCESS_KEY: ACCESS_KEY,
    PLUGIN_GO_SECRET_KEY: SECRET_KEY,
  };
  const r = await run(goProgram, args, { cwd: workDir, env });
  if (r.code !== 0) throw new Error(`plugin-go ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as StepResult;
}

const cli = async (...args: string[]) => {
  const r = await pulumiCli(backend, [...args, "--non-interactive"], workDir);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const exportText = () => cli("stack", "export", "--stack", "dev");
const stateResources = async () => ((JSON.parse(await exportText()) as { deployment: { resources?: StateResource[] } }).deployment.resources ?? []);
const inState = async (type: string, name: string) => (await stateResources()).find((r) => r.urn === urnOf(type, name));
const writes = () => emu.count({ method: "POST" }) + emu.count({ method: "PUT" });

beforeAll(async () => {
  // Built before jest by npm test; here it is only found in the cache (or built, on a first run by hand).
  goProgram = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "build-go-program.sh")], { encoding: "utf8" }).trim().split("\n").pop() as string;
  emu = await startEmulator();
  emu.addCluster(APPROVAL_CLUSTER, { endpoints: ["ep-1", "ep-2"] });
  emu.addCluster(SERVICE_CLUSTER, { vpcepEnabled: false });
  backend = await newBackend({ ...FAST_PROVIDER_ENV });
  // The plugin as users get it: the packed package installed with npm, its bin folder on PATH.
  backend.env.PATH = [await installPlugin(backend), backend.env.PATH].join(path.delimiter);
  // The Automation API writes Pulumi.yaml and Pulumi.dev.yaml here, so the CLI below finds the stack.
  workDir = path.join(backend.dir, "go");
  fs.mkdirSync(workDir);
});
afterAll(async () => {
  await emu?.stop();
  backend?.cleanup();
});

it("preview changes nothing in the cloud", async () => {
  emu.clearRequests();
  expect((await go("preview")).changes).toEqual({ create: 3 });
  expect(writes()).toBe(0);
  expect(statuses(emu, APPROVAL_CLUSTER)).toEqual({ "ep-1": "pendingAcceptance", "ep-2": "pendingAcceptance" });
});

it("up approves and opens; state holds no provider code and no credential; preview is then a no-op", async () => {
  const up = await go("up");
  expect(up.changes).toEqual({ create: 3 });
  expect(statuses(emu, APPROVAL_CLUSTER)).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
  expect(emu.serviceState(SERVICE_CLUSTER)).toMatchObject({ open: true, whitelist: [A] });
  expect(up.outputs?.open).toBe(true);
  expect(up.outputs?.connections).toEqual([expect.objectContaining({ id: "ep-1", status: "accepted" }), expect.objectContaining({ id: "ep-2", status: "accepted" })]);

  const text = await exportText();
  expect(text).not.toContain("__provider");
  expect(text).not.toContain(SECRET_KEY); // set with Secret: true through the Automation API
  // The secret input stays secret in state (ciphertext) and out of the id.
  const approval = await inState("VpcepConnectionApproval", "approval");
  expect(approval?.outputs?.clusterId).toMatchObject({ ciphertext: expect.any(String) });
  expect(approval?.id).toMatch(/^approval-[0-9a-f]{12}$/);
  expect(text).not.toContain(APPROVAL_CLUSTER);

  emu.clearRequests();
  expect((await go("preview")).changes).toEqual({ same: 3 });
  expect(writes()).toBe(0);
});

it("refresh sees drift, and up repairs it", async () => {
  emu.setStatus(APPROVAL_CLUSTER, "ep-2", "rejected");
  emu.clearRequests();
  expect((await go("refresh")).changes).toMatchObject({ update: 1 });
  expect(writes()).toBe(0); // refresh only reads
  const conns = ((await inState("VpcepConnectionApproval", "approval"))?.outputs?.connections ?? []) as { id: string; status: string }[];
  expect(Object.fromEntries(conns.map((c) => [c.id, c.status]))).toEqual({ "ep-1": "accepted", "ep-2": "rejected" });
  expect((await go("preview")).changes).toEqual({ same: 2, update: 1 });
  expect((await go("up")).changes).toEqual({ same: 2, update: 1 });
  expect(statuses(emu, APPROVAL_CLUSTER)).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
});

it("the import option adopts both resources by id without writing to the cloud; the next preview is a no-op", async () => {
  await cli("state", "delete", urnOf("VpcepConnectionApproval", "approval"), "--yes");
  await cli("state", "delete", urnOf("VpcepService", "service"), "--yes");
  expect(await inState("VpcepService", "service")).toBeUndefined();
  emu.clearRequests();
  expect((await go("-import", "preview")).changes).toEqual({ same: 1, import: 2 });
  expect((await go("-import", "up")).changes).toEqual({ same: 1, import: 2 });
  expect(writes()).toBe(0);
  expect(statuses(emu, APPROVAL_CLUSTER)).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
  // Unlike `pulumi import`, the import option does not protect what it adopts.
  const approval = await inState("VpcepConnectionApproval", "approval");
  const service = await inState("VpcepService", "service");
  expect(approval?.protect).toBeFalsy();
  expect(service?.protect).toBeFalsy();
  expect(service?.outputs).toMatchObject({ open: true });
  // A no-op whether or not the program keeps the option.
  expect((await go("-import", "preview")).changes).toEqual({ same: 3 });
  expect((await go("preview")).changes).toEqual({ same: 3 });
  // The engine stores what Read returned (Read gets only the id), so the program's secret marking is
  // missing until the next up, a no-op that puts it back.
  expect((await go("up")).changes).toEqual({ same: 3 });
  expect(writes()).toBe(0);
  expect((await inState("VpcepConnectionApproval", "approval"))?.outputs?.clusterId).toMatchObject({ ciphertext: expect.any(String) });
});

it("destroy rejects the approval's endpoints and leaves the imported service as it was found (open)", async () => {
  expect((await go("destroy")).changes).toEqual({ delete: 3 });
  expect(statuses(emu, APPROVAL_CLUSTER)).toEqual({ "ep-1": "rejected", "ep-2": "rejected" });
  expect(emu.serviceState(SERVICE_CLUSTER)).toMatchObject({ open: true, whitelist: [A] });
  expect(await stateResources()).toHaveLength(0);
});
