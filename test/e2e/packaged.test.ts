/**
 * The package as users get it: `npm pack` of this repository, installed into a fresh TypeScript
 * project (its own package.json, Pulumi.yaml with runtime nodejs, `npm install`), run by the CLI's
 * nodejs language host through the Automation API with workDir = that project.
 *
 * There the provider object comes from node_modules, so the closure serializer stores the provider
 * *by reference* (`require("pulumi-css-vpcep/...")`); the inline jest program (which imports the
 * source) stores it *by value*. Records `__provider` bytes per resource for both.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApproval } from "../../provider";
import { ACCESS_KEY, CONNECTIONS_POST, SECRET_KEY, startEmulator, statuses } from "../helpers/harness";
import {
  EventLog,
  FAST_PROVIDER_ENV,
  REPO_ROOT,
  TestBackend,
  approvalsInState,
  createConsumerProject,
  inlineStack,
  newBackend,
  packPackage,
  projectStack,
  runOk,
  stateStatuses,
} from "../helpers/pulumi";

jest.setTimeout(400_000);

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { VpcepConnectionApproval, VpcepConnectionApprovalArgs } from "pulumi-css-vpcep";

const config = new pulumi.Config();
const args: VpcepConnectionApprovalArgs = {
  clusterId: config.require("clusterId"),
  endpointIds: config.requireObject<string[]>("endpointIds"),
};
const approval = new VpcepConnectionApproval("approval", args);

export const approvalId = approval.id;
export const statuses = approval.connections.apply((cs) => cs.map((c) => \`\${c.id}=\${c.status}\`));
`;

const CLUSTER = "c-packaged";
const EPS = ["ep-p1", "ep-p2"];

let emu: CssEmulator;
let backend: TestBackend;
let project: string;
let stack: Stack;

beforeAll(async () => {
  emu = await startEmulator();
  emu.addCluster(CLUSTER, { endpoints: [...EPS, "ep-p3"] });
  backend = await newBackend({
    OS_ACCESS_KEY: ACCESS_KEY,
    OS_SECRET_KEY: SECRET_KEY,
    OS_PROJECT_ID: emu.projectId,
    CSS_VPCEP_ENDPOINT: emu.url,
    ...FAST_PROVIDER_ENV,
  });
  const tarball = await packPackage(path.join(backend.dir, "pack"));
  project = path.join(backend.dir, "consumer");
  await createConsumerProject({ dir: project, name: "css-vpcep-consumer", tarball, language: "typescript", program: PROGRAM });
  stack = await projectStack(backend, project, "packaged");
  await stack.setConfig("clusterId", { value: CLUSTER });
  await stack.setConfig("endpointIds", { value: JSON.stringify(EPS) });
});
afterAll(async () => {
  await emu?.stop();
  backend?.cleanup();
});

let byReferenceBytes = 0;

it("installs as a package whose typings compile in a strict TypeScript project", async () => {
  const installed = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "pulumi-css-vpcep", "package.json"), "utf8")) as { version: string };
  const ours = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
  expect(installed.version).toBe(ours.version);
  // Not a link to the repository: a copy from the tarball, with the compiled library only.
  expect(fs.lstatSync(path.join(project, "node_modules", "pulumi-css-vpcep")).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(project, "node_modules", "pulumi-css-vpcep", "dist", "provider", "index.d.ts"))).toBe(true);
  expect(fs.existsSync(path.join(project, "node_modules", "pulumi-css-vpcep", "provider"))).toBe(false);
  await runOk(process.execPath, [path.join(project, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", project], { cwd: project });
});

it("previews, applies, previews no change and stores the provider by package reference", async () => {
  const log = new EventLog();
  const preview = await stack.preview({ onEvent: log.onEvent });
  expect(preview.changeSummary).toEqual({ create: 2 });
  expect(log.ops("approval")).toEqual(["create"]);

  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(statuses(emu, CLUSTER)).toEqual({ "ep-p1": "accepted", "ep-p2": "accepted", "ep-p3": "pendingAcceptance" });
  expect(up.outputs.statuses.value).toEqual(["ep-p1=accepted", "ep-p2=accepted"]);
  expect(emu.count({ ...CONNECTIONS_POST, status: 200 })).toBe(1);
  expect((await stack.preview()).changeSummary).toEqual({ same: 2 });

  const state = (await approvalsInState(stack)).get("approval");
  expect(stateStatuses(state)).toEqual({ "ep-p1": "accepted", "ep-p2": "accepted" });
  const text = String(state?.inputs?.__provider ?? "");
  // By reference: the provider's methods call the library's one entry point, required from the
  // project's node_modules ...
  expect(text).toContain(`require("pulumi-css-vpcep/dist/provider/approval/handlers.js")`);
  // ... and not inlined: none of their code (the signer, the client, the operations, the coordinator).
  for (const inlined of ["SDK-HMAC-SHA256", "/*canonicalRequest*/", "/*converge*/", "/*release*/", "/*applyAction*/", "/*submit*/", "axios"]) {
    expect(text).not.toContain(inlined);
  }
  // Only the provider class's own methods travel by value; nothing points into this repository.
  expect(text).toContain("/*delete*/");
  expect(text).not.toContain(REPO_ROOT);
  expect(state?.outputs?.__provider).toBe(text);
  byReferenceBytes = Buffer.byteLength(text);
});

it("stores the provider by value from an inline program that imports the source (for comparison)", async () => {
  emu.addCluster("c-packaged-inline", { endpoints: EPS });
  const inline = await inlineStack(backend, "css-vpcep-inline", "by-value", async () => {
    new VpcepConnectionApproval("approval", { clusterId: "c-packaged-inline", endpointIds: EPS, endpoint: emu.url });
  });
  await inline.up();
  expect(statuses(emu, "c-packaged-inline")).toEqual({ "ep-p1": "accepted", "ep-p2": "accepted" });
  const text = String((await approvalsInState(inline)).get("approval")?.inputs?.__provider ?? "");
  // By value: the whole library is inlined, with only third-party packages required.
  expect(text).toContain("SDK-HMAC-SHA256");
  expect(text).toContain("/*converge*/");
  expect(text).not.toContain('require("pulumi-css-vpcep');
  expect((await approvalsInState(inline)).get("approval")?.outputs?.__provider).toBe(text);
  const byValueBytes = Buffer.byteLength(text);
  console.log(`E2E-FIGURE provider_bytes_per_resource by_reference=${byReferenceBytes} by_value=${byValueBytes} (each stored twice in state: inputs and outputs)`);
  expect(byReferenceBytes).toBeGreaterThan(0);
  expect(byReferenceBytes * 3).toBeLessThan(byValueBytes);
  await inline.destroy();
  expect(statuses(emu, "c-packaged-inline")).toEqual({ "ep-p1": "rejected", "ep-p2": "rejected" });
  await inline.workspace.removeStack("by-value");
});

it("destroys through the project: every endpoint rejected", async () => {
  const destroy = await stack.destroy();
  expect(destroy.summary.result).toBe("succeeded");
  expect(statuses(emu, CLUSTER)).toEqual({ "ep-p1": "rejected", "ep-p2": "rejected", "ep-p3": "pendingAcceptance" });
  await stack.workspace.removeStack("packaged");
});
