/**
 * The path users take: the `pulumi` binary itself on the repository's root Pulumi.yaml (main:
 * examples/basic/index.ts, run by the nodejs language host and ts-node), `pulumi preview` and
 * `pulumi up --yes`, against the emulator in this process. The CLI runs as an asynchronous child
 * (the emulator answers from this event loop). Stack config goes to a temp file (--config-file) and
 * the uniquely named stack is removed at the end, so nothing is left in the repository.
 */
import * as fs from "fs";
import * as path from "path";
import type { CssEmulator } from "../../emulator";
import { ACCESS_KEY, CONNECTIONS_POST, SECRET_KEY, startEmulator, statuses } from "../helpers/harness";
import { APPROVAL_TYPE, FAST_PROVIDER_ENV, REPO_ROOT, RunResult, TestBackend, newBackend, pulumiCli } from "../helpers/pulumi";

jest.setTimeout(400_000);

const CLUSTER = "c-project-folder";
const ENDPOINTS = ["ep-f1", "ep-f2", "ep-f3"];
const STACK = `e2e-pf-${process.pid}-${Date.now().toString(36)}`;
const REPO_STACK_FILE = path.join(REPO_ROOT, `Pulumi.${STACK}.yaml`);

let emu: CssEmulator;
let backend: TestBackend;
let configFile: string;
let rootBefore: string[];
let stackCreated = false;

/** Run the CLI in the repository root; fail with its output on a non-zero exit. */
async function pulumi(args: string[], withConfig = true): Promise<RunResult> {
  const full = withConfig ? [...args, "--stack", STACK, "--config-file", configFile, "--non-interactive"] : args;
  const r = await pulumiCli(backend, full, REPO_ROOT);
  if (r.code !== 0) throw new Error(`pulumi ${full.join(" ")} exited with ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

interface PreviewJson {
  changeSummary: Record<string, number>;
  steps: { op: string; urn: string }[];
}

async function previewJson(): Promise<PreviewJson> {
  return JSON.parse((await pulumi(["preview", "--json"])).stdout) as PreviewJson;
}

const approvalSteps = (p: PreviewJson) => p.steps.filter((s) => s.urn.includes(`::${APPROVAL_TYPE}::`)).map((s) => s.op);

/** What Pulumi may write in the repository root: stack files and a local .pulumi folder. */
const pulumiFiles = () => fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi\./.test(f) || f === ".pulumi").sort();

beforeAll(async () => {
  rootBefore = pulumiFiles();
  emu = await startEmulator({ busyMs: 100 });
  emu.addCluster(CLUSTER, { endpoints: ENDPOINTS });
  backend = await newBackend({ OS_PROJECT_ID: emu.projectId, ...FAST_PROVIDER_ENV });
  configFile = path.join(backend.dir, `Pulumi.${STACK}.yaml`);
  await pulumi(["stack", "init", STACK, "--non-interactive"], false);
  stackCreated = true;
  // The salt for secrets travels with the config file we use.
  fs.copyFileSync(REPO_STACK_FILE, configFile);
  await pulumi(["config", "set", "clusterId", CLUSTER]);
  await pulumi(["config", "set", "endpointIds", JSON.stringify(ENDPOINTS)]);
  await pulumi(["config", "set", "css-vpcep:endpoint", emu.url]);
  await pulumi(["config", "set", "--secret", "css-vpcep:accessKey", ACCESS_KEY]);
  await pulumi(["config", "set", "--secret", "css-vpcep:secretKey", SECRET_KEY]);
});
afterAll(async () => {
  try {
    if (stackCreated) await pulumiCli(backend, ["stack", "rm", STACK, "--yes", "--force", "--non-interactive"], REPO_ROOT);
  } finally {
    fs.rmSync(REPO_STACK_FILE, { force: true });
    await emu?.stop();
    backend?.cleanup();
  }
});

it("pulumi preview: a create for the approval, and no call that changes anything", async () => {
  const preview = await previewJson();
  expect(preview.changeSummary).toEqual({ create: 2 });
  expect(approvalSteps(preview)).toEqual(["create"]);
  expect(emu.count(CONNECTIONS_POST)).toBe(0);
  // Config went to our file, not to the repository's stack file.
  expect(fs.readFileSync(configFile, "utf8")).toContain("css-vpcep-basic:clusterId");
  expect(fs.readFileSync(REPO_STACK_FILE, "utf8")).not.toContain("clusterId");
});

it("pulumi up --yes: every endpoint accepted, outputs report it; a second preview shows no change", async () => {
  await pulumi(["up", "--yes", "--skip-preview"]);
  expect(statuses(emu, CLUSTER)).toEqual(Object.fromEntries(ENDPOINTS.map((id) => [id, "accepted"])));
  // Credentials from (secret) stack config reached the provider: every API call was signed with that key.
  const calls = emu.findRequests({ clusterId: CLUSTER });
  expect(calls.length).toBeGreaterThan(0);
  for (const r of calls) expect(r.headers.authorization).toContain(`Access=${ACCESS_KEY},`);

  const outputs = JSON.parse((await pulumi(["stack", "output", "--json", "--stack", STACK], false)).stdout) as Record<string, unknown>;
  expect(outputs.connectionStatuses).toEqual(Object.fromEntries(ENDPOINTS.map((id) => [id, "accepted"])));
  expect(String(outputs.approvalId).startsWith(`${CLUSTER}:`)).toBe(true);
  expect(outputs.vpcServiceName).toBe(emu.cluster(CLUSTER)?.vpcServiceName);

  const again = await previewJson();
  expect(again.changeSummary).toEqual({ same: 2 });
  expect(approvalSteps(again).filter((op) => op !== "same")).toEqual([]);
});

it("a config change previews and applies as an in-place update", async () => {
  await pulumi(["config", "set", "endpointIds", JSON.stringify(["ep-f1", "ep-f2"])]);
  const preview = await previewJson();
  expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
  expect(approvalSteps(preview)).toEqual(["update"]);
  await pulumi(["up", "--yes", "--skip-preview"]);
  expect(statuses(emu, CLUSTER)).toEqual({ "ep-f1": "accepted", "ep-f2": "accepted", "ep-f3": "rejected" });
});

it("pulumi destroy --yes rejects every endpoint; stack rm leaves nothing in the repository", async () => {
  emu.clearRequests();
  await pulumi(["destroy", "--yes", "--skip-preview"]);
  expect(statuses(emu, CLUSTER)).toEqual(Object.fromEntries(ENDPOINTS.map((id) => [id, "rejected"])));
  const rejects = emu.findRequests({ ...CONNECTIONS_POST, status: 200 });
  expect(rejects.map((r) => r.body)).toEqual([{ action: "reject", endpoint_id_list: ["ep-f1", "ep-f2"] }]);
  await pulumi(["stack", "rm", STACK, "--yes", "--non-interactive"], false);
  stackCreated = false;
  expect(fs.existsSync(REPO_STACK_FILE)).toBe(false);
  expect(pulumiFiles()).toEqual(rootBefore);
});
