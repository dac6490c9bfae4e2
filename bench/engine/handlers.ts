/**
 * What the engine bench's two comparison resources do (bench/engine/resources.ts holds their thin
 * provider shims, as provider/approval/provider.ts does for ours):
 *
 * - **naive**: what the Terraform resources that touch this API do. Each resource sends its own
 *   POST (create: accept its endpoints; update: accept the added, reject the removed; delete: reject
 *   them all), retried on 409 with p-retry (bench/naive.ts), then polls the connection list until its
 *   own endpoints show the status. Nothing is shared between resources.
 * - **floor**: the same inputs and outputs, and no call at all: what the engine itself costs.
 *
 * Both read their settings from the provider process's environment when an operation runs, with the
 * names and defaults ours uses (CSS_VPCEP_ENDPOINT, OS_PROJECT_ID, OS_ACCESS_KEY/OS_SECRET_KEY,
 * CSS_VPCEP_RETRY_BASE_MS/_MAX_MS, CSS_VPCEP_MAX_ATTEMPTS, CSS_VPCEP_POLL_BASE_MS/_MAX_MS), so one
 * stack environment drives all three the same way.
 */
import { randomBytes } from "crypto";
import { NaiveClient } from "../naive";
import type { NaiveSettings } from "../naive";

type Props = Record<string, unknown>;

export interface BenchInputs {
  clusterId: string;
  /** Sorted, without duplicates. */
  endpointIds: string[];
}

export interface BenchConnection {
  id: string;
  status: string;
}

export interface BenchOutputs extends BenchInputs {
  connections: BenchConnection[];
}

export interface BenchCheckFailure {
  property: string;
  reason: string;
}

export interface BenchHandlers {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: BenchCheckFailure[] }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(props: Props): Promise<{ id: string; outs: BenchOutputs }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: BenchOutputs }>;
  delete(id: string, props: Props): Promise<void>;
}

export type BenchKind = "naive" | "floor";

function toInputs(props: Props): BenchInputs {
  const clusterId = typeof props.clusterId === "string" ? props.clusterId : "";
  const raw = Array.isArray(props.endpointIds) ? props.endpointIds : [];
  const endpointIds = [...new Set(raw.filter((x): x is string => typeof x === "string"))].sort();
  return { clusterId, endpointIds };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function required(...names: string[]): string {
  for (const n of names) {
    const v = process.env[n];
    if (v) return v;
  }
  throw new Error(`the naive bench resource needs ${names.join(" or ")} in its environment`);
}

/** The naive client's settings, from the environment ours reads, with ours' defaults. */
export function naiveSettingsFromEnv(): NaiveSettings {
  return {
    baseUrl: required("CSS_VPCEP_ENDPOINT").replace(/\/+$/, ""),
    projectId: required("OS_PROJECT_ID", "HW_PROJECT_ID"),
    accessKey: required("OS_ACCESS_KEY", "HW_ACCESS_KEY"),
    secretKey: required("OS_SECRET_KEY", "HW_SECRET_KEY"),
    retry: {
      baseMs: num("CSS_VPCEP_RETRY_BASE_MS", 500),
      capMs: num("CSS_VPCEP_RETRY_MAX_MS", 20_000),
      maxAttempts: Math.max(1, Math.floor(num("CSS_VPCEP_MAX_ATTEMPTS", 60))),
    },
    poll: { baseMs: num("CSS_VPCEP_POLL_BASE_MS", 1_000), capMs: num("CSS_VPCEP_POLL_MAX_MS", 10_000) },
    timeoutMs: 600_000,
  };
}

function connections(ids: readonly string[], seen: ReadonlyMap<string, string>): BenchConnection[] {
  return ids.map((id) => ({ id, status: seen.get(id) ?? "absent" }));
}

const newId = (clusterId: string) => `${clusterId}:${randomBytes(6).toString("hex")}`;

async function check(_olds: Props, news: Props): Promise<{ inputs: Props; failures: BenchCheckFailure[] }> {
  const inputs = toInputs(news);
  const failures: BenchCheckFailure[] = [];
  if (!inputs.clusterId) failures.push({ property: "clusterId", reason: "required" });
  if (inputs.endpointIds.length === 0) failures.push({ property: "endpointIds", reason: "at least one endpoint id" });
  return { inputs: { ...news, ...inputs }, failures };
}

async function diff(_id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const o = toInputs(olds);
  const n = toInputs(news);
  const replaces = o.clusterId !== n.clusterId ? ["clusterId"] : [];
  return { changes: replaces.length > 0 || !sameSet(o.endpointIds, n.endpointIds), replaces, deleteBeforeReplace: true };
}

export const naive: BenchHandlers = {
  check,
  diff,
  async create(props) {
    const inputs = toInputs(props);
    const seen = await new NaiveClient(naiveSettingsFromEnv()).apply(inputs.clusterId, "receive", inputs.endpointIds);
    return { id: newId(inputs.clusterId), outs: { ...inputs, connections: connections(inputs.endpointIds, seen) } };
  },
  async update(_id, olds, news) {
    const before = toInputs(olds);
    const inputs = toInputs(news);
    const client = new NaiveClient(naiveSettingsFromEnv());
    const added = inputs.endpointIds.filter((id) => !before.endpointIds.includes(id));
    const removed = before.endpointIds.filter((id) => !inputs.endpointIds.includes(id));
    if (added.length > 0) await client.post(inputs.clusterId, "receive", added);
    if (removed.length > 0) await client.post(inputs.clusterId, "reject", removed);
    const targets = new Map<string, string>([...added.map((id): [string, string] => [id, "accepted"]), ...removed.map((id): [string, string] => [id, "rejected"])]);
    const seen = targets.size > 0 ? await client.waitFor(inputs.clusterId, targets) : new Map<string, string>();
    return { outs: { ...inputs, connections: connections(inputs.endpointIds, seen) } };
  },
  async delete(_id, props) {
    const inputs = toInputs(props);
    if (inputs.endpointIds.length > 0) await new NaiveClient(naiveSettingsFromEnv()).apply(inputs.clusterId, "reject", inputs.endpointIds);
  },
};

const accepted = (ids: readonly string[]): BenchConnection[] => ids.map((id) => ({ id, status: "accepted" }));

export const floor: BenchHandlers = {
  check,
  diff,
  async create(props) {
    const inputs = toInputs(props);
    return { id: newId(inputs.clusterId), outs: { ...inputs, connections: accepted(inputs.endpointIds) } };
  },
  async update(_id, _olds, news) {
    const inputs = toInputs(news);
    return { outs: { ...inputs, connections: accepted(inputs.endpointIds) } };
  },
  async delete() {
    // calls nothing
  },
};

const BY_KIND: Record<BenchKind, BenchHandlers> = { naive, floor };

/** The one entry point the serialized providers call (so state holds a package reference, not this code). */
export function handle<K extends keyof BenchHandlers>(kind: BenchKind, operation: K, ...args: Parameters<BenchHandlers[K]>): ReturnType<BenchHandlers[K]> {
  const fn = BY_KIND[kind][operation] as (...a: Parameters<BenchHandlers[K]>) => ReturnType<BenchHandlers[K]>;
  return fn(...args);
}
