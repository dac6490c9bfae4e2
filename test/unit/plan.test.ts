import { UNKNOWN } from "../../provider/core/inputs";
import { assessProgress, coveredIds, diffApproval, driftedEndpoints, planActions, updateScope } from "../../provider/approval/plan";
import type { ObservedConnection } from "../../provider/core/types";

const base = { clusterId: "c1", endpointIds: ["e1", "e2"], action: "receive", rejectOnDelete: true, timeoutSeconds: 600 };
const accepted = (...ids: string[]): ObservedConnection[] => ids.map((id) => ({ id, status: "accepted" }));

describe("diffApproval", () => {
  it("reports no change for identical inputs, reordering or duplicates", () => {
    expect(diffApproval({ ...base, connections: accepted("e1", "e2") }, base).changes).toBe(false);
    expect(diffApproval(base, { ...base, endpointIds: ["e2", "e1", "e1"] }).changes).toBe(false);
  });

  it("replaces only when the cluster id changes, and creates the replacement first", () => {
    expect(diffApproval(base, { ...base, clusterId: "c2" })).toMatchObject({ changes: true, replaces: ["clusterId"], deleteBeforeReplace: false });
  });

  it.each(["region", "projectId", "cloud", "endpoint"])("updates in place (never replaces) when %s changes, is set or is unset", (key) => {
    for (const [o, n] of [["old", "new"], [undefined, "new"], ["old", undefined]]) {
      const d = diffApproval({ ...base, [key]: o }, { ...base, [key]: n });
      expect(d).toMatchObject({ changes: true, replaces: [], deleteBeforeReplace: false });
      expect(d.changed).toEqual([key]);
    }
  });

  it.each([
    ["endpointIds", ["e1", "e3"]],
    ["action", "reject"],
    ["rejectOnDelete", false],
    ["timeoutSeconds", 30],
  ])("updates in place when %s changes", (key, value) => {
    const d = diffApproval(base, { ...base, [key]: value });
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual([]);
    expect(d.changed).toContain(key);
  });

  it("treats missing defaults in old state as the defaults", () => {
    expect(diffApproval({ clusterId: "c1", endpointIds: ["e1", "e2"] }, base).changes).toBe(false);
  });

  it("sees drift after refresh: an endpoint not in its target status", () => {
    const olds = { ...base, connections: [{ id: "e1", status: "accepted" }, { id: "e2", status: "rejected" }] };
    const d = diffApproval(olds, base);
    expect(d).toMatchObject({ changes: true, replaces: [], changed: ["connections"] });
    // Same for an endpoint that is no longer listed at all.
    expect(diffApproval({ ...base, connections: accepted("e1") }, base).changed).toEqual(["connections"]);
  });

  it("reports a replace when the cluster id is unknown, a change for other unknowns", () => {
    expect(diffApproval(base, { ...base, clusterId: UNKNOWN })).toMatchObject({ changes: true, replaces: ["clusterId"], deleteBeforeReplace: false });
    expect(diffApproval(base, { ...base, region: UNKNOWN })).toMatchObject({ changes: true, replaces: [] });
    expect(diffApproval(base, { ...base, endpointIds: UNKNOWN })).toMatchObject({ changes: true, replaces: [] });
    expect(diffApproval(base, { ...base, endpointIds: ["e1", UNKNOWN] })).toMatchObject({ changes: true, replaces: [] });
  });

  describe("the target recorded in state", () => {
    const t = { cloud: "otc" as const, region: "eu-de", projectId: "p1", baseUrl: "https://css.eu-de.otc.t-systems.com" };
    it("is an update when the settings now resolve elsewhere (stack config or environment changed)", () => {
      for (const moved of [{ ...t, baseUrl: "https://proxy.example" }, { ...t, projectId: "p2" }, { ...t, region: "eu-nl" }, { ...t, cloud: "huaweicloud" as const }]) {
        expect(diffApproval({ ...base, target: t }, base, moved)).toMatchObject({ changes: true, replaces: [], changed: ["target"] });
      }
    });
    it("is no change when they resolve to the same place, when state has none (older versions) or when unknown", () => {
      expect(diffApproval({ ...base, target: t }, base, { ...t }).changes).toBe(false);
      expect(diffApproval(base, base, t).changes).toBe(false);
      expect(diffApproval({ ...base, target: t }, base, undefined).changes).toBe(false);
    });
  });

  it("ignores the resource class's own inputs: name, secret markers, derived-output markers", () => {
    const olds = { ...base, connections: accepted("e1", "e2") };
    expect(diffApproval(olds, { ...base, resourceName: "a", secretInputs: ["clusterId"], connections: null, vpcServiceName: null }).changes).toBe(false);
  });

  it("ignores a changed serialized provider alone", () => {
    expect(diffApproval({ ...base, __provider: "old code" }, { ...base, __provider: "new code" }).changes).toBe(false);
  });
});

describe("planActions", () => {
  const observed: ObservedConnection[] = [
    { id: "e1", status: "accepted" },
    { id: "e2", status: "pendingAcceptance" },
    { id: "e3", status: "rejected" },
    { id: "e4", status: "accepted" },
  ];

  it("sends only what is not already in its target status", () => {
    expect(planActions({ desired: ["e1", "e2", "e3"], action: "receive", observed })).toEqual({ receive: ["e2", "e3"], reject: [], missing: [] });
    expect(planActions({ desired: ["e1", "e2", "e3"], action: "reject", observed })).toEqual({ receive: [], reject: ["e1", "e2"], missing: [] });
  });

  it("names endpoints that are not connected", () => {
    expect(planActions({ desired: ["e1", "zz", "aa"], action: "receive", observed }).missing).toEqual(["aa", "zz"]);
  });

  it("rejects removed endpoints only when asked, and only if still connected and not rejected", () => {
    const req = { desired: ["e1"], action: "receive" as const, removed: ["e3", "e4", "gone"], observed };
    expect(planActions({ ...req, rejectRemoved: true }).reject).toEqual(["e4"]);
    expect(planActions({ ...req, rejectRemoved: false }).reject).toEqual([]);
  });

  it("is idempotent: nothing to send when everything is in place", () => {
    expect(planActions({ desired: ["e1", "e4"], action: "receive", observed })).toEqual({ receive: [], reject: [], missing: [] });
  });
});

describe("assessProgress", () => {
  const targets = new Map([
    ["e1", "accepted"],
    ["e2", "accepted"],
  ]);
  it("is done when every target is reached", () => {
    expect(assessProgress(targets, accepted("e1", "e2", "other")).done).toBe(true);
  });
  it("lists pending, vanished and failed endpoints", () => {
    const p = assessProgress(targets, [{ id: "e1", status: "pendingAcceptance" }]);
    expect(p).toMatchObject({ done: false, pending: [{ id: "e1", status: "pendingAcceptance", want: "accepted" }], vanished: ["e2"] });
    const f = assessProgress(targets, [{ id: "e1", status: "failed" }, { id: "e2", status: "accepted" }]);
    expect(f).toMatchObject({ done: false, failed: [{ id: "e1", status: "failed" }] });
  });
});

describe("set helpers", () => {
  it("finds drifted endpoints only when something was observed", () => {
    expect(driftedEndpoints(["a"], "receive", undefined)).toEqual([]);
    expect(driftedEndpoints(["a", "b"], "reject", [{ id: "a", status: "rejected" }])).toEqual(["b"]);
  });
});

describe("updateScope (an update acts only on what its preview announced)", () => {
  const prev = { endpointIds: ["e1", "e2"], action: "receive" as const, connections: accepted("e1", "e2") };
  it("acts on nothing when only state-only inputs or settings changed", () => {
    expect(updateScope(prev, { endpointIds: ["e1", "e2"], action: "receive" }, accepted("e1", "e2"))).toEqual([]);
  });
  it("acts on added endpoints and on drift the last observation saw", () => {
    const now = accepted("e1", "e2", "e3");
    expect(updateScope(prev, { endpointIds: ["e1", "e2", "e3"], action: "receive" }, now)).toEqual(["e3"]);
    expect(updateScope({ ...prev, connections: [{ id: "e1", status: "rejected" }, { id: "e2", status: "accepted" }] }, { endpointIds: ["e1", "e2"], action: "receive" }, now)).toEqual(["e1"]);
    expect(updateScope({ ...prev, connections: accepted("e2") }, { endpointIds: ["e1", "e2"], action: "receive" }, now)).toEqual(["e1"]);
  });
  it("acts on every endpoint when the action changes", () => {
    expect(updateScope(prev, { endpointIds: ["e1", "e2"], action: "reject" }, accepted("e1", "e2"))).toEqual(["e1", "e2"]);
  });
});

describe("approval by account (domainIds)", () => {
  const A = "a".repeat(32);
  const B = "b".repeat(32);
  const conn = (id: string, status: string, domainId: string): ObservedConnection => ({ id, status, domainId });
  it("covers the declared ids and every endpoint of the declared accounts", () => {
    const observed = [conn("e1", "accepted", A), conn("e2", "pendingAcceptance", A), conn("e3", "pendingAcceptance", B)];
    expect(coveredIds(["e9"], [A], observed)).toEqual(["e1", "e2", "e9"]);
    expect(coveredIds([], [B], observed)).toEqual(["e3"]);
    expect(coveredIds([], [A], [])).toEqual([]);
  });
  it("sees a new pending endpoint of a declared account after refresh as drift", () => {
    const olds = { clusterId: "c1", endpointIds: [], domainIds: [A], action: "receive", connections: [conn("e1", "accepted", A), conn("e2", "pendingAcceptance", A)] };
    expect(diffApproval(olds, { clusterId: "c1", endpointIds: [], domainIds: [A], action: "receive" })).toMatchObject({ changes: true, changed: ["connections"] });
    expect(diffApproval({ ...olds, connections: [conn("e1", "accepted", A)] }, { clusterId: "c1", endpointIds: [], domainIds: [A], action: "receive" }).changes).toBe(false);
  });
  it("an update acts on a newly declared account's endpoints and on observed drift, not on endpoints unseen by the last observation", () => {
    const previous = { endpointIds: [], domainIds: [A], action: "receive" as const, connections: [conn("e1", "accepted", A), conn("e2", "pendingAcceptance", A)] };
    const observed = [conn("e1", "accepted", A), conn("e2", "pendingAcceptance", A), conn("e4", "pendingAcceptance", A), conn("e3", "pendingAcceptance", B)];
    expect(updateScope(previous, { endpointIds: [], domainIds: [A], action: "receive" }, observed)).toEqual(["e2"]);
    expect(updateScope(previous, { endpointIds: [], domainIds: [A, B], action: "receive" }, observed)).toEqual(["e2", "e3"]);
  });
  it("treats an added or removed account as an in-place update", () => {
    const base2 = { clusterId: "c1", endpointIds: [], action: "receive" };
    expect(diffApproval({ ...base2, domainIds: [A] }, { ...base2, domainIds: [A, B] })).toMatchObject({ changes: true, replaces: [], changed: ["domainIds"] });
  });
});
