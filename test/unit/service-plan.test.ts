import { UNKNOWN } from "../../provider/core/inputs";
import { checkServiceInputs, toServiceInputs } from "../../provider/service/inputs";
import { diffService, planRestore, planService } from "../../provider/service/plan";

const A = "a".repeat(32);
const B = "b".repeat(32);
const OLD = "0".repeat(32);

describe("planService (create and update)", () => {
  it("opens a closed service, then sends a managed whitelist", () => {
    expect(planService({ open: false, whitelist: [] }, [A])).toEqual({ open: true, whitelist: [A] });
    expect(planService({ open: false, whitelist: [] }, undefined)).toEqual({ open: true });
  });
  it("adopts an open one: only a whitelist that differs (as a set) is sent", () => {
    expect(planService({ open: true, whitelist: [A, B] }, [B, A])).toEqual({ open: false });
    expect(planService({ open: true, whitelist: [OLD] }, [A])).toEqual({ open: false, whitelist: [A] });
    expect(planService({ open: true, whitelist: [OLD] }, undefined)).toEqual({ open: false });
    expect(planService({ open: true, whitelist: [OLD] }, [])).toEqual({ open: false, whitelist: [] });
  });
});

describe("planRestore (destroy leaves the cluster as it was found)", () => {
  it("closes the service only if the resource opened it", () => {
    expect(planRestore({ open: false, whitelist: [] }, { open: true, whitelist: [A] }, true)).toEqual({ close: true });
    expect(planRestore({ open: false, whitelist: [] }, { open: false, whitelist: [] }, true)).toEqual({ close: false });
  });
  it("puts back the whitelist it found on an adopted service, if it managed it", () => {
    expect(planRestore({ open: true, whitelist: [OLD] }, { open: true, whitelist: [A] }, true)).toEqual({ close: false, whitelist: [OLD] });
    expect(planRestore({ open: true, whitelist: [] }, { open: true, whitelist: [A] }, true)).toEqual({ close: false, whitelist: [] });
    expect(planRestore({ open: true, whitelist: [OLD] }, { open: true, whitelist: [A] }, false)).toEqual({ close: false });
    expect(planRestore({ open: true, whitelist: [OLD] }, { open: true, whitelist: [OLD] }, true)).toEqual({ close: false });
    // Closed behind its back: nothing to restore, and never reopened by a destroy.
    expect(planRestore({ open: true, whitelist: [OLD] }, { open: false, whitelist: [] }, true)).toEqual({ close: false });
  });
});

describe("diffService", () => {
  const olds = { clusterId: "c1", whitelist: [A], timeoutSeconds: 600, open: true, observedWhitelist: [A], found: { open: false, whitelist: [] } };
  const news = { clusterId: "c1", whitelist: [A], timeoutSeconds: 600 };
  it("no change when nothing differs; reordering and duplicates are no change", () => {
    expect(diffService(olds, news).changes).toBe(false);
    expect(diffService({ ...olds, whitelist: [A, B], observedWhitelist: [B, A] }, { ...news, whitelist: [B, A, A] }).changes).toBe(false);
  });
  it("only the cluster id replaces; everything else is an update", () => {
    expect(diffService(olds, { ...news, clusterId: "c2" })).toMatchObject({ changes: true, replaces: ["clusterId"] });
    expect(diffService(olds, { ...news, clusterId: UNKNOWN })).toMatchObject({ replaces: ["clusterId"] });
    for (const change of [{ whitelist: [A, B] }, { whitelist: undefined }, { region: "eu-de" }, { endpoint: "https://x.example" }, { endpointWithDnsName: true }, { timeoutSeconds: 5 }]) {
      expect(diffService(olds, { ...news, ...change })).toMatchObject({ changes: true, replaces: [] });
    }
  });
  it("shows drift seen by refresh: a closed service, a whitelist edited by hand (only when managed)", () => {
    expect(diffService({ ...olds, open: false }, news).changed).toEqual(["open"]);
    expect(diffService({ ...olds, observedWhitelist: [B] }, news).changed).toEqual(["observedWhitelist"]);
    expect(diffService({ ...olds, whitelist: undefined, observedWhitelist: [B] }, { ...news, whitelist: undefined }).changes).toBe(false);
  });
  it("a settings change that resolves elsewhere is an update", () => {
    const t = { cloud: "otc" as const, projectId: "p", baseUrl: "https://a.example" };
    expect(diffService({ ...olds, target: t }, news, { ...t, baseUrl: "https://b.example" }).changed).toEqual(["target"]);
    expect(diffService({ ...olds, target: t }, news, { ...t }).changes).toBe(false);
  });
});

describe("service inputs", () => {
  it("normalises the whitelist, allows an empty one, refuses malformed ids and non-booleans", () => {
    expect(checkServiceInputs({ clusterId: "c1", whitelist: [B, A, A] })).toMatchObject({ failures: [], inputs: { whitelist: [A, B], timeoutSeconds: 600 } });
    expect(checkServiceInputs({ clusterId: "c1", whitelist: [] }).failures).toEqual([]);
    expect(checkServiceInputs({ clusterId: "c1", whitelist: ["x"] }).failures[0].property).toBe("whitelist[0]");
    expect(checkServiceInputs({ clusterId: "c1", endpointWithDnsName: "yes" }).failures).toEqual([
      { property: "endpointWithDnsName", reason: 'endpointWithDnsName must be true or false, got "yes"' },
    ]);
    expect(checkServiceInputs({ clusterId: UNKNOWN, whitelist: UNKNOWN }).failures).toEqual([]);
    expect(toServiceInputs({ clusterId: "c1" })).toEqual({ clusterId: "c1", timeoutSeconds: 600 });
    expect(() => toServiceInputs({ clusterId: "c1", whitelist: UNKNOWN })).toThrow(/unknown/);
  });
});
