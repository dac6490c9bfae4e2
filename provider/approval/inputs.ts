/**
 * The approval's input validation and normalisation (pure: no I/O). `check` calls this; so does every
 * CRUD method, because state written by older provider code may lack defaults.
 */
import { UNKNOWN, checkCommonInputs, checkIdList, containsUnknown, copyCommonOptionals, domainIdProblem } from "../core/inputs";
import type { CheckFailure, CheckResult, Fail } from "../core/inputs";
import type { ApprovalAction } from "../core/types";
import { ApprovalInputs, SENSITIVE_INPUTS } from "./types";

const ACTIONS: readonly ApprovalAction[] = ["receive", "reject"];

/**
 * Validate raw approval inputs and apply defaults. Unknown values pass through untouched (never a
 * failure: preview must work when, for example, the endpoint ids come from a resource not yet created).
 */
export function checkInputs(news: Record<string, unknown>): CheckResult {
  const failures: CheckFailure[] = [];
  const fail: Fail = (property, reason) => failures.push({ property, reason });
  const out: Record<string, unknown> = { ...news };
  checkCommonInputs(news, out, fail, SENSITIVE_INPUTS);

  const hasDomains = checkIdList(news, "domainIds", out, fail, { what: "account (domain) IDs", nonEmpty: true, problem: domainIdProblem });
  const hasEndpoints = checkIdList(news, "endpointIds", out, fail, { what: "VPC endpoint IDs", nonEmpty: !hasDomains });
  if (!hasEndpoints && !hasDomains) {
    fail("endpointIds", "endpointIds or domainIds is required: a non-empty list of VPC endpoint IDs, or of the accounts whose endpoints to approve");
  }
  if (!hasEndpoints) out.endpointIds = [];

  const action = news.action ?? "receive";
  if (action !== UNKNOWN && !ACTIONS.includes(action as ApprovalAction)) {
    fail("action", `action must be "receive" or "reject", got ${JSON.stringify(action)}`);
  }
  out.action = action;

  const rejectOnDelete = news.rejectOnDelete ?? true;
  if (rejectOnDelete !== UNKNOWN && typeof rejectOnDelete !== "boolean") {
    fail("rejectOnDelete", `rejectOnDelete must be true or false, got ${JSON.stringify(rejectOnDelete)}`);
  }
  out.rejectOnDelete = rejectOnDelete;
  return { inputs: out, failures };
}

/**
 * Read fully-known, validated inputs out of a property bag (check's output, or state written by any
 * earlier version of this provider). Throws on anything `checkInputs` would reject.
 */
export function toApprovalInputs(props: Record<string, unknown>): ApprovalInputs {
  const { inputs, failures } = checkInputs(props);
  if (failures.length > 0) {
    throw new Error(`invalid inputs: ${failures.map((f) => f.reason).join("; ")}`);
  }
  if (containsUnknown(inputs)) throw new Error("inputs still contain unknown values");
  const result: ApprovalInputs = {
    clusterId: inputs.clusterId as string,
    endpointIds: inputs.endpointIds as string[],
    action: inputs.action as ApprovalAction,
    rejectOnDelete: inputs.rejectOnDelete as boolean,
    timeoutSeconds: inputs.timeoutSeconds as number,
  };
  copyCommonOptionals(inputs, result as unknown as Record<string, unknown>);
  if (Array.isArray(inputs.domainIds)) result.domainIds = [...(inputs.domainIds as string[])];
  return result;
}
