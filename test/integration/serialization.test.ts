/**
 * The provider is closure-serialized into state. The text must hold no credential, and the
 * deserialized copy must work exactly like the original (serializer pitfalls show only when it runs).
 */
import * as pulumi from "@pulumi/pulumi";
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApprovalProvider } from "../../provider";
import type { ApprovalOutputs } from "../../provider";
import { akskEnv, setEnv, startEmulator, statuses } from "../helpers/harness";

let emu: CssEmulator;
let restore: () => void;
const SECRETS = ["ENV-ACCESS-KEY-12345", "env-secret-key-67890", "env-security-token-abcde", "env-password-fghij", "env-auth-token-klmno"];

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
});
afterEach(() => restore?.());

async function serialize(provider: VpcepConnectionApprovalProvider): Promise<string> {
  const fn = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
  return fn.text;
}

/** What the dynamic provider host does with __provider: evaluate the module text and call handler(). */
function deserialize(text: string): VpcepConnectionApprovalProvider {
  const module = { exports: {} as { handler: () => VpcepConnectionApprovalProvider } };
  new Function("exports", "require", "module", "__filename", "__dirname", text)(module.exports, require, module, "provider.js", __dirname);
  return module.exports.handler();
}

describe("serialized provider", () => {
  it("contains no credential that was set in the environment, even after use", async () => {
    restore = setEnv({
      OS_ACCESS_KEY: SECRETS[0],
      OS_SECRET_KEY: SECRETS[1],
      OS_SECURITY_TOKEN: SECRETS[2],
      OS_PASSWORD: SECRETS[3],
      OS_AUTH_TOKEN: SECRETS[4],
      OS_PROJECT_ID: emu.projectId,
    });
    const provider = new VpcepConnectionApprovalProvider();
    emu.addCluster("c-ser-1", { endpoints: ["ep-1"] });
    // Use it first (it fails auth with these fake keys): nothing it touched may end up in the text.
    await provider.create({ clusterId: "c-ser-1", endpointIds: ["ep-1"], endpoint: emu.url, action: "receive", rejectOnDelete: true, timeoutSeconds: 5 }).catch(() => undefined);
    const text = await serialize(provider);
    expect(text.length).toBeGreaterThan(1000);
    for (const s of SECRETS) expect(text).not.toContain(s);
  });

  it("works after deserialization: create, read and delete against the emulator", async () => {
    restore = setEnv(akskEnv(emu));
    emu.addCluster("c-ser-2", { endpoints: ["ep-1", "ep-2"] });
    const copy = deserialize(await serialize(new VpcepConnectionApprovalProvider()));
    // Let the copy build its own process-wide state, as it does in a fresh provider process
    // (class-field initialisers are what the serializer used to drop).
    for (const key of ["__pulumiCssVpcepCoordinator", "__pulumiCssVpcepBodyStyle", "__pulumiCssVpcepTokens"]) {
      delete (globalThis as Record<string, unknown>)[key];
    }
    const checked = await copy.check({}, { clusterId: "c-ser-2", endpointIds: ["ep-2", "ep-1"], endpoint: emu.url });
    const { id, outs: maybeOuts } = await copy.create(checked.inputs as Record<string, unknown>);
    const outs = maybeOuts as ApprovalOutputs;
    expect(outs.connections).toHaveLength(2);
    expect(statuses(emu, "c-ser-2")).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
    emu.setStatus("c-ser-2", "ep-1", "rejected");
    const read = await copy.read(id, outs);
    expect(read.props?.connections.find((c) => c.id === "ep-1")?.status).toBe("rejected");
    await copy.delete(id, outs);
    expect(statuses(emu, "c-ser-2")).toEqual({ "ep-1": "rejected", "ep-2": "rejected" });
    // Errors keep their messages in the copy (an Error subclass would lose them).
    await expect(copy.create({ ...(checked.inputs as Record<string, unknown>), endpointIds: ["ep-zz"] })).rejects.toThrow(/ep-zz are not connected to CSS cluster c-ser-2/);
    emu.setClusterAvailable("c-ser-2", false);
    emu.setStatus("c-ser-2", "ep-1", "pendingAcceptance");
    await expect(copy.create(checked.inputs as Record<string, unknown>)).rejects.toThrow(/HTTP 412.*is the VPC endpoint service enabled/);
    emu.setClusterAvailable("c-ser-2", true);
    // Error classification uses constant lists: they must survive serialization too.
    emu.removeCluster("c-ser-2");
    await expect(copy.delete(id, outs)).resolves.toBeUndefined();
  });
});
