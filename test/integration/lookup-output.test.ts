/**
 * getVpcepConnectionsOutput through Pulumi's runtime (mocks, in preview mode) and real HTTP to the
 * emulator: the lookup is a function, not a resource, so the mocks never see it. Secret inputs
 * make a secret result; unknown inputs or dependencies make an unknown one, with no API call.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CssEmulator } from "../../emulator";
import { getVpcepConnections, getVpcepConnectionsOutput } from "../../provider";
import { akskEnv, setEnv, startEmulator } from "../helpers/harness";

/** Output internals the SDK does not type publicly: whether the value is known, and the value (or its error). */
interface OutputInternals<T> {
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
  allResources(): Promise<Set<pulumi.Resource>>;
  promise(): Promise<T>;
}
const inside = <T>(o: pulumi.Output<T>) => o as unknown as OutputInternals<T>;

/**
 * The error of an Output that failed. When an apply throws, every promise of the Output rejects; in a
 * program the unobserved ones fail the run (printing the error). Here they are observed, so Node does
 * not end the test process; that printed text is what the checks below look at.
 */
async function failureOf(o: pulumi.Output<unknown>): Promise<Error> {
  const i = inside(o);
  for (const p of [i.isKnown, i.isSecret]) p.catch(() => undefined);
  return i.promise().then(
    () => {
      throw new Error("expected the Output to fail");
    },
    (err: unknown) => err as Error,
  );
}

class Thing extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Thing", name, {}, {});
  }
}

let emu: CssEmulator;
let restore: () => void;
const CLUSTER = "c-output-1";
const SECRET_ID = "c-secret-missing-7f3a";

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      // "creating" is a resource this preview would create: its id is unknown.
      newResource: (args) => ({ id: args.name === "creating" ? undefined : `${args.name}-id`, state: {} }),
      call: () => ({}),
    },
    "project",
    "stack",
    true,
  );
  emu = await startEmulator();
  emu.addCluster(CLUSTER, { whitelist: ["dom-a"], connections: [{ id: "ep-1", domainId: "dom-a" }] });
  restore = setEnv(akskEnv(emu));
});
afterAll(async () => {
  restore();
  await emu.stop();
});
beforeEach(() => emu.clearRequests());

describe("getVpcepConnectionsOutput", () => {
  it("with known inputs: the same result as the plain form, not secret", async () => {
    const out = getVpcepConnectionsOutput({ clusterId: pulumi.output(CLUSTER), endpoint: emu.url });
    const plain = await getVpcepConnections({ clusterId: CLUSTER, endpoint: emu.url });
    await expect(inside(out).promise()).resolves.toEqual(plain);
    expect(plain).toMatchObject({ serviceOpen: true, whitelist: ["dom-a"], connections: [{ id: "ep-1", domainId: "dom-a" }] });
    await expect(pulumi.isSecret(out)).resolves.toBe(false);
  });

  it.each(["clusterId", "projectId"] as const)("a secret %s makes the result secret", async (key) => {
    const args = { clusterId: pulumi.output(CLUSTER), projectId: pulumi.output(emu.projectId), endpoint: emu.url };
    const out = getVpcepConnectionsOutput({ ...args, [key]: pulumi.secret(args[key]) });
    await expect(pulumi.isSecret(out)).resolves.toBe(true);
    await expect(inside(out).promise()).resolves.toMatchObject({ clusterId: CLUSTER, serviceOpen: true });
  });

  it("a secret cluster id stays out of the error", async () => {
    const out = getVpcepConnectionsOutput({ clusterId: pulumi.secret(SECRET_ID), endpoint: emu.url });
    const err = await failureOf(out);
    expect(err.message).toMatch(/does not exist/);
    for (const text of [err.message, err.stack ?? "", JSON.stringify(err)]) expect(text).not.toContain(SECRET_ID);
  });

  it.each([
    ["the cluster id", { clusterId: pulumi.output(pulumi.unknown) as pulumi.Output<string> }],
    ["the endpoint", { clusterId: CLUSTER, endpoint: pulumi.output(pulumi.unknown) as pulumi.Output<string> }],
  ])("is unknown while %s is unknown, and calls no API", async (_what, args) => {
    let ran = false;
    const out = getVpcepConnectionsOutput({ endpoint: emu.url, ...args });
    out.apply(() => (ran = true));
    await expect(inside(out).isKnown).resolves.toBe(false);
    expect(ran).toBe(false);
    expect(emu.count()).toBe(0);
  });

  it("waits for dependsOn: unknown while a dependency is still to be created, looked up once all have ids", async () => {
    const pending = getVpcepConnectionsOutput({ clusterId: CLUSTER, endpoint: emu.url }, { dependsOn: [new Thing("created"), new Thing("creating")] });
    await expect(inside(pending).isKnown).resolves.toBe(false);
    expect(emu.count()).toBe(0);

    const existing = new Thing("existing");
    const ready = getVpcepConnectionsOutput({ clusterId: CLUSTER, endpoint: emu.url }, { dependsOn: existing });
    await expect(inside(ready).promise()).resolves.toMatchObject({ serviceOpen: true });
    // A resource that takes the result as an input depends on what the lookup waited for.
    expect([...(await inside(ready).allResources())]).toContain(existing);
    expect(emu.count({ method: "GET", pathIncludes: CLUSTER })).toBeGreaterThan(0);
  });

  it("refuses a component resource in dependsOn (its urn resolves before its children exist): at the call, or in the Output", async () => {
    const group = new pulumi.ComponentResource("test:index:Group", "group");
    const args = { clusterId: CLUSTER, endpoint: emu.url };
    expect(() => getVpcepConnectionsOutput(args, { dependsOn: [group] })).toThrow(/dependsOn takes custom resources; got a component resource/);
    const late = getVpcepConnectionsOutput(args, { dependsOn: pulumi.output([group]) });
    expect((await failureOf(late)).message).toMatch(/dependsOn takes custom resources; got a component resource/);
    expect(emu.count()).toBe(0);
  });
});
