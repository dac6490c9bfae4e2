/**
 * Issue 11 through the real CLI with the packed package installed: a change of how the API is
 * reached (endpoint URL, region written into the program, cloud) is an in-place update that sends no
 * accept or reject, and no consumer's endpoint ever leaves `accepted`. Only a new cluster id replaces.
 */
import type { CssEmulator } from "../../emulator";
import { CONNECTIONS_POST, startEmulator, statuses } from "../helpers/harness";
import { ApprovalSpec, Consumer, consumerStack, watchStatuses } from "../helpers/consumer";
import { EventLog, approvalsInState } from "../helpers/pulumi";

jest.setTimeout(600_000);

const CLUSTER = "c-settings";
const OTHER = "c-settings-2";
const EPS = ["ep-s1", "ep-s2"];

let emu: CssEmulator;
let secondUrl: string;
let consumer: Consumer;

beforeAll(async () => {
  emu = await startEmulator();
  emu.addCluster(CLUSTER, { endpoints: EPS });
  emu.addCluster(OTHER, { endpoints: EPS });
  // The same clusters behind a second URL (a VPC-internal endpoint or a proxy, as a user would move to).
  secondUrl = await emu.listenAlso();
  consumer = await consumerStack(emu, "css-vpcep-settings", { OS_REGION_NAME: "eu-de" });
});
afterAll(async () => {
  await emu?.stop();
  consumer?.backend.cleanup();
});

const approval = (over: Partial<ApprovalSpec> = {}): ApprovalSpec[] => [{ name: "consumers", clusterId: CLUSTER, endpointIds: EPS, ...over }];

/** Preview (must show an in-place update), then up; returns the POSTs sent and what the endpoints went through. */
async function updateWithoutOutage(): Promise<{ posts: number; seen: Record<string, string[]> }> {
  const log = new EventLog();
  const preview = await consumer.stack.preview({ onEvent: log.onEvent });
  expect(log.ops("consumers")).toEqual(["update"]);
  expect(preview.changeSummary).toMatchObject({ update: 1 });
  emu.clearRequests();
  const watch = watchStatuses(emu, CLUSTER, EPS);
  const up = await consumer.stack.up();
  const seen = watch.stop();
  expect(up.summary.result).toBe("succeeded");
  expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  return { posts: emu.count(CONNECTIONS_POST), seen };
}

it("applies once, then previews no change", async () => {
  await consumer.declare(approval());
  await consumer.stack.up();
  expect(statuses(emu, CLUSTER)).toEqual({ "ep-s1": "accepted", "ep-s2": "accepted" });
  expect((await consumer.stack.preview()).changeSummary).toEqual({ same: 2 });
});

it("moving to a second endpoint URL for the same cluster is an update with zero accept/reject calls", async () => {
  consumer.setEnv("CSS_VPCEP_ENDPOINT", secondUrl);
  const { posts, seen } = await updateWithoutOutage();
  console.log(`E2E-FIGURE settings_change endpoint_url posts=${posts}`);
  expect(posts).toBe(0);
  expect(seen).toEqual({ "ep-s1": ["accepted"], "ep-s2": ["accepted"] });
  const state = (await approvalsInState(consumer.stack)).get("consumers");
  expect(state?.outputs?.target).toMatchObject({ baseUrl: secondUrl });
  expect((await consumer.stack.preview()).changeSummary).toEqual({ same: 2 });
});

it("writing the region (that came from OS_REGION_NAME) into the program is an update with zero calls", async () => {
  await consumer.declare(approval({ region: "eu-de" }));
  const { posts, seen } = await updateWithoutOutage();
  console.log(`E2E-FIGURE settings_change region_input posts=${posts}`);
  expect(posts).toBe(0);
  expect(seen).toEqual({ "ep-s1": ["accepted"], "ep-s2": ["accepted"] });
});

it("changing cloud with an endpoint set is an update with zero calls", async () => {
  await consumer.declare(approval({ region: "eu-de", endpoint: secondUrl, cloud: "huaweicloud" }));
  const { posts, seen } = await updateWithoutOutage();
  console.log(`E2E-FIGURE settings_change cloud_with_endpoint posts=${posts}`);
  expect(posts).toBe(0);
  expect(seen).toEqual({ "ep-s1": ["accepted"], "ep-s2": ["accepted"] });
});

it("a cluster id change still replaces (the new cluster's endpoints accepted, the old ones rejected)", async () => {
  await consumer.declare(approval({ clusterId: OTHER, region: "eu-de", endpoint: secondUrl, cloud: "huaweicloud" }));
  const log = new EventLog();
  await consumer.stack.preview({ onEvent: log.onEvent });
  // Create the replacement first, then delete the replaced one (the engine's steps of a replace).
  expect(log.ops("consumers")).toEqual(["create-replacement", "replace", "delete-replaced"]);
  await consumer.stack.up();
  expect(statuses(emu, OTHER)).toEqual({ "ep-s1": "accepted", "ep-s2": "accepted" });
  expect(statuses(emu, CLUSTER)).toEqual({ "ep-s1": "rejected", "ep-s2": "rejected" });
});

it("destroys through the recorded target", async () => {
  await consumer.stack.destroy();
  expect(statuses(emu, OTHER)).toEqual({ "ep-s1": "rejected", "ep-s2": "rejected" });
  await consumer.stack.workspace.removeStack("dev");
});
