/**
 * The provider plugin from a TypeScript program through the Node SDK (`pulumi-css-vpcep/sdk`): the packed
 * package installed in a strict TypeScript project, run by the CLI's nodejs language host. Steps: preview
 * sends nothing, up, no-op preview, refresh with drift, up repairs, the import option, destroy. State holds
 * no `__provider` and no credential.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import type { CssEmulator } from "../../emulator";
import { ACCESS_KEY, SECRET_KEY, startEmulator, statuses } from "../helpers/harness";
import { FAST_PROVIDER_ENV, TestBackend, backendText, createConsumerProject, newBackend, packPackage, projectStack, runOk, stateResources } from "../helpers/pulumi";

jest.setTimeout(400_000);

const A = "a".repeat(32);
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { VpcepConnectionApproval, VpcepService, getVpcepConnectionsOutput } from "pulumi-css-vpcep/sdk";

const config = new pulumi.Config();
const approval = new VpcepConnectionApproval("approval", { clusterId: "c-plugin-node", endpointIds: ["ep-1", "ep-2"] });
const service = new VpcepService("service", { clusterId: "c-plugin-node-svc", whitelist: ["${A}"] });
// Adopted with the import option once the test asks for it.
if (config.getBoolean("adopt")) {
  new VpcepConnectionApproval("adopted", { clusterId: "c-plugin-node-imp", endpointIds: ["ep-5"] }, { import: "c-plugin-node-imp/ep-5" });
}

export const statuses = approval.connections.apply((cs) => cs.map((c) => \`\${c.id}=\${c.status}\`));
export const open = service.open;
export const lookup = getVpcepConnectionsOutput({ clusterId: "c-plugin-node-svc" }, { dependsOn: [service] });
`;

let emu: CssEmulator;
let backend: TestBackend;
let project: string;
let stack: Stack;
const writes = () => emu.count({ method: "POST" }) + emu.count({ method: "PUT" });

beforeAll(async () => {
  emu = await startEmulator();
  emu.addCluster("c-plugin-node", { endpoints: ["ep-1", "ep-2"] });
  emu.addCluster("c-plugin-node-svc", { vpcepEnabled: false });
  emu.addCluster("c-plugin-node-imp", { endpoints: ["ep-5"] });
  backend = await newBackend({ ...FAST_PROVIDER_ENV });
  const tarball = await packPackage(path.join(backend.dir, "pack"));
  project = path.join(backend.dir, "consumer");
  await createConsumerProject({ dir: project, name: "css-vpcep-plugin-node", tarball, language: "typescript", program: PROGRAM });
  // The engine starts the plugin from the installed package's bin folder.
  backend.env.PATH = [path.join(project, "node_modules", ".bin"), backend.env.PATH].join(path.delimiter);
  stack = await projectStack(backend, project, "dev");
  // Provider config from stack config, the secret key as a secret; nothing from the environment.
  await stack.setConfig("css-vpcep:endpoint", { value: emu.url });
  await stack.setConfig("css-vpcep:projectId", { value: emu.projectId });
  await stack.setConfig("css-vpcep:accessKey", { value: ACCESS_KEY });
  await stack.setConfig("css-vpcep:secretKey", { value: SECRET_KEY, secret: true });
});
afterAll(async () => {
  await emu?.stop();
  backend?.cleanup();
});

it("the SDK's typings compile in a strict TypeScript project", async () => {
  expect(fs.existsSync(path.join(project, "node_modules", "pulumi-css-vpcep", "dist", "sdk", "nodejs", "index.d.ts"))).toBe(true);
  await runOk(process.execPath, [path.join(project, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", project], { cwd: project });
});

it("preview sends nothing; up approves and opens; state holds no provider code and no credential; preview is then a no-op", async () => {
  expect((await stack.preview()).changeSummary).toEqual({ create: 3 });
  expect(writes()).toBe(0);
  expect(statuses(emu, "c-plugin-node")).toEqual({ "ep-1": "pendingAcceptance", "ep-2": "pendingAcceptance" });

  const up = await stack.up();
  expect(up.outputs.statuses.value).toEqual(["ep-1=accepted", "ep-2=accepted"]);
  expect(up.outputs.open.value).toBe(true);
  // The invoke ran after the service was opened (dependsOn) and through the plugin's config.
  expect(up.outputs.lookup.value).toMatchObject({ clusterId: "c-plugin-node-svc", serviceOpen: true, whitelist: [A] });
  expect(statuses(emu, "c-plugin-node")).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
  // The backend's files as written (the Automation API's export shows secrets in plaintext).
  const text = backendText(backend);
  expect(text).toContain("css-vpcep:index:VpcepConnectionApproval");
  expect(text).not.toContain("__provider");
  expect(text).not.toContain(SECRET_KEY);

  emu.clearRequests();
  expect((await stack.preview()).changeSummary).toEqual({ same: 3 });
  expect(writes()).toBe(0);
});

it("refresh sees drift, and up repairs it", async () => {
  emu.setStatus("c-plugin-node", "ep-2", "rejected");
  await stack.refresh();
  const approval = (await stateResources(stack)).find((r) => r.urn.endsWith("::approval"));
  const seen = Object.fromEntries(((approval?.outputs?.connections ?? []) as { id: string; status: string }[]).map((c) => [c.id, c.status]));
  expect(seen).toEqual({ "ep-1": "accepted", "ep-2": "rejected" });
  expect((await stack.preview()).changeSummary).toEqual({ same: 2, update: 1 });
  await stack.up();
  expect(statuses(emu, "c-plugin-node")).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
});

it("the import option adopts an approval accepted out of band; nothing is sent and the next preview is a no-op", async () => {
  emu.setStatus("c-plugin-node-imp", "ep-5", "accepted");
  await stack.setConfig("adopt", { value: "true" });
  emu.clearRequests();
  const up = await stack.up();
  expect(up.summary.resourceChanges).toMatchObject({ import: 1, same: 3 });
  expect(writes()).toBe(0);
  expect((await stack.preview()).changeSummary).toEqual({ same: 4 });
});

it("destroy rejects every approval's endpoints and closes the service it opened", async () => {
  await stack.destroy();
  expect(statuses(emu, "c-plugin-node")).toEqual({ "ep-1": "rejected", "ep-2": "rejected" });
  expect(statuses(emu, "c-plugin-node-imp")).toEqual({ "ep-5": "rejected" });
  expect(emu.serviceState("c-plugin-node-svc")).toMatchObject({ open: false });
  expect(await stateResources(stack)).toHaveLength(0);
});
