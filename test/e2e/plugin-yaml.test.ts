/**
 * The provider plugin through the real CLI and the real YAML language host: up,
 * no-op preview, refresh with drift, up repairs, import of both resources, destroy; state holds no
 * `__provider` and no credential.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { CssEmulator } from "../../emulator";
import { ACCESS_KEY, SECRET_KEY, startEmulator, statuses } from "../helpers/harness";
import { FAST_PROVIDER_ENV, REPO_ROOT, TestBackend, installPlugin, newBackend, pulumiCli } from "../helpers/pulumi";

jest.setTimeout(400_000);

const A = "a".repeat(32);
// The default provider reads stack config; `otc` is an explicit provider with its own keys (the secret as a secret).
const program = (url: string, projectId: string, extra = "") => `name: css-vpcep-plugin-yaml
runtime: yaml
resources:
  approval:
    type: css-vpcep:index:VpcepConnectionApproval
    properties:
      clusterId:
        fn::secret: c-plugin-yaml
      endpointIds: [ep-1, ep-2]
  service:
    type: css-vpcep:index:VpcepService
    properties:
      clusterId: c-plugin-svc
      whitelist: [${A}]
  otc:
    type: pulumi:providers:css-vpcep
    properties:
      endpoint: ${url}
      projectId: ${projectId}
      accessKey: ${ACCESS_KEY}
      secretKey:
        fn::secret: ${SECRET_KEY}
  explicit:
    type: css-vpcep:index:VpcepConnectionApproval
    properties:
      clusterId: c-plugin-explicit
      endpointIds: [ep-9]
    options:
      provider: \${otc}
${extra}variables:
  lookup:
    fn::invoke:
      function: css-vpcep:index:getVpcepConnections
      arguments:
        clusterId: c-plugin-svc
outputs:
  connections: \${approval.connections}
  open: \${service.open}
  lookup: \${lookup}
`;

let emu: CssEmulator;
let backend: TestBackend;
let project: string;

const cli = async (...args: string[]) => {
  const r = await pulumiCli(backend, [...args, "--non-interactive"], project);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const exportState = async () => JSON.parse(await cli("stack", "export")) as { deployment: { resources?: { urn: string; outputs?: Record<string, unknown> }[] } };
const urnOf = (type: string, name: string) => `urn:pulumi:dev::css-vpcep-plugin-yaml::css-vpcep:index:${type}::${name}`;

beforeAll(async () => {
  const yamlBin = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "install-yaml-host.sh")], { encoding: "utf8" }).trim().split("\n").pop() as string;
  emu = await startEmulator();
  emu.addCluster("c-plugin-yaml", { endpoints: ["ep-1", "ep-2"] });
  emu.addCluster("c-plugin-svc", { vpcepEnabled: false });
  emu.addCluster("c-plugin-explicit", { endpoints: ["ep-9"] });
  emu.addCluster("c-plugin-imp", { endpoints: ["ep-5"] });
  backend = await newBackend({ ...FAST_PROVIDER_ENV });
  // The plugin as users get it: the packed package installed with npm, its bin folder on PATH.
  backend.env.PATH = [await installPlugin(backend), yamlBin, backend.env.PATH].join(path.delimiter);
  project = path.join(backend.dir, "yaml");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), program(emu.url, emu.projectId));
  await cli("stack", "init", "dev");
  // Provider config from stack config, the secret key as a secret; nothing from the environment.
  await cli("config", "set", "css-vpcep:endpoint", emu.url);
  await cli("config", "set", "css-vpcep:projectId", emu.projectId);
  await cli("config", "set", "css-vpcep:accessKey", ACCESS_KEY);
  await cli("config", "set", "--secret", "css-vpcep:secretKey", SECRET_KEY);
});
afterAll(async () => {
  await emu?.stop();
  backend?.cleanup();
});

it("preview changes nothing in the cloud", async () => {
  emu.clearRequests();
  expect(await cli("preview")).toMatch(/\+ 5 to create/);
  expect(emu.count({ method: "POST" }) + emu.count({ method: "PUT" })).toBe(0);
  expect(statuses(emu, "c-plugin-yaml")).toEqual({ "ep-1": "pendingAcceptance", "ep-2": "pendingAcceptance" });
});

it("up approves and opens; state holds no provider code and no credential; preview is then a no-op", async () => {
  await cli("up", "--yes");
  expect(statuses(emu, "c-plugin-yaml")).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
  expect(emu.serviceState("c-plugin-svc")).toMatchObject({ open: true, whitelist: [A] });
  // The explicit provider's settings reached the core: its approval was accepted through them.
  expect(statuses(emu, "c-plugin-explicit")).toEqual({ "ep-9": "accepted" });
  const state = await exportState();
  const text = JSON.stringify(state);
  expect(text).not.toContain("__provider");
  expect(text).not.toContain(SECRET_KEY);
  // A secret input stays secret in state (ciphertext) and out of the id.
  const approval = state.deployment.resources?.find((r) => r.urn === urnOf("VpcepConnectionApproval", "approval")) as { id?: string; outputs?: Record<string, unknown> };
  expect(approval.outputs?.clusterId).toMatchObject({ ciphertext: expect.any(String) });
  expect(approval.id).toMatch(/^approval-[0-9a-f]{12}$/);
  expect(text).not.toContain("c-plugin-yaml");
  expect(await cli("preview", "--expect-no-changes")).toMatch(/5 unchanged/);
});

it("getVpcepConnections answers through the plugin (Invoke) with the default provider's config", async () => {
  // The invoke ran during up, before the service was opened, and again in the preview after it.
  const lookup = JSON.parse(await cli("stack", "output", "lookup", "--json")) as { clusterId: string; serviceOpen: boolean; whitelist: string[] };
  expect(lookup.clusterId).toBe("c-plugin-svc");
  expect(typeof lookup.serviceOpen).toBe("boolean");
  await cli("up", "--yes", "--skip-preview");
  expect(JSON.parse(await cli("stack", "output", "lookup", "--json"))).toMatchObject({ clusterId: "c-plugin-svc", serviceOpen: true, whitelist: [A], connections: [] });
});

it("refresh sees drift, and up repairs it", async () => {
  emu.setStatus("c-plugin-yaml", "ep-2", "rejected");
  await cli("refresh", "--yes");
  const approval = (await exportState()).deployment.resources?.find((r) => r.urn === urnOf("VpcepConnectionApproval", "approval"));
  const seen = Object.fromEntries(((approval?.outputs?.connections ?? []) as { id: string; status: string }[]).map((c) => [c.id, c.status]));
  expect(seen).toEqual({ "ep-1": "accepted", "ep-2": "rejected" });
  expect(await cli("preview", "--diff")).toMatch(/~ 1 to update|1 to update/);
  await cli("up", "--yes");
  expect(statuses(emu, "c-plugin-yaml")).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
});

it("a change in how the API is reached replaces nothing and keeps every connection", async () => {
  const idBefore = (await exportState()).deployment.resources?.find((r) => r.urn === urnOf("VpcepConnectionApproval", "approval")) as { id?: string };
  await cli("config", "set", "css-vpcep:endpoint", `${emu.url}/`);
  const preview = await cli("preview", "--diff");
  expect(preview).not.toMatch(/replace/);
  emu.clearRequests();
  await cli("up", "--yes");
  expect(emu.count({ method: "POST" }) + emu.count({ method: "PUT" })).toBe(0);
  const idAfter = (await exportState()).deployment.resources?.find((r) => r.urn === urnOf("VpcepConnectionApproval", "approval")) as { id?: string };
  expect(idAfter.id).toBe(idBefore.id);
  expect(statuses(emu, "c-plugin-yaml")).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
  await cli("config", "set", "css-vpcep:endpoint", emu.url);
});

it("import adopts both resources by id; the next preview is a no-op", async () => {
  await cli("state", "delete", urnOf("VpcepConnectionApproval", "approval"), "--yes");
  await cli("state", "delete", urnOf("VpcepService", "service"), "--yes");
  await cli("import", "css-vpcep:index:VpcepConnectionApproval", "approval", "c-plugin-yaml/ep-1,ep-2", "--yes", "--generate-code=false");
  await cli("import", "css-vpcep:index:VpcepService", "service", "c-plugin-svc", "--yes", "--generate-code=false");
  expect(await cli("preview", "--expect-no-changes")).toMatch(/5 unchanged/);
});

it("the import option adopts an approval accepted out of band; nothing is sent and the next preview is a no-op", async () => {
  emu.setStatus("c-plugin-imp", "ep-5", "accepted");
  const adopted = `  adopted:
    type: css-vpcep:index:VpcepConnectionApproval
    properties:
      clusterId: c-plugin-imp
      endpointIds: [ep-5]
    options:
      import: c-plugin-imp/ep-5
`;
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), program(emu.url, emu.projectId, adopted));
  emu.clearRequests();
  expect(await cli("up", "--yes")).toMatch(/1 imported/);
  expect(emu.count({ method: "POST" }) + emu.count({ method: "PUT" })).toBe(0);
  expect(await cli("preview", "--expect-no-changes")).toMatch(/6 unchanged/);
});

it("destroy rejects the approval's endpoints and leaves the imported service as it was found (open)", async () => {
  await cli("state", "unprotect", "--all", "--yes"); // pulumi import protects what it imports
  await cli("destroy", "--yes");
  expect(statuses(emu, "c-plugin-yaml")).toEqual({ "ep-1": "rejected", "ep-2": "rejected" });
  expect(statuses(emu, "c-plugin-explicit")).toEqual({ "ep-9": "rejected" });
  expect(statuses(emu, "c-plugin-imp")).toEqual({ "ep-5": "rejected" });
  expect(emu.serviceState("c-plugin-svc")).toMatchObject({ open: true, whitelist: [A] });
  expect((await exportState()).deployment.resources ?? []).toHaveLength(0);
});
