import { UNKNOWN } from "../../provider/inputs";
import { assessProgress, diffApproval, driftedEndpoints, endpointChanges, planActions } from "../../provider/plan";
import type { ObservedConnection } from "../../provider/types";

const base = { clusterId: "c1", endpointIds: ["e1", "e2"], action: "receive", rejectOnDelete: true, timeoutSeconds: 600 };
const accepted = (...ids: string[]): ObservedConnection[] => ids.map((id) => ({ id, status: "accepted" }));

describe("diffApproval", () => {
  it("reports no change for identical inputs, reordering or duplicates", () => {
    expect(diffApproval({ ...base, connections: accepted("e1", "e2") }, base).changes).toBe(false);
    expect(diffApproval(base, { ...base, endpointIds: ["e2", "e1", "e1"] }).changes).toBe(false);
  });

  it.each(["clusterId", "region", "projectId", "cloud", "endpoint"])("replaces when %s changes", (key) => {
    const d = diffApproval({ ...base, [key]: "old" }, { ...base, [key]: "new" });
    expect(d).toMatchObject({ changes: true, replaces: [key] });
  });

  it("deletes before replacing on the same cluster, not across clusters", () => {
    expect(diffApproval({ ...base, region: "eu-de" }, { ...base, region: "eu-nl" }).deleteBeforeReplace).toBe(true);
    expect(diffApproval(base, { ...base, clusterId: "c2" }).deleteBeforeReplace).toBe(false);
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
    expect(diffApproval(base, { ...base, clusterId: UNKNOWN })).toMatchObject({ changes: true, replaces: ["clusterId"], deleteBeforeReplace: true });
    expect(diffApproval(base, { ...base, endpointIds: UNKNOWN })).toMatchObject({ changes: true, replaces: [] });
    expect(diffApproval(base, { ...base, endpointIds: ["e1", UNKNOWN] })).toMatchObject({ changes: true, replaces: [] });
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
  it("splits endpoint changes into added, removed and kept", () => {
    expect(endpointChanges(["a", "b", "c"], ["b", "c", "d"])).toEqual({ added: ["d"], removed: ["a"], kept: ["b", "c"] });
  });
  it("finds drifted endpoints only when something was observed", () => {
    expect(driftedEndpoints(["a"], "receive", undefined)).toEqual([]);
    expect(driftedEndpoints(["a", "b"], "reject", [{ id: "a", status: "rejected" }])).toEqual(["b"]);
  });
});
