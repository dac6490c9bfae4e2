/** `VpcepService` input validation and normalisation (pure). */
import { UNKNOWN, checkCommonInputs, checkIdList, containsUnknown, copyCommonOptionals, domainIdProblem } from "../core/inputs";
import type { CheckFailure, CheckResult } from "../core/inputs";
import { SERVICE_SENSITIVE_INPUTS, ServiceInputs } from "./types";

/** Validate raw inputs and apply defaults; unknown values pass (preview). */
export function checkServiceInputs(news: Record<string, unknown>): CheckResult {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const out: Record<string, unknown> = { ...news };
  checkCommonInputs(news, out, fail, SERVICE_SENSITIVE_INPUTS);
  // An empty whitelist is valid: CSS then lets every account connect.
  checkIdList(news, "whitelist", out, fail, { what: "account (domain) IDs", nonEmpty: false, problem: domainIdProblem });
  const dns = news.endpointWithDnsName;
  if (dns !== undefined && dns !== null && dns !== UNKNOWN && typeof dns !== "boolean") {
    fail("endpointWithDnsName", `endpointWithDnsName must be true or false, got ${JSON.stringify(dns)}`);
  }
  return { inputs: out, failures };
}

/** Fully-known, validated inputs out of a property bag (check's output or state). Throws otherwise. */
export function toServiceInputs(props: Record<string, unknown>): ServiceInputs {
  const { inputs, failures } = checkServiceInputs(props);
  if (failures.length > 0) throw new Error(`invalid inputs: ${failures.map((f) => f.reason).join("; ")}`);
  const known = { clusterId: inputs.clusterId, whitelist: inputs.whitelist, endpointWithDnsName: inputs.endpointWithDnsName };
  if (containsUnknown(known)) throw new Error("inputs still contain unknown values");
  const result: ServiceInputs = { clusterId: inputs.clusterId as string, timeoutSeconds: inputs.timeoutSeconds as number };
  if (Array.isArray(inputs.whitelist)) result.whitelist = [...(inputs.whitelist as string[])];
  if (typeof inputs.endpointWithDnsName === "boolean") result.endpointWithDnsName = inputs.endpointWithDnsName;
  copyCommonOptionals(inputs, result as unknown as Record<string, unknown>);
  return result;
}
