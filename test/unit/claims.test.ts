import { clearClaims, conflictsFor, describeConflicts, findConflicts, noteCheck, recordClaim, releaseWaitMs, wantedReceived } from "../../provider/core/claims";

afterEach(() => clearClaims());

describe("claims", () => {
  it("a release skips what any approval of the deployment wants received, whatever its name", () => {
    recordClaim("c1", { name: "team-b", action: "receive", endpointIds: ["ep-2"] });
    recordClaim("c1", { name: "team-c", action: "reject", endpointIds: ["ep-3"] });
    expect(wantedReceived("c1", ["ep-1", "ep-2", "ep-3"])).toEqual(["ep-2"]);
    // Claims are per cluster.
    expect(wantedReceived("c2", ["ep-2"])).toEqual([]);
  });

  it("finds an endpoint received by one approval and rejected by another, naming both", () => {
    recordClaim("c1", { name: "team-a", action: "receive", endpointIds: ["ep-1", "ep-2"] });
    recordClaim("c1", { name: "team-b", action: "reject", endpointIds: ["ep-2", "ep-3"] });
    const conflicts = conflictsFor("c1", "team-b", ["ep-2", "ep-3"]);
    expect(conflicts).toEqual([{ endpointId: "ep-2", receiver: "team-a", rejecter: "team-b" }]);
    expect(describeConflicts("c1", conflicts)).toMatch(/ep-2 is received by approval "team-a" and rejected by approval "team-b"/);
    expect(conflictsFor("c1", "team-c", ["ep-2"])).toEqual([]);
  });

  it("sees no conflict for the same action, or for one approval's own claims", () => {
    expect(findConflicts([
      { name: "a", action: "receive", endpointIds: ["e"] },
      { name: "b", action: "receive", endpointIds: ["e"] },
      { name: "c", action: "reject", endpointIds: ["x"] },
    ])).toEqual([]);
    recordClaim("c1", { name: "a", action: "receive", endpointIds: ["e"] });
    recordClaim("c1", { name: "a", action: "receive", endpointIds: ["e"] });
    expect(conflictsFor("c1", "a", ["e"])).toEqual([]);
  });
});

describe("release grace", () => {
  it("waits until no check came for the grace period, and not at all when none came (a destroy)", () => {
    expect(releaseWaitMs(1500, 10_000)).toBe(0);
    noteCheck(10_000);
    expect(releaseWaitMs(1500, 10_400)).toBe(1100);
    expect(releaseWaitMs(1500, 11_600)).toBe(0);
    noteCheck(11_000); // another resource was checked meanwhile: the wait starts again
    expect(releaseWaitMs(1500, 11_600)).toBe(900);
  });
});
