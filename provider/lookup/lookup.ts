/**
 * `getVpcepConnections` / `getVpcepConnectionsOutput`: a cluster's VPC endpoint service as CSS
 * reports it (open or not, service name, whitelist, connections, addresses), read from a program.
 *
 * This runs in the program process, not in the dynamic provider: stack config is read here with
 * `new pulumi.Config("css-vpcep")`, and credentials are resolved for one call and then dropped.
 * No resource refers to this module, so nothing of it reaches a serialized provider. It reuses the
 * resources' settings resolution, client, retry policy, deadline and per-cluster listing sharing
 * (concurrent lookups of one cluster make one GET).
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectionList, CssClient } from "../core/client";
import { laneKey, processCoordinator } from "../core/coordinator";
import { Deadline } from "../core/deadline";
import { CssApiError, cssApiError, isCssApiError, namedError, redactSecrets } from "../core/errors";
import { DEFAULT_TIMEOUT_SECONDS, endpointUrlProblem, regionProblem } from "../core/inputs";
import { Logger, redactLine } from "../core/log";
import type { ServiceAddresses } from "../core/responses";
import { CONFIG_KEYS, CONFIG_NAMESPACE, SECRET_KEYS, StackConfig, readTuning, resolveCredentials, resolveTarget, secretValues } from "../core/settings";
import type { Cloud, ObservedConnection } from "../core/types";

export interface GetVpcepConnectionsArgs {
  /** The CSS cluster whose VPC endpoint service to read. */
  clusterId: string;
  /** Region, e.g. "eu-de". Falls back to stack config `css-vpcep:region`, then OS_REGION_NAME/HW_REGION_NAME. */
  region?: string;
  /** Project ID. Falls back to `css-vpcep:projectId`, then OS_PROJECT_ID/HW_PROJECT_ID/... */
  projectId?: string;
  /** "otc" or "huaweicloud"; inferred from the region when unset. */
  cloud?: Cloud;
  /** Base URL override for the CSS API (https; http only for a loopback emulator). */
  endpoint?: string;
  /** Budget for the whole lookup, retries included (default 600). */
  timeoutSeconds?: number;
}

/** The same arguments as `pulumi.Input`s. */
export interface GetVpcepConnectionsOutputArgs {
  clusterId: pulumi.Input<string>;
  region?: pulumi.Input<string>;
  projectId?: pulumi.Input<string>;
  cloud?: pulumi.Input<Cloud>;
  endpoint?: pulumi.Input<string>;
  timeoutSeconds?: pulumi.Input<number>;
}

export interface GetVpcepConnectionsResult {
  clusterId: string;
  /** False when the cluster's VPC endpoint service is closed (CSS.5182): the lists are then empty. */
  serviceOpen: boolean;
  vpcServiceName?: string;
  /** Account (domain) ids allowed to connect, sorted, as CSS reports them. */
  whitelist: string[];
  /** Every connection to the service, sorted by endpoint id. */
  connections: ObservedConnection[];
  /** The service's address(es) from the cluster detail; absent when closed or not reported. */
  addresses?: { vpcepIp?: string; vpcepIpv6Address?: string };
}

/**
 * The options that mean something for a lookup done in the program. There is no provider plugin
 * behind it, so `provider`/`version`/`pluginDownloadURL` of `pulumi.InvokeOptions` are not offered.
 */
export interface GetVpcepConnectionsOptions {
  /** Retry warnings and debug lines are attached to this resource in the CLI output. */
  parent?: pulumi.Resource;
}

export interface GetVpcepConnectionsOutputOptions extends GetVpcepConnectionsOptions {
  /**
   * Look up only once these custom resources are created or updated (as `dependsOn` of an invoke):
   * while one of them has no id yet (created in this preview), the result is unknown.
   */
  dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource>;
}

/** Read the cluster's endpoint service now. Rejects on a missing cluster, missing access or bad settings. */
export function getVpcepConnections(args: GetVpcepConnectionsArgs, opts: GetVpcepConnectionsOptions = {}): Promise<GetVpcepConnectionsResult> {
  return lookup(args, opts, []);
}

/**
 * The Output form: waits for the inputs (and `dependsOn`), is unknown while any of them is unknown
 * (no API call is made then), and is secret when any input is.
 */
export function getVpcepConnectionsOutput(
  args: GetVpcepConnectionsOutputArgs,
  opts: GetVpcepConnectionsOutputOptions = {},
): pulumi.Output<GetVpcepConnectionsResult> {
  const names = Object.keys(args) as (keyof GetVpcepConnectionsOutputArgs)[];
  // Which inputs the program passed as secrets: their values are scrubbed from errors and logs.
  const secretFlags = Promise.all(names.map((k) => pulumi.isSecret(pulumi.output(args[k] as pulumi.Input<unknown>))));
  return pulumi.all([pulumi.output(args), secretFlags, dependenciesReady(opts.dependsOn)]).apply(([plain, flags]) => {
    const hidden = names.filter((_k, i) => flags[i]).map((k) => plain[k]);
    return lookup(plain, opts, hidden.filter((v): v is string => typeof v === "string"));
  });
}

const CLUSTER_ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9_.-]+$/;

type CheckedArgs = Omit<GetVpcepConnectionsArgs, "timeoutSeconds"> & { timeoutSeconds: number };

/** Validate and normalise the arguments (pure); throws one error listing every problem. */
export function checkLookupArgs(args: GetVpcepConnectionsArgs): CheckedArgs {
  const problems: string[] = [];
  const raw = (args ?? {}) as unknown as Record<string, unknown>;
  const text = (key: keyof GetVpcepConnectionsArgs, problem: (v: string) => string | undefined = () => undefined): string | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (pulumi.Output.isInstance(v)) {
      problems.push(`${key} is an Output: use getVpcepConnectionsOutput for Outputs`);
    } else if (typeof v !== "string" || v.trim() === "") {
      problems.push(`${key} must be a non-empty string, got ${JSON.stringify(v)}`);
    } else {
      const p = problem(v.trim());
      if (!p) return v.trim();
      problems.push(p);
    }
    return undefined;
  };
  const clusterId = text("clusterId", (v) =>
    // It becomes a path segment: "..", "/" or "?" would send the call somewhere else.
    CLUSTER_ID_PATTERN.test(v) ? undefined : `clusterId must be a CSS cluster ID (letters, digits, "-", "_" and "."), got ${JSON.stringify(v)}`,
  );
  if (raw.clusterId === undefined || raw.clusterId === null) problems.push("clusterId is required");
  const out: CheckedArgs = { clusterId: clusterId ?? "", timeoutSeconds: DEFAULT_TIMEOUT_SECONDS };
  const region = text("region", regionProblem);
  const projectId = text("projectId");
  const cloud = text("cloud", (v) => (v === "otc" || v === "huaweicloud" ? undefined : `cloud must be "otc" or "huaweicloud", got "${v}"`));
  const endpoint = text("endpoint", endpointUrlProblem);
  if (region !== undefined) out.region = region;
  if (projectId !== undefined) out.projectId = projectId;
  if (cloud !== undefined) out.cloud = cloud as Cloud;
  if (endpoint !== undefined) out.endpoint = endpoint.replace(/\/+$/, "");
  const timeout = raw.timeoutSeconds;
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout === "number" && Number.isFinite(timeout) && timeout > 0) out.timeoutSeconds = timeout;
    else problems.push(`timeoutSeconds must be a positive number of seconds, got ${JSON.stringify(timeout)}`);
  }
  if (problems.length > 0) throw namedError("InvalidArgumentError", `getVpcepConnections: ${problems.join("; ")}`);
  return out;
}

/** The result from a listing (undefined: the service is closed) and the cluster detail's addresses (pure). */
export function toLookupResult(clusterId: string, list: ConnectionList | undefined, addresses?: ServiceAddresses): GetVpcepConnectionsResult {
  if (!list) return { clusterId, serviceOpen: false, whitelist: [], connections: [] };
  const connections = list.connections.map((c) => ({ ...c })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const result: GetVpcepConnectionsResult = { clusterId, serviceOpen: true, whitelist: [...(list.permissions ?? [])], connections };
  if (list.vpcServiceName !== undefined) result.vpcServiceName = list.vpcServiceName;
  if (addresses && (addresses.vpcepIp || addresses.vpcepIpv6Address)) result.addresses = { ...addresses };
  return result;
}

async function lookup(args: GetVpcepConnectionsArgs, opts: GetVpcepConnectionsOptions, hidden: readonly string[]): Promise<GetVpcepConnectionsResult> {
  const env = process.env;
  let secrets: string[] = [...hidden];
  try {
    const checked = checkLookupArgs(args);
    const config = await programConfig();
    secrets = [...secrets, ...secretValues(config, env)];
    const { clusterId } = checked;
    const target = resolveTarget(checked, config, env);
    const log = programLogger(secrets, opts.parent);
    const tuning = readTuning(env);
    const deadline = new Deadline(checked.timeoutSeconds);
    const client = new CssClient({
      target,
      credentials: resolveCredentials(config, env),
      deadline,
      policy: tuning.retry,
      log,
      secrets,
      requestTimeoutMs: tuning.requestTimeoutMs,
    });
    // The key handlers.ts uses: lookups of one cluster in this process share a listing in flight.
    const key = laneKey(target, clusterId);
    let list: ConnectionList;
    try {
      list = await processCoordinator().sharedList(key, 0, deadline, `the connection list of CSS cluster ${clusterId}`, () => client.listConnections(clusterId));
    } catch (err) {
      if (isCssApiError(err) && err.kind === "service-disabled") return toLookupResult(clusterId, undefined);
      throw await explainMissing(client, clusterId, err);
    }
    return toLookupResult(clusterId, list, await serviceAddresses(client, clusterId, log));
  } catch (err) {
    throw scrubbed(err, secrets);
  }
}

/**
 * Stack config of our namespace, read in the program. Credentials go through getSecret: a plain
 * get() of a secret key is meant to warn again in a later SDK (pulumi/pulumi#7127; off in 3.248).
 */
async function programConfig(): Promise<StackConfig> {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const out: StackConfig = {};
  for (const key of CONFIG_KEYS) {
    const value = SECRET_KEYS.includes(key) ? await reveal(config.getSecret(key)) : config.get(key);
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

function reveal(secret: pulumi.Output<string> | undefined): Promise<string | undefined> {
  return secret === undefined ? Promise.resolve(undefined) : new Promise((resolve) => secret.apply(resolve));
}

/** Log lines go to the engine (attached to `parent` when given), every one scrubbed of secrets. */
function programLogger(secrets: readonly string[], parent?: pulumi.Resource): Logger {
  const line = (m: string) => redactLine(`getVpcepConnections: ${m}`, secrets);
  return {
    debug: (m) => void pulumi.log.debug(line(m), parent),
    info: (m) => void pulumi.log.info(line(m), parent),
    warn: (m) => void pulumi.log.warn(line(m), parent),
  };
}

/** CSS.0015 means "gone or no access": the project's cluster list tells which (as operations.ts confirmGone). */
async function explainMissing(client: CssClient, clusterId: string, err: unknown): Promise<unknown> {
  if (!isCssApiError(err) || err.kind !== "gone-or-denied") return err;
  let listed: boolean;
  try {
    listed = await client.clusterListed(clusterId);
  } catch (listErr) {
    return relabel(
      err,
      "gone-or-denied",
      `CSS answered ${err.code} ("not found or access denied") for cluster ${clusterId}, and the project's cluster list, which would tell which, ` +
        `could not be read either (${listErr instanceof Error ? listErr.message : String(listErr)}); check clusterId and projectId, and grant the credentials css:cluster:list (or the CSS read-only role)`,
    );
  }
  return listed
    ? relabel(
        err,
        "forbidden",
        `access denied: cluster ${clusterId} exists (the project's cluster list shows it), but these credentials may not read its VPC endpoint service; grant css:VPCEndpoint:* (Huawei IAM) or the CSS admin role`,
      )
    : relabel(err, "cluster-gone", `CSS cluster ${clusterId} does not exist: CSS answered ${err.code} and the project's cluster list does not include it; check clusterId and projectId`);
}

function relabel(err: CssApiError, kind: CssApiError["kind"], message: string): CssApiError {
  return cssApiError({ kind, status: err.status, code: err.code, requestId: err.requestId, method: err.method, path: err.path, message });
}

/**
 * The addresses come from the cluster detail, which needs a read permission the connection list
 * does not: without it the lookup still answers, without addresses, and says why.
 */
async function serviceAddresses(client: CssClient, clusterId: string, log: Logger): Promise<ServiceAddresses | undefined> {
  try {
    return await client.clusterAddresses(clusterId);
  } catch (err) {
    if (!isCssApiError(err) || (err.kind !== "forbidden" && err.kind !== "gone-or-denied")) throw err;
    log.warn(`addresses left out: the credentials may not read the details of cluster ${clusterId} (${err.message})`);
    return undefined;
  }
}

/** The error with every secret value scrubbed from its message, stack and string fields (a CssApiError's path holds the cluster id). */
function scrubbed(err: unknown, secrets: readonly string[]): Error {
  const error = (err instanceof Error ? err : new Error(String(err))) as Error & Record<string, unknown>;
  for (const key of ["message", "stack", ...Object.keys(error)]) {
    const value = error[key];
    if (typeof value === "string") error[key] = redactSecrets(value, secrets);
  }
  return error;
}

/** Resolves once every `dependsOn` resource has an id; unknown while one has none (preview of its creation). */
function dependenciesReady(dependsOn: GetVpcepConnectionsOutputOptions["dependsOn"]): pulumi.Output<unknown> {
  if (dependsOn === undefined) return pulumi.output(true);
  // A plain list is checked now, so a wrong entry fails at the call rather than inside an Output.
  const plain: unknown[] = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  plain.filter((r) => !pulumi.Output.isInstance(r) && !(r instanceof Promise)).forEach(dependencyId);
  // Typed loosely on purpose: pulumi.output leaves Resources as they are, but its Unwrap type maps their fields.
  const deps = pulumi.output(dependsOn) as unknown as pulumi.Output<unknown>;
  return deps.apply((value) => pulumi.all((Array.isArray(value) ? value : [value]).map(dependencyId)));
}

function dependencyId(r: unknown): pulumi.Output<string> | undefined {
  if (r === undefined || r === null) return undefined;
  if (pulumi.CustomResource.isInstance(r)) return r.id;
  // A component's own urn resolves before its children exist: waiting on it would not wait for them.
  throw namedError(
    "InvalidArgumentError",
    `getVpcepConnectionsOutput: dependsOn takes custom resources; got ${pulumi.Resource.isInstance(r) ? "a component resource (list the resources inside it)" : typeof r}`,
  );
}
