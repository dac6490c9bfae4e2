/**
 * The naive baseline: what a reasonable one-resource-at-a-time tool does (the Terraform resources
 * that touch this API, a script per endpoint). Each resource sends its own signed POST, retries it
 * with p-retry's exponential backoff on 409 (and nothing else), then polls GET until its own
 * endpoints show the target status. No coordination between resources.
 *
 * Fair by construction: same HTTP stack (axios), same signer (provider/core/auth/signer.ts), same base
 * and cap of the retry backoff and of the poll backoff, same attempt bound as the provider. The
 * only jitter is p-retry's own `randomize` (a factor in [1, 2]), which spreads concurrent clients;
 * p-retry's default (no jitter) makes every client retry in lock-step and is strictly worse.
 */
import axios, { AxiosInstance } from "axios";
import pRetry = require("p-retry");
import { formatSdkDate, sign } from "../provider/core/auth/signer";
import type { ApprovalAction } from "../provider";
import type { Tuning } from "./tuning";

export interface NaiveSettings {
  baseUrl: string;
  projectId: string;
  accessKey: string;
  secretKey: string;
  /** p-retry: minTimeout = baseMs, maxTimeout = capMs, retries = maxAttempts - 1, factor 2. */
  retry: { baseMs: number; capMs: number; maxAttempts: number };
  /** Poll delay after the n-th unfinished look: min(capMs, baseMs * 2^(n-1)); the first look is immediate. */
  poll: { baseMs: number; capMs: number };
  /** Give up waiting for a status after this long. */
  timeoutMs: number;
}

export function naiveSettingsFor(baseUrl: string, projectId: string, accessKey: string, secretKey: string, t: Tuning): NaiveSettings {
  return {
    baseUrl,
    projectId,
    accessKey,
    secretKey,
    retry: { baseMs: t.retryBaseMs, capMs: t.retryMaxMs, maxAttempts: t.maxAttempts },
    poll: { baseMs: t.pollBaseMs, capMs: t.pollMaxMs },
    timeoutMs: 600_000,
  };
}

interface Reply {
  status: number;
  text: string;
}

const PAGE = 1000;

export class NaiveClient {
  private readonly http: AxiosInstance;

  constructor(private readonly s: NaiveSettings) {
    this.http = axios.create({
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      transformRequest: [(data: unknown) => data],
      maxRedirects: 0,
    });
  }

  private path(clusterId: string): string {
    return `/v1.0/${encodeURIComponent(this.s.projectId)}/clusters/${encodeURIComponent(clusterId)}/vpcepservice/connections`;
  }

  /** One SDK-HMAC-SHA256 signed exchange. */
  private async request(method: "GET" | "POST", path: string, query: Record<string, string | number>, body?: unknown): Promise<Reply> {
    const url = new URL(this.s.baseUrl + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const text = body === undefined ? "" : JSON.stringify(body);
    const headers: Record<string, string> = { Host: url.host, "X-Sdk-Date": formatSdkDate(new Date()), "X-Project-Id": this.s.projectId };
    if (text) headers["Content-Type"] = "application/json;charset=utf8";
    headers["Authorization"] = sign({ method, url: url.toString(), headers, body: text }, this.s.accessKey, this.s.secretKey).authorization;
    const res = await this.http.request<string>({ method, url: url.toString(), headers, data: text || undefined, timeout: 30_000 });
    return { status: res.status, text: typeof res.data === "string" ? res.data : "" };
  }

  /** POST the action for these endpoints; retried with p-retry on 409 only. */
  async post(clusterId: string, action: ApprovalAction, endpointIds: readonly string[]): Promise<void> {
    const { baseMs, capMs, maxAttempts } = this.s.retry;
    await pRetry(
      async () => {
        const r = await this.request("POST", this.path(clusterId), {}, { action, endpoint_id_list: [...endpointIds] });
        if (r.status === 409) throw new Error(`HTTP 409 ${r.text}`);
        if (r.status < 200 || r.status >= 300) throw new pRetry.AbortError(`POST ${action} on ${clusterId}: HTTP ${r.status} ${r.text}`);
      },
      { retries: maxAttempts - 1, factor: 2, minTimeout: baseMs, maxTimeout: capMs, randomize: true },
    );
  }

  /** Every connection's status (paged by offset/limit until total_count). */
  async statuses(clusterId: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let offset = 0; ; ) {
      const r = await this.request("GET", this.path(clusterId), { offset, limit: PAGE });
      if (r.status !== 200) throw new Error(`GET connections of ${clusterId}: HTTP ${r.status} ${r.text}`);
      const body = JSON.parse(r.text) as { connections?: { id: string; status: string }[]; total_count?: number };
      const rows = body.connections ?? [];
      for (const c of rows) out.set(c.id, c.status);
      offset += rows.length;
      if (rows.length === 0 || rows.length < PAGE || (body.total_count !== undefined && offset >= body.total_count)) return out;
    }
  }

  /** Poll until every endpoint shows its target status; resolves with the last listing's statuses. */
  async waitFor(clusterId: string, targets: ReadonlyMap<string, string>): Promise<Map<string, string>> {
    const started = Date.now();
    for (let look = 1; ; look++) {
      const seen = await this.statuses(clusterId);
      if ([...targets].every(([id, want]) => seen.get(id) === want)) return seen;
      if (Date.now() - started > this.s.timeoutMs) throw new Error(`timed out waiting on ${clusterId}`);
      const { baseMs, capMs } = this.s.poll;
      await new Promise((r) => setTimeout(r, Math.min(capMs, baseMs * 2 ** (look - 1))));
    }
  }

  /** One resource's operation: POST, then wait for its own endpoints. */
  async apply(clusterId: string, action: ApprovalAction, endpointIds: readonly string[]): Promise<Map<string, string>> {
    await this.post(clusterId, action, endpointIds);
    return this.waitFor(clusterId, new Map(endpointIds.map((id) => [id, action === "receive" ? "accepted" : "rejected"])));
  }
}
