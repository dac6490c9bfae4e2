/**
 * The Node SDK (sdk/nodejs) against the plugin's schema: the same type tokens, input and output names,
 * provider keys and secrets; and the SDK loads nothing of the provider (it runs in the program).
 */
import * as fs from "fs";
import * as path from "path";
import { buildSchema } from "../../provider/plugin/schema";
import * as names from "../../sdk/nodejs/names";

interface ObjectSpec {
  inputProperties?: Record<string, { secret?: boolean }>;
  properties?: Record<string, unknown>;
  requiredInputs?: string[];
}
const schema = JSON.parse(buildSchema("0.0.0-test")) as {
  name: string;
  provider: ObjectSpec;
  resources: Record<string, ObjectSpec>;
  functions: Record<string, { inputs: { properties: Record<string, unknown> } }>;
};
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("sdk/nodejs matches the schema", () => {
  it.each([
    [names.APPROVAL_TYPE, names.APPROVAL_INPUTS, names.APPROVAL_OUTPUTS],
    [names.SERVICE_TYPE, names.SERVICE_INPUTS, names.SERVICE_OUTPUTS],
  ])("%s: inputs, and outputs beyond the inputs", (type, inputs, outputs) => {
    const spec = schema.resources[type];
    expect(spec).toBeDefined();
    expect(sorted(inputs)).toEqual(sorted(Object.keys(spec.inputProperties ?? {})));
    expect(sorted([...inputs, ...outputs])).toEqual(sorted(Object.keys(spec.properties ?? {})));
  });

  it("the function's token and arguments", () => {
    expect(sorted(names.LOOKUP_INPUTS)).toEqual(sorted(Object.keys(schema.functions[names.LOOKUP_TOKEN].inputs.properties)));
  });

  it("the provider's keys and which of them are sent as secrets", () => {
    expect(names.PACKAGE).toBe(schema.name);
    const provider = schema.provider.inputProperties ?? {};
    expect(sorted(names.PROVIDER_INPUTS)).toEqual(sorted(Object.keys(provider)));
    expect(sorted(names.PROVIDER_SECRETS)).toEqual(sorted(Object.keys(provider).filter((k) => provider[k].secret)));
  });

  it("a registration carries every input from args and leaves every output for the engine", () => {
    const props = names.registration(names.APPROVAL_INPUTS, names.APPROVAL_OUTPUTS, { clusterId: "c-1", endpointIds: ["ep-1"], extra: "dropped" });
    expect(sorted(Object.keys(props))).toEqual(sorted([...names.APPROVAL_INPUTS, ...names.APPROVAL_OUTPUTS]));
    expect(props).toMatchObject({ clusterId: "c-1", endpointIds: ["ep-1"], connections: undefined, rejectOnDelete: undefined });
    expect(props).not.toHaveProperty("extra");
  });

  it("the SDK imports only @pulumi/pulumi and its own files", () => {
    const dir = path.join(__dirname, "..", "..", "sdk", "nodejs");
    const imports = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]));
    expect(imports.length).toBeGreaterThan(5);
    expect(imports.filter((m) => m !== "@pulumi/pulumi" && !/^\.\/[a-z]+$/.test(m))).toEqual([]);
  });
});

describe("schema.json", () => {
  it("is what provider/plugin/schema.ts builds for this version (regenerate with npm run schema)", () => {
    const root = path.join(__dirname, "..", "..");
    const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
    expect(JSON.parse(fs.readFileSync(path.join(root, "schema.json"), "utf8"))).toEqual(JSON.parse(buildSchema(version)));
  });
});
