/**
 * What each `VpcepServiceProvider` method does, behind one stable entry point (`handleService`), as
 * for the approval (see ../approval/handlers.ts): an installed package's state refers to this module by reference.
 */
import { randomBytes } from "crypto";
import { noteCheck } from "../core/claims";
import { ResourceHandlers, currentTarget, guard, operationContext, recordedTarget, stackConfigFrom } from "../core/context";
import type { StackConfig } from "../core/settings";
import type { StoredTarget } from "../core/types";
import { checkServiceInputs, toServiceInputs } from "./inputs";
import { convergeService, readService, restoreService } from "./operations";
import { diffService } from "./plan";
import type { ServiceInputs, ServiceOutputs, ServiceState } from "./types";

type Props = Record<string, unknown>;

export type ServiceHandlers = ResourceHandlers<ServiceOutputs>;

/** The values of inputs the program passed as secrets (redacted from messages and logs). */
function sensitiveValues(inputs: ServiceInputs): string[] {
  const secret = inputs.secretInputs ?? [];
  return [
    ...(secret.includes("clusterId") ? [inputs.clusterId] : []),
    ...(secret.includes("whitelist") ? (inputs.whitelist ?? []) : []),
    ...(secret.includes("projectId") && inputs.projectId ? [inputs.projectId] : []),
  ];
}

function context(config: StackConfig, inputs: ServiceInputs, recorded?: StoredTarget) {
  return operationContext(config, inputs, sensitiveValues(inputs), recorded);
}

/** What the resource found before it changed anything (state written by create). */
function foundState(props: Props): ServiceState {
  const found = props.found as Partial<ServiceState> | undefined;
  return { open: found?.open !== false, whitelist: Array.isArray(found?.whitelist) ? [...found.whitelist] : [] };
}

export const serviceHandlers: ServiceHandlers = {
  configure: (req) => stackConfigFrom(req),

  async check(_config, _olds, news) {
    noteCheck(); // the program is still being checked: approvals' releases wait (claims.ts)
    return checkServiceInputs(news);
  },

  async diff(config, _id, olds, news) {
    const d = diffService(olds, news, currentTarget(config, news));
    return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
  },

  async create(config, props) {
    const inputs = toServiceInputs(props);
    // The id names the cluster (one service per cluster), unless the cluster id is a secret.
    const suffix = randomBytes(6).toString("hex");
    const id = inputs.secretInputs?.includes("clusterId") ? `service-${suffix}` : `${inputs.clusterId}:service-${suffix}`;
    return guard(config, sensitiveValues(inputs), props, id, async () => ({ id, outs: await convergeService(context(config, inputs), inputs) }));
  },

  async update(config, id, olds, news) {
    const inputs = toServiceInputs(news);
    return guard(config, sensitiveValues(inputs), news, id, async () => ({ outs: await convergeService(context(config, inputs), inputs, foundState(olds)) }));
  },

  async delete(config, id, props) {
    const inputs = toServiceInputs(props);
    return guard(config, sensitiveValues(inputs), props, id, () => restoreService(context(config, inputs, recordedTarget(props)), inputs, foundState(props)));
  },

  async read(config, id, props) {
    if (!props || props.clusterId === undefined) {
      throw new Error("VpcepService cannot be imported or read without prior state (a limit of Pulumi dynamic resources); declare it instead: create adopts a service that is already open");
    }
    const inputs = toServiceInputs(props);
    return guard(config, sensitiveValues(inputs), props, id, async () => {
      const outs = await readService(context(config, inputs, recordedTarget(props)), inputs, foundState(props));
      if (!outs) return { id: "" };
      return { id, props: outs, inputs: { ...inputs } as ServiceOutputs };
    });
  },
};

/** The single entry point the serialized provider calls. */
export function handleService<K extends keyof ServiceHandlers>(operation: K, ...args: Parameters<ServiceHandlers[K]>): ReturnType<ServiceHandlers[K]> {
  const fn = serviceHandlers[operation] as (...a: Parameters<ServiceHandlers[K]>) => ReturnType<ServiceHandlers[K]>;
  return fn(...args);
}
