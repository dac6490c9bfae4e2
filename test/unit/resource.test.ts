/** Program wiring with Pulumi's mocks: the type token, the inputs and the serialized provider. */
import * as pulumi from "@pulumi/pulumi";

const registered: pulumi.runtime.MockResourceArgs[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args);
        return { id: `${args.inputs.clusterId}:mock`, state: { ...args.inputs, connections: [] } };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
});

it("registers under pulumi-nodejs:dynamic/css-vpcep:VpcepConnectionApproval with a serialized provider and no credentials", async () => {
  process.env.OS_SECRET_KEY = "mock-secret-key-should-not-appear";
  try {
    const { VpcepConnectionApproval } = await import("../../provider");
    const a = new VpcepConnectionApproval("a", { clusterId: "c1", endpointIds: ["e2", "e1"] });
    const b = new VpcepConnectionApproval("b", { clusterId: "c1", endpointIds: ["e3"], action: "reject", rejectOnDelete: false });
    const ids = await Promise.all([a.id, b.id].map((o) => new Promise<string>((resolve) => o.apply(resolve))));
    expect(ids).toEqual(["c1:mock", "c1:mock"]);
    expect(registered.map((r) => r.type)).toEqual([
      "pulumi-nodejs:dynamic/css-vpcep:VpcepConnectionApproval",
      "pulumi-nodejs:dynamic/css-vpcep:VpcepConnectionApproval",
    ]);
    expect(registered[1].inputs).toMatchObject({ clusterId: "c1", endpointIds: ["e3"], action: "reject", rejectOnDelete: false, resourceName: "b" });
    // No secret input: no marker is added to state.
    expect(registered[1].inputs).not.toHaveProperty("secretInputs");
    expect(registered[1].inputs).not.toHaveProperty("connections");
    const provider = registered[0].inputs.__provider as string;
    expect(typeof provider).toBe("string");
    expect(provider).toContain("exports.handler");
    expect(provider).not.toContain("mock-secret-key-should-not-appear");
    // One provider object for every resource: the same serialized text.
    expect(registered[1].inputs.__provider).toBe(provider);
  } finally {
    delete process.env.OS_SECRET_KEY;
  }
});

it("names the secret inputs and marks the derived outputs' inputs secret, without values", async () => {
  const { VpcepConnectionApproval } = await import("../../provider");
  const before = registered.length;
  new VpcepConnectionApproval("s", { clusterId: pulumi.secret("c-secret"), endpointIds: ["e1"] });
  await new Promise((r) => setTimeout(r, 200));
  const inputs = registered[before].inputs;
  expect(inputs.secretInputs).toEqual(["clusterId"]);
  // Pulumi's secret signature wraps the secret input, and each derived output's marker (with no value).
  const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
  expect(JSON.stringify(inputs.clusterId)).toContain(SECRET_SIG);
  for (const marker of ["connections", "vpcServiceName", "target", "pendingReleases"]) {
    expect([marker, JSON.stringify(inputs[marker])]).toEqual([marker, expect.stringContaining(SECRET_SIG)]);
    expect(JSON.stringify(inputs[marker])).not.toContain("c-secret");
  }
});

it("refuses the import option with what to do instead", async () => {
  const { VpcepConnectionApproval } = await import("../../provider");
  expect(() => new VpcepConnectionApproval("i", { clusterId: "c1", endpointIds: ["e1"] }, { import: "c1:x" })).toThrow(/import option is not supported.*declare the resource instead/);
});
