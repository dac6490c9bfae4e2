/** The smallest real-engine path: preview, up, a no-change preview and destroy of one resource. */
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApproval } from "../../provider";
import { ACCESS_KEY, SECRET_KEY, startEmulator, statuses } from "../helpers/harness";
import { TestBackend, inlineStack, newBackend } from "../helpers/pulumi";

jest.setTimeout(300_000);

let emu: CssEmulator;
let backend: TestBackend;

beforeAll(async () => {
  emu = await startEmulator();
  emu.addCluster("c-e2e-smoke", { endpoints: ["ep-1", "ep-2"] });
  backend = await newBackend({ OS_ACCESS_KEY: ACCESS_KEY, OS_SECRET_KEY: SECRET_KEY, OS_PROJECT_ID: emu.projectId, CSS_VPCEP_POLL_BASE_MS: "50" });
});
afterAll(async () => {
  await emu.stop();
  backend.cleanup();
});

it("creates, previews no change, and destroys through the real CLI", async () => {
  const stack = await inlineStack(backend, "css-vpcep-smoke", "smoke", async () => {
    const approval = new VpcepConnectionApproval("smoke", { clusterId: "c-e2e-smoke", endpointIds: ["ep-2", "ep-1"], endpoint: emu.url });
    return { statuses: approval.connections };
  });
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(statuses(emu, "c-e2e-smoke")).toEqual({ "ep-1": "accepted", "ep-2": "accepted" });
  const preview = await stack.preview();
  expect(preview.changeSummary).toEqual({ same: 2 });
  await stack.destroy();
  expect(statuses(emu, "c-e2e-smoke")).toEqual({ "ep-1": "rejected", "ep-2": "rejected" });
});
