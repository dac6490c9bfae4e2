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
import { namedError } from "../core/errors";
import { lookup } from "./operations";
import type { GetVpcepConnectionsArgs, GetVpcepConnectionsOptions, GetVpcepConnectionsOutputArgs, GetVpcepConnectionsOutputOptions, GetVpcepConnectionsResult } from "./types";

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
