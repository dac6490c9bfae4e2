/**
 * The cluster owner's whole job (issue 8) through the real CLI with the packed package installed:
 * a VpcepService and an approval by account on two busy clusters, one whose service starts closed
 * (the resource opens it) and one already open with a whitelist (the resource adopts it).
 */
import type { CssEmulator } from "../../emulator";
import { startEmulator, statuses } from "../helpers/harness";
import { Consumer, consumerStack } from "../helpers/consumer";
import { EventLog } from "../helpers/pulumi";

jest.setTimeout(600_000);

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { VpcepConnectionApproval, VpcepService, getVpcepConnectionsOutput } from "pulumi-css-vpcep";

interface Producer { clusterId: string; whitelist?: string[]; accounts: string[] }
const producers = new pulumi.Config().requireObject<Producer[]>("producers");
export const approved: Record<string, pulumi.Output<string[]>> = {};
export const notApproved: Record<string, pulumi.Output<string[]>> = {};
for (const p of producers) {
  const service = new VpcepService(\`service-\${p.clusterId}\`, { clusterId: p.clusterId, whitelist: p.whitelist });
  const approval = new VpcepConnectionApproval(\`approval-\${p.clusterId}\`, { clusterId: service.clusterId, domainIds: p.accounts });
  approved[p.clusterId] = approval.connections.apply((cs) => cs.map((c) => \`\${c.id}=\${c.status}\`));
  const seen = getVpcepConnectionsOutput({ clusterId: service.clusterId }, { dependsOn: [approval] });
  notApproved[p.clusterId] = seen.connections.apply((cs) => cs.filter((c) => c.status !== "accepted").map((c) => c.id));
}
`;

const CLOSED = "c-prod-closed";
const ADOPTED = "c-prod-open";
const A = "a".repeat(32);
const B = "b".repeat(32);
const OLD = "0".repeat(32);

let emu: CssEmulator;
let consumer: Consumer;

beforeAll(async () => {
  emu = await startEmulator({ busyMs: 300 });
  emu.addCluster(CLOSED, { vpcepEnabled: false });
  emu.addCluster(ADOPTED, { whitelist: [OLD], connections: [{ id: "ep-o1", domainId: A }, { id: "ep-other", domainId: OLD }] });
  consumer = await consumerStack(emu, "css-vpcep-producer-e2e", {}, PROGRAM);
});
afterAll(async () => {
  await emu?.stop();
  consumer?.backend.cleanup();
});

const declare = (closedWhitelist: string[], openWhitelist: string[]) =>
  consumer.stack.setConfig("producers", {
    value: JSON.stringify([
      { clusterId: CLOSED, whitelist: closedWhitelist, accounts: [A] },
      { clusterId: ADOPTED, whitelist: openWhitelist, accounts: [A] },
    ]),
  });

it("up opens the closed service, adopts the open one, whitelists and approves by account; preview then shows nothing", async () => {
  await declare([A], [A]);
  emu.clearRequests();
  const up = await consumer.stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(emu.serviceState(CLOSED)).toMatchObject({ open: true, whitelist: [A] });
  expect(emu.serviceState(ADOPTED)).toMatchObject({ open: true, whitelist: [A] });
  expect(statuses(emu, ADOPTED)).toEqual({ "ep-o1": "accepted", "ep-other": "pendingAcceptance" });
  console.log(`E2E-FIGURE producer_up changes=${emu.count({ method: "POST", status: 200 }) + emu.count({ method: "PUT", status: 200 })} self_inflicted_409=${emu.count({ status: 409 })}`);
  expect((await consumer.stack.preview()).changeSummary).toEqual({ same: 5 });
});

it("a consumer adds an endpoint: up --refresh accepts it", async () => {
  emu.addConnection(CLOSED, { id: "ep-c1", domainId: A });
  emu.addConnection(CLOSED, { id: "ep-c2", domainId: B });
  const up = await consumer.stack.up({ refresh: true });
  expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  // B is not declared: its endpoint stays pending, and the lookup in the program shows it.
  expect(statuses(emu, CLOSED)).toEqual({ "ep-c1": "accepted", "ep-c2": "pendingAcceptance" });
  expect(up.outputs.notApproved.value).toEqual({ [CLOSED]: ["ep-c2"], [ADOPTED]: ["ep-other"] });
});

it("a whitelist change is an in-place update", async () => {
  await declare([A, B], [A]);
  const log = new EventLog();
  await consumer.stack.preview({ onEvent: log.onEvent });
  expect(log.ops(`service-${CLOSED}`)).toEqual(["update"]);
  await consumer.stack.up();
  expect(emu.serviceState(CLOSED)?.whitelist).toEqual([A, B]);
});

it("a service closed out of band: refresh shows it, up reopens it and re-applies the whitelist and the approvals", async () => {
  emu.setVpcepEnabled(CLOSED, false);
  await consumer.stack.refresh();
  const log = new EventLog();
  await consumer.stack.preview({ onEvent: log.onEvent });
  expect(log.ops(`service-${CLOSED}`)).toEqual(["update"]);
  await consumer.stack.up({ refresh: true });
  expect(emu.serviceState(CLOSED)).toMatchObject({ open: true, whitelist: [A, B] });
  expect(statuses(emu, CLOSED)["ep-c1"]).toBe("accepted");
});

it("destroy leaves both clusters as found: the opened service closed, the adopted one open with its old whitelist", async () => {
  emu.clearRequests();
  await consumer.stack.destroy();
  expect(emu.serviceState(CLOSED)?.open).toBe(false);
  expect(emu.serviceState(ADOPTED)).toMatchObject({ open: true, whitelist: [OLD] });
  expect(statuses(emu, ADOPTED)).toEqual({ "ep-o1": "rejected", "ep-other": "pendingAcceptance" });
  console.log(`E2E-FIGURE producer_destroy changes=${emu.count({ method: "POST", status: 200 }) + emu.count({ method: "PUT", status: 200 })} self_inflicted_409=${emu.count({ status: 409 })}`);
  await consumer.stack.workspace.removeStack("dev");
});
