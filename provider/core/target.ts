/**
 * Comparing where the API is reached (pure). Plans use it to tell a settings change (an update that
 * changes nothing in the cloud) from an unchanged resource; it lives apart from settings.ts, which
 * resolves credentials, so that pure planning imports nothing that does.
 */
import type { StoredTarget } from "./types";

export function sameTarget(a: StoredTarget, b: StoredTarget): boolean {
  return a.cloud === b.cloud && a.region === b.region && a.projectId === b.projectId && a.baseUrl === b.baseUrl;
}
