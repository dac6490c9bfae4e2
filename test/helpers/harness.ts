/** Shared set-up for integration tests: an emulator on 127.0.0.1 and a provider pointed at it. */
import { CssEmulator } from "../../emulator";
import type { EmulatorOptions } from "../../emulator";
import { VpcepConnectionApprovalProvider } from "../../provider";
import type { ApprovalOutputs } from "../../provider";

export const ACCESS_KEY = "EMULATORACCESSKEY0001";
export const SECRET_KEY = "emulator-secret-key-0001";

/** Every credential variable the provider reads, so a test starts from a clean slate. */
const CREDENTIAL_VARS = [
  "HW_ACCESS_KEY", "OS_ACCESS_KEY", "HUAWEICLOUD_SDK_AK", "HW_SECRET_KEY", "OS_SECRET_KEY", "HUAWEICLOUD_SDK_SK",
  "HW_SECURITY_TOKEN", "OS_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_AUTH_TOKEN", "OS_TOKEN", "OS_AUTH_TOKEN",
  "HW_USER_NAME", "OS_USERNAME", "HW_USER_PASSWORD", "OS_PASSWORD", "HW_DOMAIN_NAME", "OS_USER_DOMAIN_NAME",
  "OS_PROJECT_DOMAIN_NAME", "OS_DOMAIN_NAME", "OS_DEFAULT_DOMAIN", "HW_PROJECT_ID", "OS_TENANT_ID", "OS_PROJECT_ID",
  "HUAWEICLOUD_SDK_PROJECT_ID", "HW_REGION_NAME", "OS_REGION_NAME", "OS_REGION", "HW_AUTH_URL", "OS_AUTH_URL",
  "HUAWEICLOUD_SDK_IAM_ENDPOINT", "CSS_VPCEP_ENDPOINT", "CSS_VPCEP_CLOUD",
];

/** Fast timings so retries and polls take milliseconds, not seconds. */
export const FAST_TUNING: Record<string, string> = {
  CSS_VPCEP_RETRY_BASE_MS: "20",
  CSS_VPCEP_RETRY_MAX_MS: "200",
  CSS_VPCEP_POLL_BASE_MS: "20",
  CSS_VPCEP_POLL_MAX_MS: "200",
  CSS_VPCEP_REQUEST_TIMEOUT_MS: "2000",
  CSS_VPCEP_RELEASE_GRACE_MS: "20",
};

/** Replace the environment for the duration of a test file; returns the restore function. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const name of [...CREDENTIAL_VARS, ...Object.keys(FAST_TUNING), ...Object.keys(vars)]) {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    delete process.env[name];
  }
  for (const [k, v] of Object.entries({ ...FAST_TUNING, ...vars })) if (v !== undefined) process.env[k] = v;
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<CssEmulator> {
  const emu = new CssEmulator(opts);
  await emu.start();
  return emu;
}

/** AK/SK env for the emulator's default key and project. */
export function akskEnv(emu: CssEmulator): Record<string, string> {
  return { OS_ACCESS_KEY: ACCESS_KEY, OS_SECRET_KEY: SECRET_KEY, OS_PROJECT_ID: emu.projectId };
}

export function endpointIds(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
}

/** check() then create(), as the engine does; fails the test on check failures. */
export async function createVia(provider: VpcepConnectionApprovalProvider, props: Record<string, unknown>): Promise<{ id: string; outs: ApprovalOutputs }> {
  const checked = await provider.check({}, props);
  if (checked.failures && checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  const { id, outs } = await provider.create(checked.inputs as Record<string, unknown>);
  if (!outs) throw new Error("create returned no outputs");
  return { id, outs };
}

/** check() then update(), as the engine does. */
export async function updateVia(provider: VpcepConnectionApprovalProvider, id: string, olds: ApprovalOutputs, props: Record<string, unknown>) {
  const checked = await provider.check(olds as unknown as Record<string, unknown>, props);
  if (checked.failures && checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  return provider.update(id, olds, checked.inputs as Record<string, unknown>);
}

export function statuses(emu: CssEmulator, clusterId: string): Record<string, string> {
  return Object.fromEntries(emu.connections(clusterId).map((c) => [c.id, c.status]));
}

export const CONNECTIONS_POST = { method: "POST", pathIncludes: "/vpcepservice/connections" };
export const CONNECTIONS_GET = { method: "GET", pathIncludes: "/vpcepservice/connections" };
