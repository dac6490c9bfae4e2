/**
 * The lookup's argument checks (pure: no I/O), built on the shared ones in core/inputs.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { namedError } from "../core/errors";
import { CLUSTER_ID_PATTERN, DEFAULT_TIMEOUT_SECONDS, endpointUrlProblem, regionProblem } from "../core/inputs";
import type { Cloud } from "../core/types";
import type { GetVpcepConnectionsArgs } from "./types";

export type CheckedArgs = Omit<GetVpcepConnectionsArgs, "timeoutSeconds"> & { timeoutSeconds: number };

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
