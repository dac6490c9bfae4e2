/**
 * A stack created with one build of the package, refreshed and destroyed after the package was
 * upgraded. Pulumi runs delete and read with the provider serialized into the resource's state (its
 * outputs' `__provider`), which only an update replaces (anchors (c)7). With the package installed,
 * that serialized provider holds the provider class's (thin) methods by value and requires the
 * library's `handlers` module by reference, so after an upgrade the OLD methods call the NEW code.
 *
 * v1 is the previous release: test/fixtures/pulumi-css-vpcep-0.1.0-flat-layout.tgz, packed before
 * provider/ was laid out in core/approval/service/lookup folders, so its state requires
 * `dist/provider/handlers.js`. v2 is `npm pack` of this repository with version 0.2.0-e2e whose
 * delete path (and read path) changed observably: each changed function appends a line to
 * $CSS_VPCEP_E2E_TRACE, in approval/provider.js (the class methods) and in approval/operations.js (a
 * module required by reference, reached from the old path through its re-export), and in
 * service/operations.js, which the service's old state reaches through `dist/provider/service/handlers.js`.
 * The service has a project of its own, so the approval stacks' resource counts stay as they were.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import type { CssEmulator } from "../../emulator";
import { ACCESS_KEY, SECRET_KEY, startEmulator, statuses } from "../helpers/harness";
import {
  FAST_PROVIDER_ENV,
  REPO_ROOT,
  TestBackend,
  approvalsInState,
  createConsumerProject,
  newBackend,
  npmInstall,
  packPackage,
  projectStack,
  runOk,
  stateResources,
  stateStatuses,
} from "../helpers/pulumi";

jest.setTimeout(400_000);

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { VpcepConnectionApproval } = require("pulumi-css-vpcep");

const config = new pulumi.Config();
const approval = new VpcepConnectionApproval("approval", {
  clusterId: config.require("clusterId"),
  endpointIds: config.requireObject("endpointIds"),
});
exports.connections = approval.connections;
`;

const SERVICE_PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { VpcepService } = require("pulumi-css-vpcep");

const config = new pulumi.Config();
const service = new VpcepService("service", {
  clusterId: config.require("clusterId"),
  whitelist: config.requireObject("whitelist"),
});
exports.whitelist = service.whitelist;
`;
const SERVICE_TYPE = "pulumi-nodejs:dynamic/css-vpcep:VpcepService";
const ACCOUNT = "a".repeat(32);

const V2 = "0.2.0-e2e";
const trace = (label: string) =>
  `if (process.env.CSS_VPCEP_E2E_TRACE) require("fs").appendFileSync(process.env.CSS_VPCEP_E2E_TRACE, ${JSON.stringify(label + "\n")});`;

/** Insert a trace line at the start of a function body; fails if the anchor is not there exactly once. */
function patch(file: string, anchor: string, label: string): void {
  const text = fs.readFileSync(file, "utf8");
  const at = text.indexOf(anchor);
  if (at < 0 || text.indexOf(anchor, at + 1) >= 0) throw new Error(`anchor ${JSON.stringify(anchor)} not found exactly once in ${file}`);
  fs.writeFileSync(file, text.replace(anchor, `${anchor}\n        ${trace(label)}`));
}

/** The previous release, packed with the flat provider/ layout (see test/fixtures/README.md). */
const V1 = path.join(REPO_ROOT, "test", "fixtures", "pulumi-css-vpcep-0.1.0-flat-layout.tgz");

/** v2: this repository's package with a version bump and a traced delete/read path, packed with npm. */
async function buildV2(work: string): Promise<string> {
  const current = await packPackage(path.join(work, "v2-base"));
  const src = path.join(work, "v2-src");
  fs.mkdirSync(src, { recursive: true });
  await runOk("tar", ["xzf", current, "-C", src], { cwd: work });
  const pkgDir = path.join(src, "package");
  const pkgFile = path.join(pkgDir, "package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { version: string };
  pkg.version = V2;
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + "\n");
  const dist = path.join(pkgDir, "dist", "provider", "approval");
  patch(path.join(dist, "provider.js"), "delete(id, props) {", "v2 provider.delete");
  patch(path.join(dist, "provider.js"), "read(id, props) {", "v2 provider.read");
  patch(path.join(dist, "operations.js"), "async function release(ctx, inputs) {", "v2 operations.release");
  patch(path.join(dist, "operations.js"), "async function observeForRead(ctx, inputs) {", "v2 operations.observeForRead");
  const serviceDist = path.join(pkgDir, "dist", "provider", "service");
  patch(path.join(serviceDist, "operations.js"), "async function readService(ctx, inputs, found) {", "v2 service.readService");
  patch(path.join(serviceDist, "operations.js"), "async function restoreService(ctx, inputs, found) {", "v2 service.restoreService");
  const out = path.join(work, "v2-pack");
  fs.mkdirSync(out);
  await runOk("npm", ["pack", "--ignore-scripts", "--pack-destination", out], { cwd: pkgDir });
  return path.join(out, `pulumi-css-vpcep-${V2}.tgz`);
}

let emu: CssEmulator;
let backend: TestBackend;
let project: string;
let traceFile: string;
/** Refreshed and destroyed after the upgrade, without an update in between. */
let oldStack: Stack;
/** Updated after the upgrade, then destroyed. */
let updatedStack: Stack;
/** A VpcepService created with v1, refreshed and destroyed after the upgrade. */
let serviceStack: Stack;

const readTrace = () => (fs.existsSync(traceFile) ? fs.readFileSync(traceFile, "utf8").split("\n").filter(Boolean) : []);
const providerText = async (stack: Stack, where: "inputs" | "outputs") =>
  String((await approvalsInState(stack)).get("approval")?.[where]?.__provider ?? "");

beforeAll(async () => {
  emu = await startEmulator();
  emu.addCluster("c-upgrade-old", { endpoints: ["ep-o1", "ep-o2"] });
  emu.addCluster("c-upgrade-upd", { endpoints: ["ep-n1", "ep-n2", "ep-n3"] });
  emu.addCluster("c-upgrade-svc", { vpcepEnabled: false });
  backend = await newBackend({
    OS_ACCESS_KEY: ACCESS_KEY,
    OS_SECRET_KEY: SECRET_KEY,
    OS_PROJECT_ID: emu.projectId,
    CSS_VPCEP_ENDPOINT: emu.url,
    ...FAST_PROVIDER_ENV,
  });
  traceFile = path.join(backend.dir, "trace.log");
  backend.env.CSS_VPCEP_E2E_TRACE = traceFile;
  const v1 = V1;
  project = path.join(backend.dir, "consumer");
  await createConsumerProject({ dir: project, name: "css-vpcep-upgrade", tarball: v1, language: "javascript", program: PROGRAM });

  oldStack = await projectStack(backend, project, "old");
  await oldStack.setConfig("clusterId", { value: "c-upgrade-old" });
  await oldStack.setConfig("endpointIds", { value: JSON.stringify(["ep-o1", "ep-o2"]) });
  updatedStack = await projectStack(backend, project, "updated");
  await updatedStack.setConfig("clusterId", { value: "c-upgrade-upd" });
  await updatedStack.setConfig("endpointIds", { value: JSON.stringify(["ep-n1", "ep-n2"]) });

  const serviceProject = path.join(backend.dir, "service-consumer");
  await createConsumerProject({ dir: serviceProject, name: "css-vpcep-upgrade-service", tarball: v1, language: "javascript", program: SERVICE_PROGRAM });
  serviceStack = await projectStack(backend, serviceProject, "service");
  await serviceStack.setConfig("clusterId", { value: "c-upgrade-svc" });
  await serviceStack.setConfig("whitelist", { value: JSON.stringify([ACCOUNT]) });

  // Every stack is created with v1.
  for (const stack of [oldStack, updatedStack, serviceStack]) expect((await stack.up()).summary.result).toBe("succeeded");
  expect(emu.serviceState("c-upgrade-svc")).toMatchObject({ open: true, whitelist: [ACCOUNT] });
  expect(statuses(emu, "c-upgrade-old")).toEqual({ "ep-o1": "accepted", "ep-o2": "accepted" });
  expect(statuses(emu, "c-upgrade-upd")).toEqual({ "ep-n1": "accepted", "ep-n2": "accepted", "ep-n3": "pendingAcceptance" });

  // Upgrade both projects to v2, as a user would.
  const v2 = await buildV2(backend.dir);
  for (const dir of [project, serviceProject]) {
    await npmInstall(dir, [v2]);
    const installed = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "pulumi-css-vpcep", "package.json"), "utf8")) as { version: string };
    expect(installed.version).toBe(V2);
  }
  expect(readTrace()).toEqual([]);
});
afterAll(async () => {
  await emu?.stop();
  backend?.cleanup();
});

describe("without an update after the upgrade", () => {
  it("a no-change up keeps the old provider in the state's outputs", async () => {
    const preview = await oldStack.preview();
    expect(preview.changeSummary).toEqual({ same: 2 }); // a changed provider alone is not a change
    const up = await oldStack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 2 });
    // The program's new provider is recorded as an input, but delete/read use the outputs' one.
    expect(await providerText(oldStack, "inputs")).toContain("v2 provider.delete");
    expect(await providerText(oldStack, "outputs")).not.toContain("v2 provider.delete");
    // The old state requires the entry point at its flat-layout path, which v2 keeps as a re-export.
    expect(await providerText(oldStack, "outputs")).toContain(`require("pulumi-css-vpcep/dist/provider/handlers.js")`);
  });

  it("refresh runs the old read method (calling the installed modules) and sees out-of-band changes", async () => {
    fs.rmSync(traceFile, { force: true });
    emu.setStatus("c-upgrade-old", "ep-o2", "rejected");
    const refresh = await oldStack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    expect(stateStatuses((await approvalsInState(oldStack)).get("approval"))).toEqual({ "ep-o1": "accepted", "ep-o2": "rejected" });
    expect(readTrace()).toEqual(["v2 operations.observeForRead"]);
  });

  it("destroy runs the old delete method: it still rejects every endpoint and succeeds", async () => {
    fs.rmSync(traceFile, { force: true });
    emu.setStatus("c-upgrade-old", "ep-o2", "accepted");
    const destroy = await oldStack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(statuses(emu, "c-upgrade-old")).toEqual({ "ep-o1": "rejected", "ep-o2": "rejected" });
    expect((await approvalsInState(oldStack)).size).toBe(0);
    // The v1 delete method from state ran (no "v2 provider.delete"), and it called v2's release.
    expect(readTrace()).toEqual(["v2 operations.release"]);
    await oldStack.workspace.removeStack("old");
  });
});

describe("with an update after the upgrade", () => {
  it("an update stores the new provider, whose delete then runs", async () => {
    await updatedStack.setConfig("endpointIds", { value: JSON.stringify(["ep-n1", "ep-n2", "ep-n3"]) });
    const up = await updatedStack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(statuses(emu, "c-upgrade-upd")).toEqual({ "ep-n1": "accepted", "ep-n2": "accepted", "ep-n3": "accepted" });
    expect(await providerText(updatedStack, "outputs")).toContain("v2 provider.delete");

    fs.rmSync(traceFile, { force: true });
    const destroy = await updatedStack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(statuses(emu, "c-upgrade-upd")).toEqual({ "ep-n1": "rejected", "ep-n2": "rejected", "ep-n3": "rejected" });
    expect(readTrace()).toEqual(["v2 provider.delete", "v2 operations.release"]);
    await updatedStack.workspace.removeStack("updated");
  });
});

describe("a VpcepService created by the previous release", () => {
  const serviceInState = async () => (await stateResources(serviceStack)).find((r) => r.type === SERVICE_TYPE);

  it("keeps its old provider, which requires the service's handlers at the path v2 still serves", async () => {
    expect((await serviceStack.preview()).changeSummary).toEqual({ same: 2 });
    const outputsProvider = String((await serviceInState())?.outputs?.__provider ?? "");
    expect(outputsProvider).toContain(`require("pulumi-css-vpcep/dist/provider/service/handlers.js")`);
  });

  it("refresh runs the old read method, which calls v2's service code, and sees a whitelist changed out of band", async () => {
    fs.rmSync(traceFile, { force: true });
    const other = "b".repeat(32);
    emu.setWhitelist("c-upgrade-svc", [ACCOUNT, other]);
    expect((await serviceStack.refresh()).summary.result).toBe("succeeded");
    expect((await serviceInState())?.outputs?.observedWhitelist).toEqual([ACCOUNT, other]);
    expect(readTrace()).toEqual(["v2 service.readService"]);
  });

  it("destroy runs the old delete method, which calls v2's restore: the service is closed again, as it was found", async () => {
    fs.rmSync(traceFile, { force: true });
    const destroy = await serviceStack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(emu.serviceState("c-upgrade-svc")).toMatchObject({ open: false });
    expect(await serviceInState()).toBeUndefined();
    expect(readTrace()).toEqual(["v2 service.restoreService"]);
    await serviceStack.workspace.removeStack("service");
  });
});
