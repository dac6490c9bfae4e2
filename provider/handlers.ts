/**
 * What each provider method does. The provider class (provider.ts) is a thin shim whose methods are
 * copied into every resource's state; they all call `handle`, the one stable entry point. When the
 * package is installed from npm, state refers to this module by package reference, so an upgrade
 * changes what delete and refresh do even for resources last updated by an older version (keep
 * `handle`'s signature stable; everything behind it may change).
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
import { Env, StackConfig, readStackConfig, readTuning, resolveCredentials, resolveTarget, secretValues } from "./settings";
import type { ApprovalInputs, ApprovalOutputs } from "./types";

type Props = Record<string, unknown>;

export interface Handlers {
  configure(req: pulumi.dynamic.ConfigureRequest): StackConfig;
  check(config: StackConfig, olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult>;
  diff(config: StackConfig, id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult>;
  create(config: StackConfig, props: Props): Promise<pulumi.dynamic.CreateResult<ApprovalOutputs>>;
  update(config: StackConfig, id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult<ApprovalOutputs>>;
  delete(config: StackConfig, id: string, props: Props): Promise<void>;
  read(config: StackConfig, id: string, props?: Props): Promise<pulumi.dynamic.ReadResult<ApprovalOutputs>>;
}

export const handlers: Handlers = {
  configure(req) {
    return readStackConfig((key) => {
      const value: unknown = req.config.get(key);
      return value === undefined || value === null ? undefined : String(value);
    });
  },

  async check(_config, _olds, news) {
    const { inputs, failures } = checkInputs(news);
    return { inputs, failures };
  },

  async diff(_config, _id, olds, news) {
    const result = diffApproval(olds, news);
    return { changes: result.changes, replaces: result.replaces, deleteBeforeReplace: result.deleteBeforeReplace };
  },

  create(config, props) {
    return guard(config, async () => {
      const inputs = toApprovalInputs(props);
      const outs = await converge(context(config, inputs), inputs);
      // Starts with the cluster id; the suffix keeps two approvals on one cluster apart.
      return { id: `${inputs.clusterId}:${randomBytes(6).toString("hex")}`, outs };
    });
  },

  update(config, _id, olds, news) {
    return guard(config, async () => {
      const previous = toApprovalInputs(olds);
      const inputs = toApprovalInputs(news);
      return { outs: await converge(context(config, inputs), inputs, previous) };
    });
  },

  delete(config, _id, props) {
    return guard(config, async () => {
      const inputs = toApprovalInputs(props);
      if (!inputs.rejectOnDelete) return; // leave the connections as they are; no credentials needed
      await release(context(config, inputs), inputs);
    });
  },

  read(config, id, props) {
    return guard(config, async () => {
      if (!props || props.clusterId === undefined) {
        throw new Error(
          "VpcepConnectionApproval cannot be imported or read without prior state (a limit of Pulumi dynamic resources); declare it instead: create is idempotent and adopts existing connections",
        );
      }
      const inputs = toApprovalInputs(props);
      const outs = await observeForRead(context(config, inputs), inputs);
      if (!outs) return { id: "" }; // the cluster is gone: so is the resource
      // The declared inputs, unchanged, so a drifted status stays visible to the next diff.
      return { id, props: outs, inputs: { ...inputs } as ApprovalOutputs };
    });
  },
};

/** The single entry point the serialized provider calls. */
export function handle<K extends keyof Handlers>(operation: K, ...args: Parameters<Handlers[K]>): ReturnType<Handlers[K]> {
  const fn = handlers[operation] as (...a: Parameters<Handlers[K]>) => ReturnType<Handlers[K]>;
  return fn(...args);
}

/** Everything one operation needs, built now from the current config and environment. */
function context(config: StackConfig, inputs: ApprovalInputs): OperationContext {
  const env: Env = process.env;
  const target = resolveTarget(inputs, config, env);
  const credentials = resolveCredentials(config, env);
  const secrets = secretValues(config, env);
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
async function guard<T>(config: StackConfig, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const secrets = secretValues(config, process.env);
    if (err instanceof Error) {
      err.message = redactSecrets(err.message, secrets);
      if (err.stack) err.stack = redactSecrets(err.stack, secrets);
      throw err;
    }
    throw new Error(redactSecrets(String(err), secrets));
  }
}
