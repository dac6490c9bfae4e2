/**
 * Production safety at the provider level (issue 12), against the emulator over real HTTP: nothing
 * lost (partial state, per-approval deadlines, overlapping approvals), nothing retargeted silently,
 * nothing sent that the preview did not announce, clear timeout messages, no secret in messages.
 * The engine-level paths (renames, moves, config changes, secrets in state) are in test/e2e/safety.
 */
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApprovalProvider } from "../../provider";
import type { ApprovalOutputs } from "../../provider";
import { clearClaims } from "../../provider/core/claims";
import { CONNECTIONS_POST, akskEnv, createVia, setEnv, startEmulator, statuses, updateVia } from "../helpers/harness";

let emu: CssEmulator;
let restore: () => void;
const provider = new VpcepConnectionApprovalProvider();
const CLUSTER = "c-safe";

beforeAll(async () => {
  emu = await startEmulator();
  restore = setEnv(akskEnv(emu));
});
afterAll(async () => {
  restore();
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
  emu.addCluster(CLUSTER, { endpoints: ["ep-1", "ep-2", "ep-3"] });
  clearClaims();
});

const props = (over: Record<string, unknown> = {}) => ({ clusterId: CLUSTER, endpointIds: ["ep-1"], endpoint: emu.url, ...over });

/** The error a failed create/update throws, for the partial-state fields pulumi's host reads. */
async function failure(p: Promise<unknown>): Promise<Error & { id?: string; properties?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { id?: string; properties?: Record<string, unknown> };
  }
  throw new Error("expected a failure");
}

describe("a failure after the POST keeps what the API accepted in state", () => {
  it("create that times out waiting returns partial state: id, inputs, observations and __provider", async () => {
    emu.configure({ freezeStatuses: true });
    const checked = await provider.check({}, props({ endpointIds: ["ep-1", "ep-2"], timeoutSeconds: 1 }));
    const err = await failure(provider.create({ ...checked.inputs, __provider: "serialized-code" }));
    expect(err.message).toMatch(/timed out after 1s \(timeoutSeconds=1\).*ep-1 is "pendingAcceptance" \(want "accepted"\).*Raise timeoutSeconds/);
    expect(err.id).toMatch(new RegExp(`^${CLUSTER}:`));
    expect(err.properties).toMatchObject({ clusterId: CLUSTER, endpointIds: ["ep-1", "ep-2"], __provider: "serialized-code" });
    expect(err.properties?.target).toMatchObject({ baseUrl: emu.url });
    // Delete from that partial state rejects what may have been accepted.
    emu.configure({ freezeStatuses: false });
    emu.setStatus(CLUSTER, "ep-1", "accepted");
    await provider.delete(err.id as string, err.properties as unknown as ApprovalOutputs);
    expect(statuses(emu, CLUSTER)["ep-1"]).toBe("rejected");
  });

  it("create that fails before any POST (an endpoint that is not connected) records nothing", async () => {
    const err = await failure(createVia(provider, props({ endpointIds: ["ep-404"] })));
    expect(err.message).toMatch(/ep-404 are not connected/);
    expect(err.id).toBeUndefined();
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
  });

  it("an update that fails after rejecting part of a removal remembers the rest as pendingReleases", async () => {
    const { id, outs } = await createVia(provider, props({ endpointIds: ["ep-1", "ep-2"] }));
    emu.configure({ freezeStatuses: true });
    const err = await failure(updateVia(provider, id, { ...outs, timeoutSeconds: 1 }, props({ endpointIds: ["ep-1"], timeoutSeconds: 1 })));
    expect(err.id).toBe(id);
    expect(err.properties).toMatchObject({ endpointIds: ["ep-1"], pendingReleases: ["ep-2"] });
    emu.configure({ freezeStatuses: false });
    // The next update (or delete) rejects it.
    const next = await updateVia(provider, id, err.properties as unknown as ApprovalOutputs, props({ endpointIds: ["ep-1"] }));
    expect(statuses(emu, CLUSTER)).toMatchObject({ "ep-1": "accepted", "ep-2": "rejected" });
    expect(next.outs?.pendingReleases).toBeUndefined();
  });
});

describe("an update sends only what its preview announced", () => {
  it("a timeoutSeconds change sends nothing for an endpoint rejected in the console, and records the drift", async () => {
    const { id, outs } = await createVia(provider, props({ endpointIds: ["ep-1", "ep-2"] }));
    emu.setStatus(CLUSTER, "ep-1", "rejected");
    emu.clearRequests();
    const diff = await provider.diff(id, outs, (await provider.check(outs as unknown as Record<string, unknown>, props({ endpointIds: ["ep-1", "ep-2"], timeoutSeconds: 30 }))).inputs as Record<string, unknown>);
    expect(diff.changes).toBe(true);
    const { outs: after } = await updateVia(provider, id, outs, props({ endpointIds: ["ep-1", "ep-2"], timeoutSeconds: 30 }));
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
    expect(after?.connections.find((c) => c.id === "ep-1")?.status).toBe("rejected");
    // The next preview shows the drift, and that update repairs it.
    const checked = await provider.check(after as unknown as Record<string, unknown>, props({ endpointIds: ["ep-1", "ep-2"], timeoutSeconds: 30 }));
    expect((await provider.diff(id, after as ApprovalOutputs, checked.inputs as Record<string, unknown>)).changes).toBe(true);
    await updateVia(provider, id, after as ApprovalOutputs, props({ endpointIds: ["ep-1", "ep-2"], timeoutSeconds: 30 }));
    expect(statuses(emu, CLUSTER)["ep-1"]).toBe("accepted");
  });
});

describe("where the API is reached is recorded in state", () => {
  it("refresh and delete use the recorded target, not a changed environment", async () => {
    let restoreEnv = setEnv({ ...akskEnv(emu), CSS_VPCEP_ENDPOINT: emu.url });
    const { id, outs } = await createVia(provider, props({ endpoint: undefined }));
    restoreEnv();
    expect(outs.target).toEqual({ cloud: "huaweicloud", projectId: emu.projectId, baseUrl: emu.url });
    restoreEnv = setEnv({ ...akskEnv(emu), CSS_VPCEP_ENDPOINT: "http://127.0.0.1:9" });
    try {
      const read = await provider.read(id, outs);
      expect(read.id).toBe(id);
      // The diff sees that the settings now point elsewhere: an update, not a replace.
      const diff = await provider.diff(id, outs, (await provider.check(outs as unknown as Record<string, unknown>, props({ endpoint: undefined }))).inputs as Record<string, unknown>);
      expect(diff).toMatchObject({ changes: true });
      expect(diff.replaces ?? []).toEqual([]);
      await provider.delete(id, outs);
      expect(statuses(emu, CLUSTER)["ep-1"]).toBe("rejected");
    } finally {
      restoreEnv();
    }
  }, 30_000);

  it("an update to settings under which the cluster is not found fails clearly and sends nothing", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.clearRequests();
    const wrongProject = props({ projectId: "ffffffffffffffffffffffffffffffff" });
    await expect(updateVia(provider, id, outs, wrongProject)).rejects.toThrow(/not found through the new settings.*Nothing was changed; the resource still records/);
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
  });

  it("a settings change that reaches the same cluster sends no accept or reject", async () => {
    const { id, outs } = await createVia(provider, props({ endpointIds: ["ep-1", "ep-2"] }));
    emu.clearRequests();
    const { outs: after } = await updateVia(provider, id, outs, props({ endpointIds: ["ep-1", "ep-2"], region: "eu-de", cloud: "otc" }));
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
    expect(after?.target).toMatchObject({ cloud: "otc", region: "eu-de", baseUrl: emu.url });
    expect(statuses(emu, CLUSTER)).toMatchObject({ "ep-1": "accepted", "ep-2": "accepted" });
  });
});

describe("CSS.0015 (not found or access denied) drops state only when the cluster list confirms it is gone", () => {
  it("access denied to an existing cluster: refresh and delete fail clearly and keep the resource", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.setAccessDenied(CLUSTER, true);
    await expect(provider.read(id, outs)).rejects.toThrow(/cluster list shows it: the credentials lack access.*The resource is kept/);
    await expect(provider.delete(id, outs)).rejects.toThrow(/cluster list shows it: the credentials lack access/);
    emu.setAccessDenied(CLUSTER, false);
    expect(statuses(emu, CLUSTER)["ep-1"]).toBe("accepted");
  });

  it("a cluster list the credentials may not read: an error, not a dropped resource", async () => {
    const { id, outs } = await createVia(provider, props());
    emu.configure({ denyClusterList: true });
    emu.removeCluster(CLUSTER);
    await expect(provider.read(id, outs)).rejects.toThrow(/cluster list could not be read.*The resource is kept/);
  });

  it.each(["one-based", "zero-based"] as const)("a gone cluster is confirmed over a paged list (%s offsets)", async (clusterListOffset) => {
    const { id, outs } = await createVia(provider, props());
    emu.configure({ clusterListOffset, maxLimit: 2 });
    for (let i = 0; i < 5; i++) emu.addCluster(`c-other-${i}`);
    emu.removeCluster(CLUSTER);
    await expect(provider.read(id, outs)).resolves.toEqual({ id: "" });
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
    // And a cluster on a later page (the list is newest first) is found, not taken for gone.
    emu.addCluster(CLUSTER, { endpoints: ["ep-1"] });
    for (let i = 5; i < 10; i++) emu.addCluster(`c-other-${i}`);
    emu.setAccessDenied(CLUSTER, true);
    await expect(provider.read(id, outs)).rejects.toThrow(/cluster list shows it/);
  });
});

describe("approvals of one deployment never undo each other", () => {
  const named = (name: string, over: Record<string, unknown>) => props({ resourceName: name, ...over });

  it("dropping an endpoint that another approval declares does not reject it; deleting does not either", async () => {
    const a = await createVia(provider, named("team-a", { endpointIds: ["ep-1", "ep-2"] }));
    await createVia(provider, named("team-b", { endpointIds: ["ep-2"] }));
    // The next deployment (claims live as long as the provider process): the program now gives ep-2 to team-b only.
    clearClaims();
    await provider.check({}, named("team-b", { endpointIds: ["ep-2"] }));
    emu.clearRequests();
    const { outs: a2 } = await updateVia(provider, a.id, a.outs, named("team-a", { endpointIds: ["ep-1"] }));
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
    expect(a2?.pendingReleases).toBeUndefined();
    // A later deployment removes team-a (only team-b is checked): its delete rejects ep-1, not ep-2.
    clearClaims();
    await provider.check({}, named("team-b", { endpointIds: ["ep-2"] }));
    await provider.delete(a.id, { ...a.outs, endpointIds: ["ep-1", "ep-2"] });
    expect(statuses(emu, CLUSTER)).toMatchObject({ "ep-1": "rejected", "ep-2": "accepted" });
  });

  it("fails fast, naming both, when one approval receives what another rejects", async () => {
    await provider.check({}, named("team-a", { endpointIds: ["ep-2"] }));
    const second = await provider.check({}, named("team-b", { endpointIds: ["ep-2"], action: "reject" }));
    expect(second.failures?.[0]?.reason).toMatch(/ep-2 is received by approval "team-a" and rejected by approval "team-b"/);
    emu.clearRequests();
    await expect(provider.create((await provider.check({}, named("team-a", { endpointIds: ["ep-2"] }))).inputs)).rejects.toThrow(/conflicting approvals/);
    expect(emu.count(CONNECTIONS_POST)).toBe(0);
  });
});

describe("each approval keeps its own deadline", () => {
  it("a short approval coalesced with a long one on a busy cluster fails alone, and its endpoint is never sent", async () => {
    emu.configure({ busyMs: 4_000 });
    // Make the cluster busy first (our own earlier change).
    await createVia(provider, props({ endpointIds: ["ep-3"] }));
    emu.clearRequests();
    const started = Date.now();
    const short = createVia(provider, props({ endpointIds: ["ep-1"], timeoutSeconds: 2 }));
    const long = createVia(provider, props({ endpointIds: ["ep-2"], timeoutSeconds: 60 }));
    const shortErr = await failure(short);
    expect(shortErr.message).toMatch(/timed out after 2s \(timeoutSeconds=2\).*raise timeoutSeconds/);
    expect(Date.now() - started).toBeLessThan(3_500);
    await expect(long).resolves.toMatchObject({ outs: { endpointIds: ["ep-2"] } });
    expect(statuses(emu, CLUSTER)).toMatchObject({ "ep-1": "pendingAcceptance", "ep-2": "accepted" });
    // Attempts before its deadline carried it and met 409s; none that the API took did.
    const taken = emu.findRequests({ ...CONNECTIONS_POST, status: 200 }).map((r) => JSON.stringify(r.body));
    expect(taken.some((b) => b.includes("ep-2"))).toBe(true);
    expect(taken.some((b) => b.includes("ep-1"))).toBe(false);
  }, 30_000);

  it("a slow API near the deadline reads as a timeout of the operation, not a network failure", async () => {
    emu.configure({ latencyMs: 700 });
    const err = await failure(createVia(provider, props({ timeoutSeconds: 1 })));
    expect(err.message).toMatch(/timed out after \d+s \(timeoutSeconds=1\)/i);
    expect(err.message).not.toMatch(/ECONNABORTED|within the request timeout/);
  }, 30_000);
});

describe("secret inputs", () => {
  it("keep a secret cluster id out of the id, and every secret value out of messages", async () => {
    const { id } = await createVia(provider, props({ secretInputs: ["clusterId", "endpointIds"] }));
    expect(id).toMatch(/^approval-[0-9a-f]{12}$/);
    const err = await failure(createVia(provider, props({ endpointIds: ["ep-404"], secretInputs: ["clusterId", "endpointIds"] })));
    expect(err.message).not.toContain(CLUSTER);
    expect(err.message).not.toContain("ep-404");
    expect(err.message).toMatch(/\*\*\*/);
  });
});
