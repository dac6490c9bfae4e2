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
import { UNKNOWN, checkInputs, containsUnknown, toApprovalInputs } from "./inputs";
import { createLogger } from "./log";
import { OperationContext, claim, converge, isPartialFailure, observeForRead, release } from "./operations";
import { diffApproval } from "./plan";
import { Env, StackConfig, Target, readStackConfig, readTuning, resolveCredentials, resolveTarget, secretValues, storedTarget, withAuthUrl } from "./settings";
import type { ApprovalInputs, ApprovalOutputs, StoredTarget } from "./types";

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
    if (failures.length === 0 && !containsUnknown([inputs.clusterId, inputs.endpointIds, inputs.action, inputs.resourceName])) {
      // Record what this deployment declares, so no other approval's release undoes it (claims.ts).
      try {
        claim(inputs.clusterId as string, toApprovalInputs(inputs));
      } catch (err) {
        failures.push({ property: "endpointIds", reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return { inputs, failures };
  },

  async diff(config, _id, olds, news) {
    const result = diffApproval(olds, news, currentTarget(config, news));
    return { changes: result.changes, replaces: result.replaces, deleteBeforeReplace: result.deleteBeforeReplace };
  },

  async create(config, props) {
    const inputs = toApprovalInputs(props);
    // Starts with the cluster id (unless that is a secret); the suffix keeps two approvals on one cluster apart.
    const suffix = randomBytes(6).toString("hex");
    const id = inputs.secretInputs?.includes("clusterId") ? `approval-${suffix}` : `${inputs.clusterId}:${suffix}`;
    return guard(config, inputs, props, id, async () => ({ id, outs: await converge(context(config, inputs), inputs) }));
  },

  async update(config, id, olds, news) {
    const inputs = toApprovalInputs(news);
    return guard(config, inputs, news, id, async () => {
      const previous = { ...(olds as unknown as ApprovalOutputs), ...toApprovalInputs(olds) };
      return { outs: await converge(context(config, inputs), inputs, previous) };
    });
  },

  async delete(config, id, props) {
    const inputs = toApprovalInputs(props);
    return guard(config, inputs, props, id, async () => {
      if (!inputs.rejectOnDelete) return; // leave the connections as they are; no credentials needed
      const pendingReleases = Array.isArray(props.pendingReleases) ? (props.pendingReleases as string[]) : [];
      await release(context(config, inputs, recordedTarget(props)), { ...inputs, pendingReleases });
    });
  },

  async read(config, id, props) {
    if (!props || props.clusterId === undefined) {
      throw new Error(
        "VpcepConnectionApproval cannot be imported or read without prior state (a limit of Pulumi dynamic resources); declare it instead: create is idempotent and adopts existing connections",
      );
    }
    const inputs = toApprovalInputs(props);
    return guard(config, inputs, props, id, async () => {
      const outs = await observeForRead(context(config, inputs, recordedTarget(props)), inputs);
      if (!outs) return { id: "" }; // the cluster is gone: so is the resource
      if (Array.isArray(props.pendingReleases)) outs.pendingReleases = props.pendingReleases as string[];
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

/** The target recorded in state, if any (state written before it was recorded has none). */
function recordedTarget(props: Props): StoredTarget | undefined {
  const t = props.target as StoredTarget | undefined;
  return t && typeof t === "object" && typeof t.baseUrl === "string" && typeof t.projectId === "string" ? t : undefined;
}

/** Where the API would be reached now for these (checked) inputs; undefined when that cannot be told yet. */
function currentTarget(config: StackConfig, news: Props): StoredTarget | undefined {
  const keys = ["region", "projectId", "cloud", "endpoint"] as const;
  if (keys.some((k) => news[k] === UNKNOWN)) return undefined;
  const inputs: Partial<Record<(typeof keys)[number], string>> = {};
  for (const k of keys) if (typeof news[k] === "string") inputs[k] = news[k] as string;
  try {
    return storedTarget(resolveTarget(inputs as Pick<ApprovalInputs, (typeof keys)[number]>, config, process.env));
  } catch {
    return undefined; // incomplete settings: the update (if any) reports them
  }
}

/**
 * Everything one operation needs, built now from the current config and environment. Refresh and
 * delete reach the API where state says the resource was last created or updated.
 */
function context(config: StackConfig, inputs: ApprovalInputs, recorded?: StoredTarget): OperationContext {
  const env: Env = process.env;
  const target: Target = recorded ? withAuthUrl(recorded, config, env) : resolveTarget(inputs, config, env);
  const credentials = resolveCredentials(config, env);
  const secrets = [...secretValues(config, env), ...secretInputValues(inputs)];
  const log = createLogger(() => secrets);
  const tuning = readTuning(env);
  const deadline = new Deadline(inputs.timeoutSeconds);
  return {
    client: new CssClient({ target, credentials, deadline, policy: tuning.retry, log, secrets, requestTimeoutMs: tuning.requestTimeoutMs }),
    coordinator: processCoordinator(),
    deadline,
    log,
    clusterKey: `${target.baseUrl}|${target.projectId}|${inputs.clusterId}`,
    target: storedTarget(target),
    poll: tuning.poll,
    releaseGraceMs: tuning.releaseGraceMs,
  };
}

/** The values of the inputs the program passed as secrets: redacted from every message and log line. */
function secretInputValues(inputs: ApprovalInputs): string[] {
  const secret = inputs.secretInputs ?? [];
  return [
    ...(secret.includes("clusterId") ? [inputs.clusterId] : []),
    ...(secret.includes("endpointIds") ? inputs.endpointIds : []),
    ...(secret.includes("projectId") && inputs.projectId ? [inputs.projectId] : []),
  ];
}

/**
 * Run an operation. Whatever escapes has every known secret scrubbed from its message and stack. A
 * failure after the cloud may have changed becomes the dynamic provider host's partial-state error
 * (id and properties), so the engine records what the API may have accepted.
 */
async function guard<T>(config: StackConfig, inputs: ApprovalInputs, props: Props, id: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const secrets = [...secretValues(config, process.env), ...secretInputValues(inputs)];
    const error = err instanceof Error ? err : new Error(String(err));
    error.message = redactSecrets(error.message, secrets);
    if (error.stack) error.stack = redactSecrets(error.stack, secrets);
    if (isPartialFailure(err)) {
      // The shape pulumi's dynamic provider host turns into ErrorResourceInitFailed; __provider must be
      // carried by hand (the host adds it only to successful results).
      throw Object.assign(error, { id, properties: { ...err.partialOutputs, __provider: props.__provider }, reasons: [error.message] });
    }
    throw error;
  }
}
