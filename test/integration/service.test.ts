/**
 * `VpcepService` against the emulator over real HTTP: open or adopt, whitelist, drift and repair,
 * destroy that leaves the cluster as it was found, and one lane per cluster shared with approvals.
 */
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApprovalProvider, VpcepServiceProvider } from "../../provider";
import type { ServiceOutputs } from "../../provider";
import { akskEnv, createVia, setEnv, startEmulator, statuses } from "../helpers/harness";
import { captureStderr } from "../reliability/support";

let emu: CssEmulator;
let restore: () => void;
const provider = new VpcepServiceProvider();
const C = "c-service";
const A = "a".repeat(32);
const B = "b".repeat(32);
const OLD = "0".repeat(32);

beforeAll(async () => {
  emu = await startEmulator();
  restore = setEnv(akskEnv(emu));
});
afterAll(async () => {
  restore();
  await emu.stop();
});
beforeEach(() => emu.reset());

const props = (over: Record<string, unknown> = {}) => ({ clusterId: C, endpoint: emu.url, ...over });
const SERVICE_CALLS = (kind: "open" | "close" | "permissions") => ({ pathEndsWith: `/vpcepservice/${kind}`, status: 200 });

async function create(over: Record<string, unknown> = {}): Promise<{ id: string; outs: ServiceOutputs }> {
  const checked = await provider.check({}, props(over));
  expect(checked.failures ?? []).toEqual([]);
  const { id, outs } = await provider.create(checked.inputs as Record<string, unknown>);
  return { id, outs: outs as ServiceOutputs };
}

async function update(id: string, olds: ServiceOutputs, over: Record<string, unknown>): Promise<ServiceOutputs> {
  const checked = await provider.check(olds as unknown as Record<string, unknown>, props(over));
  return (await provider.update(id, olds, checked.inputs as Record<string, unknown>)).outs as ServiceOutputs;
}

describe("a closed service", () => {
  beforeEach(() => emu.addCluster(C, { vpcepEnabled: false }));

  it("is opened with its whitelist, and destroy closes it again", async () => {
    const { id, outs } = await create({ whitelist: [B, A, A], endpointWithDnsName: true });
    expect(emu.serviceState(C)).toMatchObject({ open: true, whitelist: [A, B], endpointWithDnsName: true });
    expect(outs).toMatchObject({ open: true, whitelist: [A, B], observedWhitelist: [A, B], found: { open: false, whitelist: [] } });
    expect(outs.vpcServiceName).toEqual(expect.any(String));
    expect(outs.vpcepIp).toEqual(expect.any(String));
    expect(id).toMatch(new RegExp(`^${C}:service-[0-9a-f]{12}$`));
    await provider.delete(id, outs);
    expect(emu.serviceState(C)?.open).toBe(false);
  });

  it("a failure after opening keeps the resource in state, remembering it found the service closed", async () => {
    emu.failNext(1, { status: 400, code: "CSS.5181", match: { pathIncludes: "/vpcepservice/permissions" } });
    const checked = await provider.check({}, props({ whitelist: [A] }));
    const err = (await provider.create({ ...checked.inputs, __provider: "code" }).catch((e: unknown) => e)) as Error & { id?: string; properties?: Record<string, unknown> };
    expect(err.message).toMatch(/CSS\.5181/);
    expect(err.id).toMatch(new RegExp(`^${C}:service-`));
    expect(err.properties).toMatchObject({ found: { open: false, whitelist: [] }, __provider: "code" });
    // Its delete closes what it opened.
    await provider.delete(err.id as string, err.properties as unknown as ServiceOutputs);
    expect(emu.serviceState(C)?.open).toBe(false);
  });

  it("closed behind Pulumi's back: refresh shows it, the next update reopens it and re-applies the whitelist", async () => {
    const { id, outs } = await create({ whitelist: [A] });
    emu.setVpcepEnabled(C, false);
    const read = await provider.read(id, outs);
    expect(read.props).toMatchObject({ open: false });
    const checked = await provider.check(read.props as unknown as Record<string, unknown>, props({ whitelist: [A] }));
    const diff = await provider.diff(id, read.props as ServiceOutputs, checked.inputs as Record<string, unknown>);
    expect(diff).toMatchObject({ changes: true });
    const after = await update(id, read.props as ServiceOutputs, { whitelist: [A] });
    expect(emu.serviceState(C)).toMatchObject({ open: true, whitelist: [A] });
    // It still remembers it found the service closed: destroy closes it.
    expect(after.found).toEqual({ open: false, whitelist: [] });
  });
});

describe("an open service is adopted", () => {
  beforeEach(() => emu.addCluster(C, { whitelist: [OLD] }));

  it("the whitelist is changed in place, and destroy puts back the one it found, leaving the service open", async () => {
    const { id, outs } = await create({ whitelist: [A] });
    expect(emu.count(SERVICE_CALLS("open"))).toBe(0);
    expect(outs.found).toEqual({ open: true, whitelist: [OLD] });
    const after = await update(id, outs, { whitelist: [A, B] });
    expect(emu.serviceState(C)?.whitelist).toEqual([A, B]);
    expect(emu.count(SERVICE_CALLS("permissions"))).toBe(2);
    await provider.delete(id, after);
    expect(emu.serviceState(C)).toMatchObject({ open: true, whitelist: [OLD] });
    expect(emu.count(SERVICE_CALLS("close"))).toBe(0);
  });

  it("an unmanaged whitelist (unset) is left alone, also on destroy", async () => {
    const { id, outs } = await create();
    expect(outs.observedWhitelist).toEqual([OLD]);
    emu.setWhitelist(C, [B]);
    await provider.delete(id, outs);
    expect(emu.serviceState(C)).toMatchObject({ open: true, whitelist: [B] });
    expect(emu.count(SERVICE_CALLS("permissions"))).toBe(0);
  });

  it("a whitelist changed behind Pulumi's back is drift that the next update repairs", async () => {
    const { id, outs } = await create({ whitelist: [A] });
    emu.setWhitelist(C, [B]);
    const read = await provider.read(id, outs);
    const checked = await provider.check(read.props as unknown as Record<string, unknown>, props({ whitelist: [A] }));
    expect((await provider.diff(id, read.props as ServiceOutputs, checked.inputs as Record<string, unknown>)).changes).toBe(true);
    await update(id, read.props as ServiceOutputs, { whitelist: [A] });
    expect(emu.serviceState(C)?.whitelist).toEqual([A]);
  });
});

describe("inputs", () => {
  it("refuses malformed account ids with a clear message, and passes unknowns", async () => {
    const checked = await provider.check({}, props({ whitelist: ["team-a"] }));
    expect(checked.failures).toEqual([{ property: "whitelist[0]", reason: 'whitelist[0]: an account (domain) ID is 32 hexadecimal characters, got "team-a"' }]);
    const unknown = await provider.check({}, props({ whitelist: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }));
    expect(unknown.failures).toEqual([]);
  });

  it("a settings change is an update that changes nothing; only the cluster id replaces", async () => {
    emu.addCluster(C, { whitelist: [A] });
    const { id, outs } = await create({ whitelist: [A] });
    const d1 = await provider.diff(id, outs, (await provider.check(outs as unknown as Record<string, unknown>, props({ whitelist: [A], region: "eu-de" }))).inputs as Record<string, unknown>);
    expect(d1).toMatchObject({ changes: true, replaces: [] });
    emu.clearRequests();
    await update(id, outs, { whitelist: [A], region: "eu-de" });
    expect(emu.count({ method: "POST" }) + emu.count({ method: "PUT" })).toBe(0);
    const d2 = await provider.diff(id, outs, (await provider.check({}, props({ clusterId: "c-other", whitelist: [A] }))).inputs as Record<string, unknown>);
    expect(d2.replaces).toEqual(["clusterId"]);
  });
});

describe("one lane per cluster", () => {
  it("opening, whitelisting and approving on one busy cluster: once the lane has learned the busy window, no 409 of our own making", async () => {
    emu.configure({ busyMs: 300 });
    emu.addCluster(C, { vpcepEnabled: false, connections: [{ id: "ep-a1", domainId: A }, { id: "ep-a2", domainId: A }, { id: "ep-b1", domainId: B }] });
    emu.clearRequests();
    const approvals = new VpcepConnectionApprovalProvider();
    // The service first (the program makes approvals depend on it), then two approvals at once.
    await create({ whitelist: [A, B] });
    await Promise.all([
      createVia(approvals, { clusterId: C, endpoint: emu.url, domainIds: [A] }),
      createVia(approvals, { clusterId: C, endpoint: emu.url, endpointIds: ["ep-b1"] }),
    ]);
    expect(statuses(emu, C)).toEqual({ "ep-a1": "accepted", "ep-a2": "accepted", "ep-b1": "accepted" });
    const conflicts = emu.count({ status: 409 });
    const changes = emu.count({ method: "POST", status: 200 }) + emu.count({ method: "PUT", status: 200 });
    console.log(`INTEGRATION-FIGURE one_lane changes=${changes} self_inflicted_409=${conflicts} (all while learning the window after the open)`);
    // The lane learns the window from the first change that met it (the whitelist right after the
    // open); every change after that waits it out instead of meeting it.
    expect(emu.count({ pathEndsWith: "/vpcepservice/connections", status: 409 })).toBe(0);
    expect(emu.count({ pathEndsWith: "/vpcepservice/open", status: 409 })).toBe(0);
    expect(changes).toBe(3); // open, whitelist, one coalesced accept
  });

  it("logs the 409 the lane's own open caused (the whitelist right after it) at info, not as a warning", async () => {
    const stderr = captureStderr();
    emu.configure({ busyMs: 300 });
    const cluster = "c-service-own-busy";
    emu.addCluster(cluster, { vpcepEnabled: false });
    emu.clearRequests();
    try {
      await create({ clusterId: cluster, whitelist: [A] });
    } finally {
      stderr.stop();
    }
    expect(emu.serviceState(cluster)).toMatchObject({ open: true, whitelist: [A] });
    expect(emu.count({ pathEndsWith: "/vpcepservice/permissions", status: 409 })).toBeGreaterThanOrEqual(1);
    const retries = stderr.lines.filter((l) => l.includes("retrying set the VPC endpoint whitelist"));
    expect(retries.length).toBe(emu.count({ pathEndsWith: "/vpcepservice/permissions", status: 409 }));
    expect(retries.every((l) => l.startsWith("[css-vpcep] info:"))).toBe(true);
  });
});
