/**
 * A user's project for end-to-end tests of the packed package: the program declares the approvals
 * listed in its stack config (`approvals`, JSON), so one installed project serves many scenarios
 * (renames, moved endpoints, settings changes, secrets) by changing config between CLI runs.
 */
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as path from "path";
import type { CssEmulator } from "../../emulator";
import { ACCESS_KEY, SECRET_KEY } from "./harness";
import { FAST_PROVIDER_ENV, TestBackend, createConsumerProject, newBackend, packPackage, projectStack } from "./pulumi";

export const SPEC_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { Cloud, VpcepConnectionApproval } from "pulumi-css-vpcep";

interface Spec {
  name: string;
  clusterId: string;
  endpointIds: string[];
  action?: "receive" | "reject";
  secret?: boolean;
  timeoutSeconds?: number;
  region?: string;
  cloud?: Cloud;
  endpoint?: string;
  importId?: string;
}

const config = new pulumi.Config();
const specs = config.requireObject<Spec[]>("approvals");
const connections: Record<string, pulumi.Output<string[]>> = {};
for (const s of specs) {
  const approval = new VpcepConnectionApproval(
    s.name,
    {
      clusterId: s.secret ? pulumi.secret(s.clusterId) : s.clusterId,
      endpointIds: s.secret ? pulumi.secret(s.endpointIds) : s.endpointIds,
      action: s.action,
      timeoutSeconds: s.timeoutSeconds,
      region: s.region,
      cloud: s.cloud,
      endpoint: s.endpoint,
    },
    s.importId ? { import: s.importId } : undefined,
  );
  connections[s.name] = approval.connections.apply((cs) => cs.map((c) => \`\${c.id}=\${c.status}\`));
}
export const statuses = connections;
`;

export interface ApprovalSpec {
  name: string;
  clusterId: string;
  endpointIds: string[];
  action?: "receive" | "reject";
  secret?: boolean;
  timeoutSeconds?: number;
  region?: string;
  cloud?: "otc" | "huaweicloud";
  endpoint?: string;
  importId?: string;
}

export interface Consumer {
  backend: TestBackend;
  stack: Stack;
  /** Declare these approvals for the next CLI run. */
  declare(specs: ApprovalSpec[]): Promise<void>;
  /** Set (or, with undefined, remove) an environment variable of the CLI and so of the provider process. */
  setEnv(name: string, value: string | undefined): void;
}

/** Pack this repository, install it into a fresh TypeScript project, and open a stack on a file:// backend. */
export async function consumerStack(emu: CssEmulator, projectName: string, extraEnv: Record<string, string> = {}, program = SPEC_PROGRAM): Promise<Consumer> {
  const backend = await newBackend({
    OS_ACCESS_KEY: ACCESS_KEY,
    OS_SECRET_KEY: SECRET_KEY,
    OS_PROJECT_ID: emu.projectId,
    CSS_VPCEP_ENDPOINT: emu.url,
    ...FAST_PROVIDER_ENV,
    ...extraEnv,
  });
  const tarball = await packPackage(path.join(backend.dir, "pack"));
  const dir = path.join(backend.dir, projectName);
  await createConsumerProject({ dir, name: projectName, tarball, language: "typescript", program });
  const stack = await projectStack(backend, dir, "dev");
  const workspace = stack.workspace as LocalWorkspace;
  return {
    backend,
    stack,
    // Secret specs go into secret config, as a user would keep them (the engine records stack config
    // in state as the default provider's inputs).
    declare: (specs) => stack.setConfig("approvals", { value: JSON.stringify(specs), secret: specs.some((s) => s.secret) }),
    setEnv: (name, value) => {
      if (value === undefined) delete workspace.envVars[name];
      else workspace.envVars[name] = value;
    },
  };
}

/**
 * Watch endpoints' statuses in the emulator while a CLI command runs (every 5 ms): the statuses each
 * endpoint passed through, to prove none ever left `accepted`.
 */
export function watchStatuses(emu: CssEmulator, clusterId: string, ids: readonly string[]): { stop(): Record<string, string[]> } {
  const seen: Record<string, string[]> = Object.fromEntries(ids.map((id) => [id, []]));
  const sample = () => {
    for (const id of ids) {
      const status = emu.status(clusterId, id) ?? "absent";
      const list = seen[id] as string[];
      if (list[list.length - 1] !== status) list.push(status);
    }
  };
  sample();
  const timer = setInterval(sample, 5);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return seen;
    },
  };
}
