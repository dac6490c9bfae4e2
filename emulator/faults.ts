/**
 * Fault injection: failNext(n, fault) queues faults; each matching call takes one.
 * A fault answers a status/code/body, resets the socket, or only delays the call.
 */
import * as http from "http";
import { cssError, gatewayError, JSON_TYPE, type Answer } from "./answers";
import { EmulatorInputError } from "./options";
import type { Fault } from "./types";

interface PendingFault {
  remaining: number;
  fault: Fault;
}

/** What to do with a call that took a fault (after its delay). */
export type FaultOutcome = { kind: "answer"; answer: Answer } | { kind: "reset" } | { kind: "proceed" };

/** The code a fault gets when it names only a status. */
function defaultFaultCode(status: number): string {
  switch (status) {
    case 400:
      return "CSS.0001";
    case 401:
      return "APIG.0301";
    case 403:
      return "CSS.0010";
    case 404:
      return "CSS.0015";
    case 409:
      return "CSS.0029";
    case 412:
      return "CSS.0011";
    case 429:
      return "APIG.0308";
    default:
      return "CSS.9999";
  }
}

export class FaultQueue {
  private faults: PendingFault[] = [];

  add(n: number, fault: Fault): void {
    if (!Number.isInteger(n) || n < 1) throw new EmulatorInputError("failNext: n must be an integer >= 1");
    this.faults.push({ remaining: n, fault: structuredClone(fault) });
  }

  clear(): void {
    this.faults = [];
  }

  pending(): { remaining: number; fault: Fault }[] {
    return structuredClone(this.faults);
  }

  /** The first queued fault that matches, counted down; IAM calls only get faults aimed at them. */
  take(method: string, path: string, iam: boolean): Fault | undefined {
    for (const pf of this.faults) {
      const m = pf.fault.match;
      if (m?.method !== undefined && m.method.toUpperCase() !== method) continue;
      if (m?.pathIncludes !== undefined && !path.includes(m.pathIncludes)) continue;
      if (iam && m?.pathIncludes === undefined) continue;
      pf.remaining--;
      if (pf.remaining <= 0) this.faults = this.faults.filter((x) => x !== pf);
      return pf.fault;
    }
    return undefined;
  }
}

/** What a fault does once its delay has passed. */
export function faultOutcome(fault: Fault, requestId: string): FaultOutcome {
  if (fault.reset) return { kind: "reset" };
  if (fault.status === undefined && fault.body === undefined) return { kind: "proceed" };
  const status = fault.status ?? 200;
  const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": fault.retryAfter } : {};
  let answer: Answer;
  if (fault.body !== undefined) {
    answer = { status, body: fault.body, contentType: fault.contentType ?? JSON_TYPE, headers };
    if (fault.code !== undefined) answer.errCode = fault.code;
  } else {
    const code = fault.code ?? defaultFaultCode(status);
    const message = fault.message ?? `injected fault: ${http.STATUS_CODES[status] ?? status}`;
    answer = /^APIGW?\./.test(code) ? { ...gatewayError(status, code, message, requestId), headers } : cssError(status, code, message, headers);
    if (fault.contentType !== undefined) answer.contentType = fault.contentType;
  }
  return { kind: "answer", answer };
}
