/** Every provider operation against the emulator over real HTTP on 127.0.0.1. */
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApprovalProvider } from "../../provider";
import type { ApprovalOutputs } from "../../provider";
import { CONNECTIONS_POST, akskEnv, createVia, setEnv, startEmulator, statuses, updateVia } from "../helpers/harness";

let emu: CssEmulator;
let restore: () => void;
const provider = new VpcepConnectionApprovalProvider();

beforeAll(async () => {
  emu = await startEmulator();
  restore = setEnv(akskEnv(emu));
});
afterAll(async () => {
  restore();
  await emu.stop();
});
beforeEach(() => {
  emu.addCluster("c-life", { endpoints: ["ep-1", "ep-2", "ep-3", "ep-4"] });
  emu.clearRequests();
});
afterEach(() => emu.removeCluster("c-life"));

const props = (over: Record<string, unknown> = {}) => ({ clusterId: "c-life", endpointIds: ["ep-2", "ep-1", "ep-2"], endpoint: emu.url, ...over });

describe("create", () => {
  it("accepts every endpoint, waits for the status, and reports normalised inputs and observations", async () => {
    const { id, outs } = await createVia(provider, props());
    expect(id).toMatch(/^c-life:[0-9a-f]{12}$/);
    expect(statuses(emu, "c-life")).toEqual({ "ep-1": "accepted", "ep-2": "accepted", "ep-3": "pendingAcceptance", "ep-4": "pendingAcceptance" });
    expect(outs).toMatchObject({ clusterId: "c-life", endpointIds: ["ep-1", "ep-2"], action: "receive", rejectOnDelete: true, timeoutSeconds: 600 });
    expect(outs.connections.map((c) => [c.id, c.status])).toEqual([["ep-1", "accepted"], ["ep-2", "accepted"]]);
    expect(outs.vpcServiceName).toEqual(expect.any(String));
    expect(emu.count(CONNECTIONS_POST)).toBe(1);
  });

  it("gives two resources on one cluster distinct ids", async () => {
    const a = await createVia(provider, props({ endpointIds: ["ep-1"] }));
    const b = await createVia(provider, props({ endpointIds: ["ep-1"] }));
    expect(a.id).not.toBe(b.id);
    expect(a.id.startsWith("c-life")).toBe(true);
  });

  it("is idempotent: endpoints already accepted cost no POST", async () => {
    emu.setStatus("c-life", "ep-1", "accepted");
    emu.setStatus("c-life", "ep-2", "accepted");
    await createVia(provider, props());
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
  });

  it("rejects with action reject", async () => {
    const { outs } = await createVia(provider, props({ action: "reject" }));
    expect(statuses(emu, "c-life")["ep-1"]).toBe("rejected");
    expect(outs.connections.every((c) => c.status === "rejected")).toBe(true);
  });
});

describe("update", () => {
  it("accepts added endpoints and rejects removed ones, in place", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.clearRequests();
    const { outs: next } = await updateVia(provider, id, outs, props({ endpointIds: ["ep-2", "ep-3"] }));
    expect(statuses(emu, "c-life")).toMatchObject({ "ep-1": "rejected", "ep-2": "accepted", "ep-3": "accepted" });
    expect(next?.endpointIds).toEqual(["ep-2", "ep-3"]);
    expect(next?.connections.map((c) => c.id)).toEqual(["ep-2", "ep-3"]);
  });

  it("keeps removed endpoints as they are when rejectOnDelete is false", async () => {
    const { id, outs } = await createVia(provider, props({ rejectOnDelete: false }));
    await updateVia(provider, id, outs, props({ endpointIds: ["ep-2"], rejectOnDelete: false }));
    expect(statuses(emu, "c-life")["ep-1"]).toBe("accepted");
  });

  it("rejects everything on an action change", async () => {
    const { id, outs } = await createVia(provider, props());
    await updateVia(provider, id, outs, props({ action: "reject" }));
    expect(statuses(emu, "c-life")).toMatchObject({ "ep-1": "rejected", "ep-2": "rejected" });
  });

  it("never wipes outputs when only timeoutSeconds changes", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.clearRequests();
    const { outs: next } = await updateVia(provider, id, outs, props({ timeoutSeconds: 120 }));
    expect(next).toMatchObject({ clusterId: "c-life", endpointIds: ["ep-1", "ep-2"], timeoutSeconds: 120 });
    expect(next?.connections).toHaveLength(2);
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
  });
});

describe("read (refresh) and drift", () => {
  it("reports an out-of-band rejection; diff then asks for an update that repairs it", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.setStatus("c-life", "ep-1", "rejected");
    const read = await provider.read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props?.connections.find((c) => c.id === "ep-1")?.status).toBe("rejected");
    expect(read.inputs).toMatchObject({ clusterId: "c-life", endpointIds: ["ep-1", "ep-2"] });

    const checked = await provider.check(read.props as unknown as Record<string, unknown>, props());
    const diff = await provider.diff(id, read.props as ApprovalOutputs, checked.inputs as Record<string, unknown>);
    expect(diff).toMatchObject({ changes: true, replaces: [] });

    await provider.update(id, read.props as ApprovalOutputs, checked.inputs as Record<string, unknown>);
    expect(statuses(emu, "c-life")["ep-1"]).toBe("accepted");
  });

  it("reports no change when nothing drifted", async () => {
    const { id, outs } = await createVia(provider, props());
    const read = await provider.read(id, outs);
    const checked = await provider.check(read.props as unknown as Record<string, unknown>, props({ endpointIds: ["ep-1", "ep-2"] }));
    expect((await provider.diff(id, read.props as ApprovalOutputs, checked.inputs as Record<string, unknown>)).changes).toBe(false);
  });

  it("drops the resource when the cluster is gone", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.removeCluster("c-life");
    expect((await provider.read(id, outs)).id).toBe("");
    emu.addCluster("c-life");
  });

  it("explains that import is not possible", async () => {
    await expect(provider.read("c-life:abc")).rejects.toThrow(/cannot be imported/);
  });
});

describe("delete", () => {
  it("rejects every endpoint", async () => {
    const { id, outs } = await createVia(provider, props());
    await provider.delete(id, outs);
    expect(statuses(emu, "c-life")).toMatchObject({ "ep-1": "rejected", "ep-2": "rejected" });
  });

  it("leaves connections alone when rejectOnDelete is false, without any API call", async () => {
    const { id, outs } = await createVia(provider, props({ rejectOnDelete: false }));
    emu.clearRequests();
    await provider.delete(id, outs);
    expect(statuses(emu, "c-life")["ep-1"]).toBe("accepted");
    expect(emu.requests).toHaveLength(0);
  });

  it("succeeds when endpoints are already rejected or gone", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.setStatus("c-life", "ep-1", "rejected");
    emu.removeConnection("c-life", "ep-2");
    emu.clearRequests();
    await provider.delete(id, outs);
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
  });

  it.each(["css0015", "css3027", "css0047"] as const)("succeeds when the cluster is gone (%s)", async (goneStyle) => {
    const { id, outs } = await createVia(provider, props());
    emu.configure({ goneStyle });
    emu.removeCluster("c-life");
    try {
      await expect(provider.delete(id, outs)).resolves.toBeUndefined();
    } finally {
      emu.configure({ goneStyle: "css0015" });
      emu.addCluster("c-life");
    }
  });

  it("keeps the resource when a 404 without a CSS code answers (a wrong URL or a proxy, not proof the cluster is gone)", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.configure({ goneStyle: "plain404" });
    emu.removeCluster("c-life");
    try {
      await expect(provider.delete(id, outs)).rejects.toThrow(/HTTP 404.*check the endpoint URL/);
      await expect(provider.read(id, outs)).rejects.toThrow(/HTTP 404.*check the endpoint URL/);
    } finally {
      emu.configure({ goneStyle: "css0015" });
      emu.addCluster("c-life");
    }
  });

  it("succeeds when the VPC endpoint service was disabled (CSS.5182)", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.setVpcepEnabled("c-life", false);
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });
});
