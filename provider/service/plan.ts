/**
 * `VpcepService` planning (pure): what to change to reach the declared state, what a diff shows, and
 * what destroy must do to leave the cluster as the resource found it.
 */
import { UNKNOWN, containsUnknown, normaliseEndpointIds } from "../core/inputs";
import { sameTarget } from "../core/target";
import type { StoredTarget } from "../core/types";
import type { ServiceState } from "./types";

export interface ServiceChanges {
  open: boolean;
  /** The whitelist to send (the whole list), when it must change. */
  whitelist?: string[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = normaliseEndpointIds(a);
  const y = normaliseEndpointIds(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/** From observed to declared: open when closed, and set a managed whitelist that differs. */
export function planService(observed: ServiceState, whitelist: readonly string[] | undefined): ServiceChanges {
  const changes: ServiceChanges = { open: !observed.open };
  // Opening starts with an empty whitelist, so a declared one is sent after it either way.
  if (whitelist !== undefined && (changes.open || !sameSet(observed.whitelist, whitelist))) changes.whitelist = [...whitelist];
  return changes;
}

export interface ServiceRestore {
  close: boolean;
  whitelist?: string[];
}

/**
 * Destroy leaves the cluster as the resource found it: it closes the service only if the resource
 * opened it; otherwise it puts back the whitelist it found, if it managed the whitelist and it differs.
 */
export function planRestore(found: ServiceState, observed: ServiceState, managedWhitelist: boolean): ServiceRestore {
  if (!found.open) return { close: observed.open };
  if (!observed.open || !managedWhitelist || sameSet(observed.whitelist, found.whitelist)) return { close: false };
  return { close: false, whitelist: [...found.whitelist] };
}

export interface ServiceDiff {
  changes: boolean;
  replaces: string[];
  /** Why: input names, "open"/"whitelist" for observed drift, "target" for settings that moved. */
  changed: string[];
}

const SAME_KEYS = ["timeoutSeconds", "region", "projectId", "cloud", "endpoint", "endpointWithDnsName"] as const;

/** Old outputs against new checked inputs. Only the cluster id replaces. */
export function diffService(olds: Record<string, unknown>, news: Record<string, unknown>, currentTarget?: StoredTarget): ServiceDiff {
  if (news.clusterId === UNKNOWN || olds.clusterId !== news.clusterId) return { changes: true, replaces: ["clusterId"], changed: ["clusterId"] };
  const changed: string[] = [];
  const o: Record<string, unknown> = { ...olds, timeoutSeconds: olds.timeoutSeconds ?? 600 };
  const n: Record<string, unknown> = { ...news, timeoutSeconds: news.timeoutSeconds ?? 600 };
  for (const key of SAME_KEYS) if (n[key] === UNKNOWN || o[key] !== n[key]) changed.push(key);
  const ow = Array.isArray(o.whitelist) ? (o.whitelist as string[]) : undefined;
  const nw = n.whitelist === undefined || n.whitelist === null ? undefined : n.whitelist;
  if (containsUnknown(nw) || (ow === undefined) !== (nw === undefined) || (ow && Array.isArray(nw) && !sameSet(ow, nw as string[]))) changed.push("whitelist");
  const recorded = olds.target as StoredTarget | undefined;
  if (currentTarget && recorded && typeof recorded === "object" && !sameTarget(recorded, currentTarget)) changed.push("target");
  // Drift seen by the last refresh: closed behind Pulumi's back, or a managed whitelist changed.
  if (olds.open === false) changed.push("open");
  const observed = Array.isArray(olds.observedWhitelist) ? (olds.observedWhitelist as string[]) : undefined;
  if (!changed.includes("whitelist") && Array.isArray(nw) && !containsUnknown(nw) && observed && !sameSet(observed, nw as string[])) changed.push("observedWhitelist");
  return { changes: changed.length > 0, replaces: [], changed };
}
