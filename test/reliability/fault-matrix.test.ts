/**
 * The fault matrix: one create (check, then create, as the engine calls them) per fault, against the
 * emulator over real HTTP on 127.0.0.1. Each row records the outcome (converged, or the exact error
 * message), the calls the server saw, and the elapsed time against the operation's deadline
 * (`timeoutSeconds`). Every row must stay bounded: a finite number of calls, and never past the
 * deadline by more than SLACK_MS. Figures go to <figures>/fault-matrix.json (see support.ts).
 */
import * as net from "net";
import { performance } from "perf_hooks";
import { DEFAULT_USER } from "../../emulator";
import type { CssEmulator, RecordedRequest } from "../../emulator";
import { VpcepConnectionApprovalProvider, isCssApiError } from "../../provider";
import { SECRET_KEY, akskEnv, createVia, setEnv, startEmulator, statuses } from "../helpers/harness";
import { ChildEmulator, callBreakdown, captureStderr, issueToken, shiftedClockPreload, startChildEmulator, tempDir, waitUntil, writeFigures } from "./support";

jest.setTimeout(120_000);

/** Retry and poll timings for the matrix: short, but in the real API's proportions (base << cap << deadline). */
const TUNING = {
  CSS_VPCEP_RETRY_BASE_MS: "100",
  CSS_VPCEP_RETRY_MAX_MS: "800",
  CSS_VPCEP_POLL_BASE_MS: "100",
  CSS_VPCEP_POLL_MAX_MS: "800",
  // Well above what a loaded 2-core machine needs to answer on loopback (1 s once made a 503 row read
  // ECONNABORTED); the rows about slow answers set their own, shorter request timeout.
  CSS_VPCEP_REQUEST_TIMEOUT_MS: "3000",
  CSS_VPCEP_MAX_ATTEMPTS: "60",
};
/**
 * How far past the deadline an operation may end: event-loop and process overhead, including a
 * major GC of the jest process late in a --runInBand run (a CI run once saw a deadline timer fire
 * 553 ms late here).
 */
const SLACK_MS = 1000;
const DEADLINE_S = 4;

const HTML_502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
const HTML_504 = HTML_502.replace(/502 Bad Gateway/g, "504 Gateway Time-out");

interface Server {
  url: string;
  requests(): Promise<RecordedRequest[]>;
}

interface RowContext {
  emu: CssEmulator;
  cluster: string;
  provider: VpcepConnectionApprovalProvider;
  /** The server this row talks to (the shared emulator unless the row says otherwise). */
  server: Server;
}

interface Row {
  /** Short key, also the table's first column. */
  key: string;
  /** The fault, as the table describes it. */
  fault: string;
  /** How it is produced (emulator knob or environment). */
  how: string;
  timeoutSeconds?: number;
  env?: Record<string, string>;
  server?: () => Server;
  setup?: (ctx: RowContext) => void | Promise<void>;
  /** Runs alongside the operation (e.g. deletes the endpoint while the provider waits). */
  during?: (ctx: RowContext) => Promise<void>;
  cleanup?: (ctx: RowContext) => void | Promise<void>;
  expect: "converged" | RegExp;
  /** Upper bound on the calls the server may see. */
  maxCalls: number;
  minCalls?: number;
  /** The operation must take at least this long (e.g. Retry-After honoured). */
  minElapsedMs?: number;
}

export interface FaultFigure {
  key: string;
  fault: string;
  how: string;
  deadlineMs: number;
  outcome: "converged" | "error";
  message?: string;
  calls: number;
  breakdown: string;
  attempts?: number;
  retriesLogged: number;
  elapsedMs: number;
  /** elapsed - deadline: negative = ended before the deadline. */
  marginMs: number;
}

let emu: CssEmulator;
let restore: () => void;
let skewed: ChildEmulator;
let refusedUrl: string;
const figures: FaultFigure[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  restore = setEnv({ ...akskEnv(emu), ...TUNING });
  // A second emulator in its own process whose clock runs 20 minutes ahead: the provider's X-Sdk-Date
  // is then 20 minutes "behind", past the 15-minute rule, exactly as with a client whose clock is late.
  skewed = await startChildEmulator(["--cluster", "c-skew", "--endpoints", "ep-a"], ["-r", shiftedClockPreload(tempDir("css-vpcep-clock-"))], {
    CLOCK_OFFSET_MS: String(20 * 60 * 1000),
  });
  // A port nothing listens on: connection refused.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
  refusedUrl = `http://127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
}, 60_000);

afterAll(async () => {
  restore?.();
  await emu?.stop();
  await skewed?.stop();
  writeFigures("fault-matrix", { deadlineSlackMs: SLACK_MS, tuning: TUNING, rows: figures });
});

const inProcess = (): Server => ({ url: emu.url, requests: async () => [...emu.requests] });

/** Start a busy window on the cluster the way CSS does: make a change (accept ep-0). */
async function startBusyWindow(ctx: RowContext, busyMs: number): Promise<void> {
  emu.configure({ busyMs });
  await createVia(ctx.provider, { clusterId: ctx.cluster, endpointIds: ["ep-0"], endpoint: emu.url, timeoutSeconds: 10 });
}

const POST = { method: "POST" };
const GET = { method: "GET" };
const PASSWORD_ENV = { OS_ACCESS_KEY: "", OS_SECRET_KEY: "", OS_USERNAME: DEFAULT_USER.name, OS_PASSWORD: DEFAULT_USER.password, OS_DOMAIN_NAME: DEFAULT_USER.domainName };
let staticToken = "";

const ROWS: Row[] = [
  // ---- 409: the cluster is busy -----------------------------------------------------------------
  {
    key: "409-short",
    fault: "409 storm shorter than the deadline",
    how: "busyMs 1500 after a change (CSS.0029)",
    setup: (ctx) => startBusyWindow(ctx, 1500),
    cleanup: () => emu.configure({ busyMs: 0 }),
    expect: "converged",
    minCalls: 3,
    maxCalls: 40,
  },
  {
    key: "409-long",
    fault: "409 storm longer than the deadline",
    how: "busyMs 60000 after a change (CSS.0029)",
    timeoutSeconds: 3,
    setup: (ctx) => startBusyWindow(ctx, 60_000),
    cleanup: () => emu.configure({ busyMs: 0 }),
    expect: /^POST \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(HTTP 409 CSS\.0029\): receive 1 endpoint\(s\) on cluster c-fm-\d+: gave up after \d+ attempts in \d+\.\ds \(the deadline of 3s (would pass before the next retry|passed during attempt \d+)\); last answer: HTTP 409 CSS\.0029 Another operation is in progress on the cluster, try again later; request id [0-9a-f]{32}$/,
    maxCalls: 60,
  },
  {
    key: "202-CSS.0011",
    fault: "202 with CSS.0011 (another operation in progress)",
    how: "failNext(2, 202 CSS.0011) on POST",
    setup: () => emu.failNext(2, { status: 202, code: "CSS.0011", message: "Another operation is being performed", match: POST }),
    expect: "converged",
    minCalls: 4,
    maxCalls: 10,
  },
  {
    key: "400-CSS.5090",
    fault: "400 CSS.5090 (not allowed in the current status)",
    how: "failNext(2, 400 CSS.5090) on POST",
    setup: () => emu.failNext(2, { status: 400, code: "CSS.5090", message: "The operation is not allowed in the current cluster status", match: POST }),
    expect: "converged",
    minCalls: 4,
    maxCalls: 10,
  },
  // ---- 429: throttled --------------------------------------------------------------------------
  {
    key: "429-retry-after",
    fault: "429 with Retry-After: 1",
    how: "failNext(2, 429 APIG.0308, retryAfter 1) on POST",
    setup: () => emu.failNext(2, { status: 429, retryAfter: "1", match: POST }),
    expect: "converged",
    minElapsedMs: 2000,
    maxCalls: 8,
  },
  {
    key: "429-no-retry-after",
    fault: "429 without Retry-After",
    how: "failNext(3, 429 APIG.0308) on POST",
    setup: () => emu.failNext(3, { status: 429, match: POST }),
    expect: "converged",
    maxCalls: 10,
  },
  {
    key: "429-retry-after-past-deadline",
    fault: "429 with Retry-After beyond the deadline",
    how: "failNext(1, 429, retryAfter 30) on POST",
    setup: () => emu.failNext(1, { status: 429, retryAfter: "30", match: POST }),
    expect: /gave up after 1 attempt in \d+\.\ds \(the deadline of 4s (would pass before the next retry|passed during attempt \d+)\); last answer: HTTP 429 APIG\.0308 injected fault: Too Many Requests; request id [0-9a-f]{32}$/,
    maxCalls: 2,
  },
  // ---- 5xx ---------------------------------------------------------------------------------------
  {
    key: "500",
    fault: "500 Internal Server Error",
    how: "failNext(1, 500 CSS.9999) on POST",
    setup: () => emu.failNext(1, { status: 500, code: "CSS.9999", message: "Internal server error", match: POST }),
    expect: /^POST \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(HTTP 500 CSS\.9999\): Internal server error: the CSS service failed internally; try again later or contact the cloud's support with the request id; request id [0-9a-f]{32}$/,
    maxCalls: 2,
  },
  ...[502, 503, 504].map(
    (status): Row => ({
      key: String(status),
      fault: `${status} (transient)`,
      how: `failNext(3, ${status} CSS.9999) on any call`,
      setup: () => emu.failNext(3, { status, code: "CSS.9999" }),
      expect: "converged",
      minCalls: 5,
      maxCalls: 10,
    }),
  ),
  {
    key: "503-persistent",
    fault: "503 for longer than the deadline",
    how: "failNext(1000, 503) on any call",
    setup: () => emu.failNext(1000, { status: 503, code: "CSS.9999", message: "Service Unavailable" }),
    expect: /^GET \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(HTTP 503 CSS\.9999\): list connections of cluster c-fm-\d+: gave up after \d+ attempts in \d\.\ds \(the deadline of 4s (would pass before the next retry|passed during attempt \d+)\); last answer: HTTP 503 CSS\.9999 Service Unavailable; request id [0-9a-f]{32}$/,
    maxCalls: 60,
  },
  // ---- transport ---------------------------------------------------------------------------------
  {
    key: "reset",
    fault: "connection reset (transient)",
    how: "failNext(2, reset) on any call",
    setup: () => emu.failNext(2, { reset: true }),
    expect: "converged",
    minCalls: 4,
    maxCalls: 8,
  },
  {
    key: "reset-persistent",
    fault: "connection reset on every call",
    how: "failNext(1000, reset)",
    setup: () => emu.failNext(1000, { reset: true }),
    expect: /^GET \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(ECONNRESET\): list connections of cluster c-fm-\d+: gave up after \d+ attempts in \d\.\ds \(the deadline of 4s (would pass before the next retry|passed during attempt \d+)\); last answer: ECONNRESET socket hang up \(http:\/\/127\.0\.0\.1:\d+\)$/,
    maxCalls: 60,
  },
  {
    key: "slow-once",
    fault: "one response slower than the request timeout",
    how: "failNext(1, delayMs 2500) on POST; request timeout 1000 ms",
    env: { CSS_VPCEP_REQUEST_TIMEOUT_MS: "1000" },
    setup: () => emu.failNext(1, { delayMs: 2500, match: POST }),
    expect: "converged",
    minElapsedMs: 1000,
    maxCalls: 10,
  },
  {
    key: "slow-always",
    fault: "every response slower than the request timeout",
    how: "failNext(1000, delayMs 10000); request timeout 1000 ms",
    env: { CSS_VPCEP_REQUEST_TIMEOUT_MS: "1000" },
    setup: () => emu.failNext(1000, { delayMs: 10_000 }),
    // The operation's deadline, not a network fault, is what the user must act on: either our deadline
    // cut the last exchange short, or the retry loop stopped because the next wait would pass it.
    expect:
      /^(timed out after 4s \(timeoutSeconds=4\) (waiting for the connection list of CSS cluster c-fm-\d+|while waiting for an answer from http:\/\/127\.0\.0\.1:\d+); raise timeoutSeconds|GET \S+ failed \(ECONNABORTED\): list connections of cluster c-fm-\d+: gave up after \d+ attempts in \d\.\ds \(the deadline of 4s (would pass before the next retry|passed during attempt \d+)\); last answer: ECONNABORTED no answer from http:\/\/127\.0\.0\.1:\d+ within the request timeout)$/,
    maxCalls: 10,
  },
  {
    key: "refused",
    fault: "connection refused (nothing listening)",
    how: "endpoint = a closed port on 127.0.0.1",
    server: () => ({ url: refusedUrl, requests: async () => [] }),
    expect: /^GET \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(ECONNREFUSED\): connect ECONNREFUSED 127\.0\.0\.1:\d+ \(http:\/\/127\.0\.0\.1:\d+\): check region, cloud and endpoint, and HTTPS_PROXY if you need a proxy$/,
    maxCalls: 0,
  },
  // ---- unreadable bodies -------------------------------------------------------------------------
  {
    key: "malformed-json",
    fault: "malformed JSON body (200)",
    how: 'failNext(2, 200 body \'{"connections": [\') on GET',
    setup: () => emu.failNext(2, { status: 200, body: '{"connections": [', match: GET }),
    expect: "converged",
    minCalls: 4,
    maxCalls: 10,
  },
  {
    key: "malformed-json-persistent",
    fault: "malformed JSON on every listing",
    how: "failNext(1000, 200 malformed) on GET",
    setup: () => emu.failNext(1000, { status: 200, body: '{"connections": [', match: GET }),
    expect: /^GET \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(HTTP 200\): list connections of cluster c-fm-\d+: gave up after \d+ attempts in \d\.\ds \(the deadline of 4s (would pass before the next retry|passed during attempt \d+)\); last answer: HTTP 200 unreadable response body: \{"connections": \[; request id [0-9a-f]{32}$/,
    maxCalls: 60,
  },
  {
    key: "empty-body",
    fault: "empty body (200)",
    how: 'failNext(2, 200 body "") on GET',
    setup: () => emu.failNext(2, { status: 200, body: "", match: GET }),
    expect: "converged",
    minCalls: 4,
    maxCalls: 10,
  },
  {
    key: "html-502",
    fault: "HTML error page from a gateway (502)",
    how: "failNext(2, 502 text/html nginx page)",
    setup: () => emu.failNext(2, { status: 502, body: HTML_502, contentType: "text/html" }),
    expect: "converged",
    minCalls: 4,
    maxCalls: 10,
  },
  {
    key: "html-504-persistent",
    fault: "HTML gateway page (504) on every call",
    how: "failNext(1000, 504 text/html nginx page)",
    setup: () => emu.failNext(1000, { status: 504, body: HTML_504, contentType: "text/html" }),
    expect: /^GET \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(HTTP 504\): list connections of cluster c-fm-\d+: gave up after \d+ attempts in \d\.\ds \(the deadline of 4s (would pass before the next retry|passed during attempt \d+)\); last answer: HTTP 504 504 Gateway Time-out; request id [0-9a-f]{32}$/,
    maxCalls: 60,
  },
  // ---- authentication ----------------------------------------------------------------------------
  {
    key: "401-expired-token-renewed",
    fault: "401: IAM token expired (username/password)",
    how: "expireTokens() after a token was cached",
    env: PASSWORD_ENV,
    setup: async (ctx) => {
      await createVia(ctx.provider, { clusterId: ctx.cluster, endpointIds: ["ep-0"], endpoint: emu.url });
      emu.expireTokens();
    },
    expect: "converged",
    minCalls: 3,
    maxCalls: 8,
  },
  {
    key: "401-expired-static-token",
    fault: "401: static token (OS_AUTH_TOKEN) expired",
    how: "token issued, then expireTokens()",
    env: { OS_ACCESS_KEY: "", OS_SECRET_KEY: "" },
    setup: async () => {
      staticToken = await issueToken(emu.url, DEFAULT_USER, emu.projectId);
      process.env.OS_AUTH_TOKEN = staticToken;
      emu.expireTokens();
    },
    cleanup: () => {
      delete process.env.OS_AUTH_TOKEN;
    },
    expect: /^GET \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(HTTP 401 APIG\.0301\): Incorrect IAM authentication information: token expired: check the credentials \(access key\/secret key, token, or username\/password\) and, for AK\/SK, the machine's clock \(X-Sdk-Date must be within 15 minutes of server time; five failed attempts in a row lock the key for 5 minutes\); request id [0-9a-f]{32}$/,
    maxCalls: 1,
  },
  {
    key: "401-renewal-rejected",
    fault: "401 that persists after a token renewal",
    how: "failNext(1000, 401 APIG.0301) on the CSS API; IAM answers normally",
    env: PASSWORD_ENV,
    setup: () => emu.failNext(1000, { status: 401, code: "APIG.0301", message: "Incorrect IAM authentication information: token expired", match: { pathIncludes: "/vpcepservice" } }),
    expect: /^GET \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(HTTP 401 APIG\.0301\): Incorrect IAM authentication information: token expired: check the credentials/,
    maxCalls: 4,
  },
  {
    key: "401-bad-signature",
    fault: "401: signature rejected (wrong secret key)",
    how: "OS_SECRET_KEY wrong",
    env: { OS_SECRET_KEY: "not-the-secret-key" },
    expect: /^GET \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(HTTP 401 APIG\.0301\): Incorrect IAM authentication information: verify aksk signature fail: check the credentials/,
    maxCalls: 1,
  },
  {
    key: "401-clock-skew",
    fault: "401: signature rejected for clock skew",
    how: "emulator in its own process with its clock 20 min ahead (15-min rule)",
    server: () => ({ url: skewed.url, requests: () => skewed.requests() }),
    setup: async () => {
      await skewed.control("DELETE", "/requests");
    },
    expect: /^GET \/v1\.0\/\w+\/clusters\/c-fm-\d+\/vpcepservice\/connections failed \(HTTP 401 APIG\.0301\): Incorrect IAM authentication information: X-Sdk-Date \d{8}T\d{6}Z differs from server time by more than 900 s: check the credentials \(access key\/secret key, token, or username\/password\) and, for AK\/SK, the machine's clock \(X-Sdk-Date must be within 15 minutes of server time;/,
    maxCalls: 1,
  },
  // ---- answers that do not need a retry ----------------------------------------------------------
  {
    key: "403",
    fault: "403 not authorized (CSS.0010)",
    how: "failNext(1, 403 CSS.0010) on POST",
    setup: () => emu.failNext(1, { status: 403, code: "CSS.0010", message: "Not authorized", match: POST }),
    expect: /failed \(HTTP 403 CSS\.0010\): Not authorized: the credentials lack permission: grant css:VPCEndpoint:manageConnection \(Huawei IAM\) or the CSS admin role; request id [0-9a-f]{32}$/,
    maxCalls: 2,
  },
  {
    key: "412",
    fault: "412 cluster not available",
    how: "setClusterAvailable(false)",
    setup: (ctx) => emu.setClusterAvailable(ctx.cluster, false),
    expect: /failed \(HTTP 412 CSS\.0011\): Cluster c-fm-\d+ is not available \(status 303\); wait until it is available and retry: is the VPC endpoint service enabled on the cluster, and is the cluster available \(not being created, restarted or frozen\)\?; request id [0-9a-f]{32}$/,
    maxCalls: 2,
  },
  // ---- the POST succeeds but the endpoint does not follow ----------------------------------------
  {
    key: "frozen",
    fault: "POST 200 but the status never changes",
    how: "freezeStatuses: true",
    timeoutSeconds: 3,
    setup: () => emu.configure({ freezeStatuses: true }),
    cleanup: () => emu.configure({ freezeStatuses: false }),
    expect: /^timed out after \ds \(timeoutSeconds=3\) waiting on CSS cluster c-fm-\d+: ep-a is "pendingAcceptance" \(want "accepted"\)\. Raise timeoutSeconds, or check the endpoints in the CSS console\.$/,
    maxCalls: 30,
  },
  {
    key: "endpoint-vanishes",
    fault: "endpoint deleted while the provider waits for it",
    how: "applyDelayMs 1500, removeConnection after the POST",
    setup: () => emu.configure({ applyDelayMs: 1500 }),
    during: async (ctx) => {
      await waitUntil(() => emu.count({ method: "POST", clusterId: ctx.cluster, status: 200 }) > 0, 5_000, "the POST");
      await new Promise((r) => setTimeout(r, 200));
      emu.removeConnection(ctx.cluster, "ep-a");
    },
    cleanup: () => emu.configure({ applyDelayMs: 0 }),
    expect: /^VPC endpoint\(s\) ep-a disappeared from CSS cluster c-fm-\d+ while waiting for them to be accepted; was the endpoint deleted\?$/,
    minCalls: 3,
    maxCalls: 20,
  },
];

let clusterSeq = 0;

describe("fault matrix (one create per fault, deadline-bounded)", () => {
  it.each(ROWS.map((r) => [r.key, r] as const))("%s", async (_key, row) => {
    const cluster = `c-fm-${++clusterSeq}`;
    emu.addCluster(cluster, { endpoints: ["ep-0", "ep-a"] });
    const undoEnv = row.env ? setEnv({ ...akskEnv(emu), ...TUNING, ...row.env }) : () => undefined;
    const provider = new VpcepConnectionApprovalProvider();
    const server = row.server?.() ?? inProcess();
    const ctx: RowContext = { emu, cluster, provider, server };
    const deadlineMs = (row.timeoutSeconds ?? DEADLINE_S) * 1000;
    let capture: ReturnType<typeof captureStderr> | undefined;
    try {
      await row.setup?.(ctx);
      emu.clearRequests();
      capture = captureStderr();
      const started = performance.now();
      const operation = createVia(provider, { clusterId: cluster, endpointIds: ["ep-a"], endpoint: server.url, timeoutSeconds: deadlineMs / 1000 });
      const [result] = await Promise.allSettled([operation, row.during?.(ctx)]);
      const elapsedMs = Math.round(performance.now() - started);
      capture.stop();
      const requests = await server.requests();
      const err = result.status === "rejected" ? (result.reason as Error) : undefined;
      const figure: FaultFigure = {
        key: row.key,
        fault: row.fault,
        how: row.how,
        deadlineMs,
        outcome: err ? "error" : "converged",
        calls: requests.length,
        breakdown: callBreakdown(requests),
        retriesLogged: capture.lines.filter((l) => l.includes("retrying")).length,
        elapsedMs,
        marginMs: elapsedMs - deadlineMs,
      };
      if (err) figure.message = err.message;
      if (err && isCssApiError(err) && err.attempts !== undefined) figure.attempts = err.attempts;
      figures.push(figure);

      // Bounded: never past the deadline, never an unbounded number of calls.
      expect(elapsedMs).toBeLessThanOrEqual(deadlineMs + SLACK_MS);
      expect(requests.length).toBeLessThanOrEqual(row.maxCalls);
      if (row.minCalls !== undefined) expect(requests.length).toBeGreaterThanOrEqual(row.minCalls);
      if (row.minElapsedMs !== undefined) expect(elapsedMs).toBeGreaterThanOrEqual(row.minElapsedMs);
      if (row.expect === "converged") {
        expect(err?.message).toBeUndefined();
        expect(statuses(emu, cluster)["ep-a"]).toBe("accepted");
      } else {
        expect(err?.message).toMatch(row.expect);
        // No credential in any message (the matrix runs with the emulator's AK/SK and password).
        for (const secret of [SECRET_KEY, DEFAULT_USER.password, staticToken].filter(Boolean)) expect(err?.message).not.toContain(secret);
      }
      // Every retry the provider made was logged, with the request id when the server gave one.
      for (const line of capture.lines.filter((l) => l.includes("retrying"))) {
        expect(line).toMatch(/attempt \d+ failed: /);
        if (/HTTP \d+/.test(line) && !line.includes("HTTP 200")) expect(line).toMatch(/request id [0-9a-f]{32}/);
      }
    } finally {
      capture?.stop();
      emu.clearFaults();
      await row.cleanup?.(ctx);
      undoEnv();
    }
  });
});
