/**
 * What each provider method does. The provider class (provider.ts) is a thin shim whose methods are
 * copied into every resource's state; they all call `handle`, the one stable entry point. When the
 * package is installed from npm, state refers to this module by package reference, so an upgrade
 * changes what delete and refresh do even for resources last updated by an older version (keep
 * `handle`'s signature stable; everything behind it may change).
 */
import { randomBytes } from "crypto";
import { OperationContext, ResourceHandlers, currentTarget, guard, operationContext, recordedTarget, stackConfigFrom } from "../core/context";
import { noteCheck } from "../core/claims";
import { containsUnknown } from "../core/inputs";
import type { ObservedConnection, StoredTarget } from "../core/types";
import { checkInputs, toApprovalInputs } from "./inputs";
import { claim, converge, observeForRead, release } from "./operations";
import { diffApproval } from "./plan";
import type { StackConfig } from "../core/settings";
import type { ApprovalInputs, ApprovalOutputs } from "./types";

export type Handlers = ResourceHandlers<ApprovalOutputs>;

export const handlers: Handlers = {
  configure: (req) => stackConfigFrom(req),

  async check(_config, _olds, news) {
    noteCheck();
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
    return guard(config, sensitiveValues(inputs), props, id, async () => ({ id, outs: await converge(context(config, inputs), inputs) }));
  },

  async update(config, id, olds, news) {
    const inputs = toApprovalInputs(news);
    return guard(config, sensitiveValues(inputs), news, id, async () => {
      const previous = { ...(olds as unknown as ApprovalOutputs), ...toApprovalInputs(olds) };
      return { outs: await converge(context(config, inputs), inputs, previous) };
    });
  },

  async delete(config, id, props) {
    const inputs = toApprovalInputs(props);
    return guard(config, sensitiveValues(inputs), props, id, async () => {
      if (!inputs.rejectOnDelete) return; // leave the connections as they are; no credentials needed
      const pendingReleases = Array.isArray(props.pendingReleases) ? (props.pendingReleases as string[]) : [];
      const connections = Array.isArray(props.connections) ? (props.connections as ObservedConnection[]) : [];
      await release(context(config, inputs, recordedTarget(props)), { ...inputs, pendingReleases, connections });
    });
  },

  async read(config, id, props) {
    if (!props || props.clusterId === undefined) {
      throw new Error(
        "VpcepConnectionApproval cannot be imported or read without prior state (a limit of Pulumi dynamic resources); declare it instead: create is idempotent and adopts existing connections",
      );
    }
    const inputs = toApprovalInputs(props);
    return guard(config, sensitiveValues(inputs), props, id, async () => {
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

/** The values of the inputs the program passed as secrets: redacted from every message and log line. */
function sensitiveValues(inputs: ApprovalInputs): string[] {
  const secret = inputs.secretInputs ?? [];
  return [
    ...(secret.includes("clusterId") ? [inputs.clusterId] : []),
    ...(secret.includes("endpointIds") ? inputs.endpointIds : []),
    ...(secret.includes("domainIds") ? (inputs.domainIds ?? []) : []),
    ...(secret.includes("projectId") && inputs.projectId ? [inputs.projectId] : []),
  ];
}

function context(config: StackConfig, inputs: ApprovalInputs, recorded?: StoredTarget): OperationContext {
  return operationContext(config, inputs, sensitiveValues(inputs), recorded);
}
