/** The plugin face's pure parts: the wire form of secrets, import ids, URN types, the schema. */
import { approvalImportInputs, serviceImportInputs } from "../../provider/plugin/import";
import { buildSchema } from "../../provider/plugin/schema";
import { secretKeysOf, unwrapSecrets, wrapSecrets } from "../../provider/plugin/secrets";
import { nameOfUrn, typeOfUrn } from "../../provider/plugin/server";
import { CONFIG_KEYS, SECRET_KEYS } from "../../provider/core/settings";

const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });

describe("secrets on the wire", () => {
  it("unwraps secrets at any depth and names the top-level keys that held one", () => {
    const { values, secretKeys } = unwrapSecrets({ clusterId: secret("c1"), endpointIds: ["e1", secret("e2")], action: "receive" });
    expect(values).toEqual({ clusterId: "c1", endpointIds: ["e1", "e2"], action: "receive" });
    expect(secretKeys.sort()).toEqual(["clusterId", "endpointIds"]);
  });
  it("leaves plain values alone", () => {
    expect(unwrapSecrets({ a: 1, b: { c: [null, "x"] } })).toEqual({ values: { a: 1, b: { c: [null, "x"] } }, secretKeys: [] });
  });
  it("wraps the given keys, and nothing else", () => {
    const outs = wrapSecrets({ clusterId: "c1", connections: [], projectId: undefined }, ["clusterId", "projectId"]);
    expect(outs).toEqual({ clusterId: secret("c1"), connections: [], projectId: undefined });
    expect(wrapSecrets({ clusterId: "c1" }, [])).toEqual({ clusterId: "c1" });
  });
  it("sends back as secrets the keys that arrived as secrets and those secretInputs names", () => {
    const unwrapped = unwrapSecrets({ region: secret("eu-de"), clusterId: "c1", secretInputs: ["clusterId"] });
    expect(secretKeysOf(unwrapped).sort()).toEqual(["clusterId", "region"]);
    expect(secretKeysOf(unwrapSecrets({ clusterId: "c1" }))).toEqual([]);
  });
});

describe("import ids", () => {
  it("an approval is <clusterId>/<endpointId>[,<endpointId>...]", () => {
    expect(approvalImportInputs("c1/e1,e2")).toEqual({ clusterId: "c1", endpointIds: ["e1", "e2"] });
    expect(approvalImportInputs("c1/ e1 ,,e2 ")).toEqual({ clusterId: "c1", endpointIds: ["e1", "e2"] });
    for (const bad of ["c1", "c1/", "/e1", ""]) expect(() => approvalImportInputs(bad)).toThrow(/the id is <clusterId>\/<endpointId>/);
  });
  it("a service is the cluster id", () => {
    expect(serviceImportInputs("c1")).toEqual({ clusterId: "c1" });
    for (const bad of ["", "c1/e1"]) expect(() => serviceImportInputs(bad)).toThrow(/the id is the cluster id/);
  });
});

describe("URNs and schema", () => {
  it("takes the type from a URN, with or without a parent type", () => {
    expect(typeOfUrn("urn:pulumi:dev::proj::css-vpcep:index:VpcepService::svc")).toBe("css-vpcep:index:VpcepService");
    expect(typeOfUrn("urn:pulumi:dev::proj::my:Component$css-vpcep:index:VpcepConnectionApproval::a")).toBe("css-vpcep:index:VpcepConnectionApproval");
    expect(nameOfUrn("urn:pulumi:dev::proj::my:Component$css-vpcep:index:VpcepConnectionApproval::a-b")).toBe("a-b");
  });
  it("declares both resources, marks every credential secret, and carries the version", () => {
    const schema = JSON.parse(buildSchema("1.2.3")) as { name: string; version: string; resources: Record<string, unknown>; config: { variables: Record<string, { secret?: boolean }> } };
    expect(schema).toMatchObject({ name: "css-vpcep", version: "1.2.3" });
    expect(Object.keys(schema.resources).sort()).toEqual(["css-vpcep:index:VpcepConnectionApproval", "css-vpcep:index:VpcepService"]);
    const secrets = Object.entries(schema.config.variables).filter(([, v]) => v.secret).map(([k]) => k).sort();
    expect(secrets).toEqual([...SECRET_KEYS].sort());
    expect(Object.keys(schema.config.variables).sort()).toEqual([...CONFIG_KEYS].sort());
  });
});
