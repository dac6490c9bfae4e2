/**
 * The whole life of an approval through the real Pulumi CLI (Automation API, inline program in this
 * process, file:// backend) against the emulator: preview with unknown endpoint ids, up, a no-change
 * preview, an out-of-band rejection seen by refresh and repaired by up, in-place updates, a replace on
 * a cluster change, and destroy (also after the cluster vanished).
 */
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApproval } from "../../provider";
import type { ApprovalAction } from "../../provider";
import { ACCESS_KEY, CONNECTIONS_POST, SECRET_KEY, startEmulator, statuses } from "../helpers/harness";
import { EventLog, FAST_PROVIDER_ENV, TestBackend, approvalsInState, inlineStack, newBackend, stateStatuses } from "../helpers/pulumi";

jest.setTimeout(300_000);

/** Pulumi's "unknown during preview" sentinel as the provider's check() receives it. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * A tiny dynamic resource whose `ids` output exists only after create: fed into endpointIds, it makes
 * them unknown during the first preview, as an endpoint created in the same program would.
 */
const idSourceProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Record<string, unknown>) {
    return { id: "endpoint-id-source", outs: { wanted: inputs.wanted, ids: inputs.wanted } };
  },
};

class EndpointIdSource extends pulumi.dynamic.Resource {
  declare readonly ids: pulumi.Output<string[]>;
  constructor(name: string, wanted: string[]) {
    super(idSourceProvider, name, { wanted, ids: undefined }, {}, "e2e", "EndpointIdSource");
  }
}

interface Spec {
  viaSource: boolean;
  clusterId: string;
  endpointIds: string[];
  action?: ApprovalAction;
}

let emu: CssEmulator;
let backend: TestBackend;

beforeAll(async () => {
  emu = await startEmulator();
  backend = await newBackend({ OS_ACCESS_KEY: ACCESS_KEY, OS_SECRET_KEY: SECRET_KEY, OS_PROJECT_ID: emu.projectId, ...FAST_PROVIDER_ENV });
});
afterAll(async () => {
  await emu?.stop();
  backend?.cleanup();
});

/** An inline stack whose program reads the mutable spec each run. */
async function specStack(stackName: string, spec: Spec): Promise<Stack> {
  return inlineStack(backend, "css-vpcep-lifecycle", stackName, async () => {
    const ids = spec.viaSource ? new EndpointIdSource("ids", spec.endpointIds).ids : spec.endpointIds;
    const approval = new VpcepConnectionApproval("approval", {
      clusterId: spec.clusterId,
      endpointIds: ids,
      action: spec.action,
      endpoint: emu.url,
    });
    return { approvalId: approval.id, connections: approval.connections };
  });
}

describe("endpoint ids unknown at preview, then up, drift, repair and destroy", () => {
  const CLUSTER = "c-life-unknown";
  const EPS = ["ep-u1", "ep-u2", "ep-u3"];
  const spec: Spec = { viaSource: true, clusterId: CLUSTER, endpointIds: EPS };
  let stack: Stack;

  beforeAll(async () => {
    emu.addCluster(CLUSTER, { endpoints: [...EPS, "ep-other"] });
    stack = await specStack("unknown", spec);
  });

  it("previews with unknown endpoint ids: no error, a create for the approval, no API change", async () => {
    const log = new EventLog();
    const preview = await stack.preview({ onEvent: log.onEvent });
    expect(preview.changeSummary).toEqual({ create: 3 }); // stack, id source, approval
    expect(log.ops("approval")).toEqual(["create"]);
    expect(log.ops("ids")).toEqual(["create"]);
    // The ids really were unknown when the engine planned the approval.
    expect(log.plannedInputs("approval")?.endpointIds).toBe(UNKNOWN);
    expect(log.plannedInputs("approval")?.clusterId).toBe(CLUSTER);
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
    expect(statuses(emu, CLUSTER)).toEqual({ "ep-u1": "pendingAcceptance", "ep-u2": "pendingAcceptance", "ep-u3": "pendingAcceptance", "ep-other": "pendingAcceptance" });
  });

  it("up accepts every declared endpoint (and nothing else); a second preview shows no change", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges).toEqual({ create: 3 });
    expect(statuses(emu, CLUSTER)).toEqual({ "ep-u1": "accepted", "ep-u2": "accepted", "ep-u3": "accepted", "ep-other": "pendingAcceptance" });
    expect(String(up.outputs.approvalId.value).startsWith(`${CLUSTER}:`)).toBe(true);
    const outs = up.outputs.connections.value as { id: string; status: string }[];
    expect(outs.map((c) => `${c.id}=${c.status}`)).toEqual(["ep-u1=accepted", "ep-u2=accepted", "ep-u3=accepted"]);
    expect(emu.count({ ...CONNECTIONS_POST, status: 200 })).toBe(1);

    const log = new EventLog();
    const again = await stack.preview({ onEvent: log.onEvent });
    expect(again.changeSummary).toEqual({ same: 3 });
    expect(log.ops("approval")).toEqual(["same"]);
  });

  it("refresh shows an endpoint rejected behind Pulumi's back, and the next up accepts it again (an update)", async () => {
    emu.setStatus(CLUSTER, "ep-u2", "rejected");
    const before = stateStatuses((await approvalsInState(stack)).get("approval"));
    expect(before["ep-u2"]).toBe("accepted");

    const refresh = await stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    expect(stateStatuses((await approvalsInState(stack)).get("approval"))).toEqual({ "ep-u1": "accepted", "ep-u2": "rejected", "ep-u3": "accepted" });

    const log = new EventLog();
    const preview = await stack.preview({ onEvent: log.onEvent });
    expect(log.ops("approval")).toEqual(["update"]);
    expect(preview.changeSummary).toEqual({ same: 2, update: 1 });

    const postsBefore = emu.findRequests(CONNECTIONS_POST).length;
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 2, update: 1 });
    expect(statuses(emu, CLUSTER)["ep-u2"]).toBe("accepted");
    // Only the drifted endpoint was re-sent.
    const posts = emu.findRequests(CONNECTIONS_POST).slice(postsBefore);
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toEqual({ action: "receive", endpoint_id_list: ["ep-u2"] });
    expect(stateStatuses((await approvalsInState(stack)).get("approval"))["ep-u2"]).toBe("accepted");

    const settled = await stack.preview();
    expect(settled.changeSummary).toEqual({ same: 3 });
  });

  it("destroy rejects every declared endpoint and leaves the others alone", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(destroy.summary.resourceChanges).toEqual({ delete: 3 });
    expect(statuses(emu, CLUSTER)).toEqual({ "ep-u1": "rejected", "ep-u2": "rejected", "ep-u3": "rejected", "ep-other": "pendingAcceptance" });
    expect((await approvalsInState(stack)).size).toBe(0);
    await stack.workspace.removeStack("unknown");
  });
});

describe("updates in place, replace on a cluster change", () => {
  const A = "c-life-upd-a";
  const B = "c-life-upd-b";
  const spec: Spec = { viaSource: false, clusterId: A, endpointIds: ["ep-1", "ep-2", "ep-3"] };
  let stack: Stack;
  let firstId: string;

  beforeAll(async () => {
    emu.addCluster(A, { endpoints: ["ep-1", "ep-2", "ep-3", "ep-4"] });
    emu.addCluster(B, { endpoints: ["ep-b1", "ep-b2"] });
    stack = await specStack("update", spec);
    const up = await stack.up();
    firstId = String(up.outputs.approvalId.value);
    expect(statuses(emu, A)).toEqual({ "ep-1": "accepted", "ep-2": "accepted", "ep-3": "accepted", "ep-4": "pendingAcceptance" });
  });

  it("adding and removing endpoint ids is an update: the added one accepted, the removed one rejected", async () => {
    spec.endpointIds = ["ep-4", "ep-2", "ep-1"]; // -ep-3 +ep-4, reordered
    const log = new EventLog();
    const preview = await stack.preview({ onEvent: log.onEvent });
    expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
    expect(log.ops("approval")).toEqual(["update"]);

    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(statuses(emu, A)).toEqual({ "ep-1": "accepted", "ep-2": "accepted", "ep-3": "rejected", "ep-4": "accepted" });
    expect(String(up.outputs.approvalId.value)).toBe(firstId); // same resource, not a new one
    const state = (await approvalsInState(stack)).get("approval");
    expect(state?.outputs?.endpointIds).toEqual(["ep-1", "ep-2", "ep-4"]);
    expect(stateStatuses(state)).toEqual({ "ep-1": "accepted", "ep-2": "accepted", "ep-4": "accepted" });
  });

  it("reordering or duplicating the ids is no change", async () => {
    spec.endpointIds = ["ep-2", "ep-1", "ep-4", "ep-1"];
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 2 });
  });

  it("changing the cluster replaces: the old cluster's endpoints rejected, the new one's accepted", async () => {
    spec.clusterId = B;
    spec.endpointIds = ["ep-b1", "ep-b2"];
    const log = new EventLog();
    const preview = await stack.preview({ onEvent: log.onEvent });
    expect(preview.changeSummary).toEqual({ same: 1, replace: 1 });
    expect(log.ops("approval")).toContain("replace");
    expect(log.ops("approval")).not.toContain("update");

    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 1, replace: 1 });
    expect(statuses(emu, A)).toEqual({ "ep-1": "rejected", "ep-2": "rejected", "ep-3": "rejected", "ep-4": "rejected" });
    expect(statuses(emu, B)).toEqual({ "ep-b1": "accepted", "ep-b2": "accepted" });
    expect(String(up.outputs.approvalId.value).startsWith(`${B}:`)).toBe(true);
  });

  it("changing action to reject rejects every endpoint, in place", async () => {
    spec.action = "reject";
    const log = new EventLog();
    const preview = await stack.preview({ onEvent: log.onEvent });
    expect(preview.changeSummary).toEqual({ same: 1, update: 1 });
    expect(log.ops("approval")).toEqual(["update"]);

    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(statuses(emu, B)).toEqual({ "ep-b1": "rejected", "ep-b2": "rejected" });
    expect(stateStatuses((await approvalsInState(stack)).get("approval"))).toEqual({ "ep-b1": "rejected", "ep-b2": "rejected" });
    expect((await stack.preview()).changeSummary).toEqual({ same: 2 });
  });

  afterAll(async () => {
    await stack?.destroy();
    await stack?.workspace.removeStack("update");
  });
});

describe("destroy after the cluster vanished", () => {
  it("succeeds and removes the resource from state", async () => {
    const CLUSTER = "c-life-gone";
    emu.addCluster(CLUSTER, { endpoints: ["ep-g1", "ep-g2"] });
    const stack = await specStack("gone", { viaSource: false, clusterId: CLUSTER, endpointIds: ["ep-g1", "ep-g2"] });
    await stack.up();
    expect(statuses(emu, CLUSTER)).toEqual({ "ep-g1": "accepted", "ep-g2": "accepted" });
    expect((await approvalsInState(stack)).size).toBe(1);

    emu.removeCluster(CLUSTER);
    emu.clearRequests();
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
    expect((await approvalsInState(stack)).size).toBe(0);
    // The delete did ask the API, which answered "cluster gone" (403 CSS.0015), and sent no reject.
    expect(emu.findRequests({ clusterId: CLUSTER }).some((r) => r.status === 403 && r.errCode === "CSS.0015")).toBe(true);
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
    await stack.workspace.removeStack("gone");
  });
});
