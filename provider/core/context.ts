/**
 * What every operation of every resource needs, built when the operation runs (never captured into
 * the serialized provider): where the API is, the client with its credentials, the per-cluster
 * coordinator, the deadline, a redacting logger. Shared by the approval and the service.
 */
import { CssClient } from "./client";
import { ClusterCoordinator, laneKey, processCoordinator } from "./coordinator";
import { Deadline } from "./deadline";
import { isPartialFailure, redactSecrets } from "./errors";
import { UNKNOWN } from "./inputs";
import { createLogger, Logger } from "./log";
import type { RetryPolicy } from "./retry";
import { Env, StackConfig, Target, readStackConfig, readTuning, resolveCredentials, resolveTarget, secretValues, storedTarget, withAuthUrl } from "./settings";
import type * as pulumi from "@pulumi/pulumi";
import type { CommonInputs, StoredTarget } from "./types";

export interface OperationContext {
  client: CssClient;
  coordinator: ClusterCoordinator;
  deadline: Deadline;
  log: Logger;
  /** Identifies the cluster across resources: base URL, project and cluster id. */
  clusterKey: string;
  /** Where this operation reaches the API (recorded in outputs). */
  target: StoredTarget;
  /** Backoff for status polls (base, cap). */
  poll: RetryPolicy;
  /** How long a release waits for the rest of the deployment to declare what it still wants (claims.ts). */
  releaseGraceMs: number;
}

type Props = Record<string, unknown>;

/** What each provider method does, for a resource with outputs `O`; every provider calls these through one entry point. */
export interface ResourceHandlers<O> {
  configure(req: pulumi.dynamic.ConfigureRequest): StackConfig;
  check(config: StackConfig, olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult>;
  diff(config: StackConfig, id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult>;
  create(config: StackConfig, props: Props): Promise<pulumi.dynamic.CreateResult<O>>;
  update(config: StackConfig, id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult<O>>;
  delete(config: StackConfig, id: string, props: Props): Promise<void>;
  read(config: StackConfig, id: string, props?: Props): Promise<pulumi.dynamic.ReadResult<O>>;
}

/** Stack config of our namespace from a dynamic provider's configure request (every resource's configure). */
export function stackConfigFrom(req: pulumi.dynamic.ConfigureRequest): StackConfig {
  return readStackConfig((key) => {
    const value: unknown = req.config.get(key);
    return value === undefined || value === null ? undefined : String(value);
  });
}

/** The target recorded in state, if any (state written before it was recorded has none). */
export function recordedTarget(props: Props): StoredTarget | undefined {
  const t = props.target as StoredTarget | undefined;
  return t && typeof t === "object" && typeof t.baseUrl === "string" && typeof t.projectId === "string" ? t : undefined;
}

/** Where the API would be reached now for these (checked) inputs; undefined when that cannot be told yet. */
export function currentTarget(config: StackConfig, news: Props): StoredTarget | undefined {
  const keys = ["region", "projectId", "cloud", "endpoint"] as const;
  if (keys.some((k) => news[k] === UNKNOWN)) return undefined;
  const inputs: Partial<Record<(typeof keys)[number], string>> = {};
  for (const k of keys) if (typeof news[k] === "string") inputs[k] = news[k] as string;
  try {
    return storedTarget(resolveTarget(inputs as Pick<CommonInputs, (typeof keys)[number]>, config, process.env));
  } catch {
    return undefined; // incomplete settings: the update (if any) reports them
  }
}

/**
 * Everything one operation needs, built now from the current config and environment. Refresh and
 * delete reach the API where state says the resource was last created or updated. `sensitive` are
 * the values of inputs the program passed as secrets: redacted like credentials.
 */
export function operationContext(config: StackConfig, inputs: CommonInputs, sensitive: readonly string[], recorded?: StoredTarget): OperationContext {
  const env: Env = process.env;
  const target: Target = recorded ? withAuthUrl(recorded, config, env) : resolveTarget(inputs, config, env);
  const credentials = resolveCredentials(config, env);
  const secrets = [...secretValues(config, env), ...sensitive];
  const log = createLogger(() => secrets);
  const tuning = readTuning(env);
  const deadline = new Deadline(inputs.timeoutSeconds);
  return {
    client: new CssClient({ target, credentials, deadline, policy: tuning.retry, log, secrets, requestTimeoutMs: tuning.requestTimeoutMs }),
    coordinator: processCoordinator(),
    deadline,
    log,
    clusterKey: laneKey(target, inputs.clusterId),
    target: storedTarget(target),
    poll: tuning.poll,
    releaseGraceMs: tuning.releaseGraceMs,
  };
}

/**
 * Run an operation. Whatever escapes has every known secret scrubbed from its message and stack. A
 * failure after the cloud may have changed becomes the dynamic provider host's partial-state error
 * (id and properties), so the engine records what the API may have accepted.
 */
export async function guard<T>(config: StackConfig, sensitive: readonly string[], props: Props, id: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const secrets = [...secretValues(config, process.env), ...sensitive];
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
