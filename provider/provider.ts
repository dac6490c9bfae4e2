/**
 * `VpcepConnectionApprovalProvider`: the dynamic provider behind `VpcepConnectionApproval`.
 *
 * It is closure-serialized into every resource's `__provider` state, so it holds nothing at
 * construction: no credentials, no clients, no sockets. Stack config arrives in `configure()` (in the
 * provider process only) and everything else is read from the environment when an operation runs.
 * Every method also works without `configure()` (it then reads the environment alone).
 */
import type * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "crypto";
import { CssClient } from "./client";
import { processCoordinator } from "./coordinator";
import { Deadline } from "./deadline";
import { redactSecrets } from "./errors";
import { checkInputs, toApprovalInputs } from "./inputs";
import { createLogger } from "./log";
import { OperationContext, converge, observeForRead, release } from "./operations";
import { diffApproval } from "./plan";
import {
  Env,
  StackConfig,
  readStackConfig,
  readTuning,
  resolveCredentials,
  resolveTarget,
  secretValues,
} from "./settings";
import type { ApprovalInputs, ApprovalOutputs } from "./types";

export class VpcepConnectionApprovalProvider implements pulumi.dynamic.ResourceProvider<Record<string, unknown>, ApprovalOutputs> {
  /** Stack config (namespace css-vpcep); set by configure() inside the provider process only. */
  private stackConfig: StackConfig = {};

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.stackConfig = readStackConfig((key) => {
      const value: unknown = req.config.get(key);
      return value === undefined || value === null ? undefined : String(value);
    });
  }

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const { inputs, failures } = checkInputs(news);
    return { inputs, failures };
  }

  async diff(_id: string, olds: ApprovalOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const result = diffApproval(olds as unknown as Record<string, unknown>, news);
    return { changes: result.changes, replaces: result.replaces, deleteBeforeReplace: result.deleteBeforeReplace };
  }

  async create(props: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<ApprovalOutputs>> {
    return this.guard(async () => {
      const inputs = toApprovalInputs(props);
      const outs = await converge(this.context(inputs), inputs);
      // Starts with the cluster id; the suffix keeps two approvals on one cluster apart.
      return { id: `${inputs.clusterId}:${randomBytes(6).toString("hex")}`, outs };
    });
  }

  async update(_id: string, olds: ApprovalOutputs, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult<ApprovalOutputs>> {
    return this.guard(async () => {
      const previous = toApprovalInputs(olds as unknown as Record<string, unknown>);
      const inputs = toApprovalInputs(news);
      return { outs: await converge(this.context(inputs), inputs, previous) };
    });
  }

  async delete(_id: string, props: ApprovalOutputs): Promise<void> {
    return this.guard(async () => {
      const inputs = toApprovalInputs(props as unknown as Record<string, unknown>);
      if (!inputs.rejectOnDelete) return; // leave the connections as they are; no credentials needed
      await release(this.context(inputs), inputs);
    });
  }

  async read(id: string, props?: ApprovalOutputs): Promise<pulumi.dynamic.ReadResult<ApprovalOutputs>> {
    return this.guard(async () => {
      if (!props || props.clusterId === undefined) {
        throw new Error(
          "VpcepConnectionApproval cannot be imported or read without prior state (a limit of Pulumi dynamic resources); declare it instead: create is idempotent and adopts existing connections",
        );
      }
      const inputs = toApprovalInputs(props as unknown as Record<string, unknown>);
      const outs = await observeForRead(this.context(inputs), inputs);
      if (!outs) return { id: "" }; // the cluster is gone: so is the resource
      return { id, props: outs, inputs: inputInputs(inputs) };
    });
  }

  /** Everything one operation needs, built now from the current config and environment. */
  private context(inputs: ApprovalInputs): OperationContext {
    const env: Env = process.env;
    const target = resolveTarget(inputs, this.stackConfig, env);
    const credentials = resolveCredentials(this.stackConfig, env);
    const secrets = secretValues(this.stackConfig, env);
    const log = createLogger(() => secrets);
    const tuning = readTuning(env);
    const deadline = new Deadline(inputs.timeoutSeconds);
    return {
      client: new CssClient({ target, credentials, deadline, policy: tuning.retry, log, secrets, requestTimeoutMs: tuning.requestTimeoutMs }),
      coordinator: processCoordinator(),
      deadline,
      log,
      clusterKey: `${target.baseUrl}|${target.projectId}|${inputs.clusterId}`,
      poll: tuning.poll,
    };
  }

  /** Run an operation; whatever escapes has every known secret scrubbed from its message and stack. */
  private async guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      const secrets = secretValues(this.stackConfig, process.env);
      if (err instanceof Error) {
        err.message = redactSecrets(err.message, secrets);
        if (err.stack) err.stack = redactSecrets(err.stack, secrets);
        throw err;
      }
      throw new Error(redactSecrets(String(err), secrets));
    }
  }
}

/** The inputs to record after a refresh: exactly the declared inputs, so drift stays visible to diff. */
function inputInputs(inputs: ApprovalInputs): ApprovalOutputs {
  return { ...inputs } as ApprovalOutputs;
}
