/**
 * The lookup's calls. In a program (`getVpcepConnections`) stack config is read with
 * `new pulumi.Config("css-vpcep")` and lines go to `pulumi.log`; in the plugin (Invoke) the config
 * is the provider's and lines go to its stderr. Either way credentials are resolved for one call and
 * then dropped, and lookups of one cluster share a listing in flight through the per-cluster coordinator.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectionList, CssClient } from "../core/client";
import { laneKey, processCoordinator } from "../core/coordinator";
import { Deadline } from "../core/deadline";
import { CssApiError, cssApiError, isCssApiError, redactSecrets } from "../core/errors";
import { Logger, redactLine } from "../core/log";
import type { ServiceAddresses } from "../core/responses";
import { CONFIG_KEYS, CONFIG_NAMESPACE, SECRET_KEYS, StackConfig, readTuning, resolveCredentials, resolveTarget, secretValues } from "../core/settings";
import { checkLookupArgs } from "./inputs";
import { toLookupResult } from "./result";
import type { GetVpcepConnectionsArgs, GetVpcepConnectionsOptions, GetVpcepConnectionsResult } from "./types";

/** The lookup from a program: its stack config, its log. */
export async function lookup(args: GetVpcepConnectionsArgs, opts: GetVpcepConnectionsOptions, hidden: readonly string[]): Promise<GetVpcepConnectionsResult> {
  let secrets: string[] = [...hidden];
  try {
    const config = await programConfig();
    secrets = [...secrets, ...secretValues(config, process.env)];
    return await lookupWith(args, config, programLogger(secrets, opts.parent), secrets);
  } catch (err) {
    throw scrubbed(err, secrets);
  }
}

/**
 * The lookup with a given provider config (the plugin's Invoke). `log` must already redact; `hidden`
 * are values to scrub from errors (secret arguments); the config's credentials are added here.
 */
export async function lookupWith(args: GetVpcepConnectionsArgs, config: StackConfig, log: Logger, hidden: readonly string[]): Promise<GetVpcepConnectionsResult> {
  const env = process.env;
  const secrets = [...hidden, ...secretValues(config, env)];
  try {
    const checked = checkLookupArgs(args);
    const { clusterId } = checked;
    const target = resolveTarget(checked, config, env);
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
    // The key the resources' handlers use: lookups of one cluster in this process share a listing in flight.
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

/** CSS.0015 means "gone or no access": the project's cluster list tells which (as core/cluster-gone.ts confirmGone). */
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
