/**
 * Secret hygiene. No access key, secret key, security token, password or IAM token may appear in
 * state, in the serialized provider, in an error message (message, stack, or anything util.inspect
 * shows), or in a log line, with CSS_VPCEP_DEBUG=1, on the success paths and the error paths (auth
 * failures, IAM failures, servers that echo credentials). Auth headers are redacted wherever a
 * request is logged. TLS is never switched off: an untrusted certificate fails once, with a message
 * that names NODE_EXTRA_CA_CERTS; with NODE_EXTRA_CA_CERTS set (a fresh process) it works.
 * Figures go to <figures>/secrets.json.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as path from "path";
import * as util from "util";
import * as pulumi from "@pulumi/pulumi";
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApproval, VpcepConnectionApprovalProvider, isCssApiError } from "../../provider";
import type { ApprovalOutputs } from "../../provider";
import { redactLine } from "../../provider/core/log";
import { createVia, setEnv, startEmulator, statuses, updateVia } from "../helpers/harness";
import { TestBackend, backendText, inlineStack, newBackend, pulumiBinDir } from "../helpers/pulumi";
import { REPO_ROOT, captureStderr, issueToken, runNode, tempDir, writeFigures } from "./support";

jest.setTimeout(180_000);

// Distinctive values: any occurrence anywhere is a leak.
const AK = "AKRELIABILITYLEAK0001";
const SK = "sk-reliability-leak-0001-Zq9";
const ST = "st-reliability-leak-0001-Xw7";
const USER = { name: "rel-user", password: "pw-reliability-leak-0001-Ty3", domainName: "rel-domain" };
/** IAM tokens the emulator issued during the run (collected from the requests it saw). */
const issuedTokens = new Set<string>();

let emu: CssEmulator;
let restore: () => void;
let logs: ReturnType<typeof captureStderr>;
const figures: Record<string, unknown> = {};

/** The one listener that is not TLS: the plugin's gRPC server, bound to loopback for the engine. */
const LOOPBACK_LISTENER = /bindAsync\(\s*"127\.0\.0\.1:0",\s*grpc\.ServerCredentials\.createInsecure\(\)/g;
/** Source that switches outgoing TLS verification off, or listens without TLS beyond loopback. */
function turnsTlsVerificationOff(source: string): boolean {
  return /rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity|insecure/i.test(source.replace(LOOPBACK_LISTENER, ""));
}
const checks: { where: string; what: string; leaks: string[] }[] = [];
figures.checks = checks;

function secrets(): string[] {
  for (const r of emu.requests) if (r.headers["x-auth-token"]) issuedTokens.add(r.headers["x-auth-token"]);
  return [AK, SK, ST, USER.password, ...issuedTokens];
}

/** Record a scan and fail on any secret found in `text`. */
function scan(where: string, what: string, text: string): void {
  const leaks = secrets().filter((s) => text.includes(s));
  checks.push({ where, what, leaks: leaks.map((l) => `${l.slice(0, 6)}…`) });
  expect({ where, what, leaks }).toEqual({ where, what, leaks: [] });
}

/** Everything an error carries: message, stack, own properties, what util.inspect (console.error) prints. */
function errorText(err: unknown): string {
  const e = err as Error;
  return [e?.message, e?.stack, util.inspect(err, { depth: 6, showHidden: true }), JSON.stringify(err)].join("\n");
}

const AKSK_ENV = () => ({ OS_ACCESS_KEY: AK, OS_SECRET_KEY: SK, OS_SECURITY_TOKEN: ST, OS_PROJECT_ID: emu.projectId, CSS_VPCEP_DEBUG: "1" });
const PASSWORD_ENV = () => ({ OS_USERNAME: USER.name, OS_PASSWORD: USER.password, OS_DOMAIN_NAME: USER.domainName, OS_PROJECT_ID: emu.projectId, CSS_VPCEP_DEBUG: "1" });
/** On top of AKSK_ENV (as `failing` applies it): the keys cleared, so username/password is used. */
const PASSWORD_ONLY = () => ({ ...PASSWORD_ENV(), OS_ACCESS_KEY: "", OS_SECRET_KEY: "", OS_SECURITY_TOKEN: "" });

beforeAll(async () => {
  emu = await startEmulator({ keys: [{ accessKey: AK, secretKey: SK, securityToken: ST }], users: [USER] });
  emu.addCluster("c-sec", { endpoints: ["ep-1", "ep-2", "ep-3"] });
  restore = setEnv(AKSK_ENV());
  logs = captureStderr();
});
afterAll(async () => {
  logs?.stop();
  restore?.();
  await emu?.stop();
  writeFigures("secrets", figures);
});

describe("in-process, CSS_VPCEP_DEBUG=1, every stderr line captured", () => {
  const props = (over: Record<string, unknown> = {}) => ({ clusterId: "c-sec", endpointIds: ["ep-1"], endpoint: emu.url, timeoutSeconds: 5, ...over });
  const errors: { path: string; message: string }[] = [];
  figures.errorPaths = errors;

  async function failing(pathName: string, env: Record<string, string>, run: (p: VpcepConnectionApprovalProvider) => Promise<unknown>, expected: RegExp): Promise<void> {
    const undo = setEnv({ ...AKSK_ENV(), ...env });
    try {
      const err = await run(new VpcepConnectionApprovalProvider()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      expect((err as Error).message).toMatch(expected);
      errors.push({ path: pathName, message: (err as Error).message });
      scan("error", pathName, errorText(err));
    } finally {
      undo();
      emu.clearFaults();
    }
  }

  it("AK/SK with a security token: create, read, update, delete", async () => {
    const p = new VpcepConnectionApprovalProvider();
    const { id, outs } = await createVia(p, props());
    const read = await p.read(id, outs);
    const { outs: next } = await updateVia(p, id, outs, props({ endpointIds: ["ep-1", "ep-2"] }));
    await p.delete(id, next as ApprovalOutputs);
    expect(statuses(emu, "c-sec")).toMatchObject({ "ep-1": "rejected", "ep-2": "rejected" });
    expect(emu.requests.some((r) => r.headers["x-security-token"] === ST)).toBe(true);
    scan("outputs", "create/read/update (AK/SK + security token)", JSON.stringify([outs, read, next]));
  });

  it("username/password: create, renewal after the token expired, read, delete", async () => {
    const undo = setEnv(PASSWORD_ENV());
    try {
      const p = new VpcepConnectionApprovalProvider();
      const { id, outs } = await createVia(p, props({ endpointIds: ["ep-3"] }));
      emu.expireTokens();
      const read = await p.read(id, outs);
      await p.delete(id, outs);
      expect(emu.count({ pathIncludes: "/v3/auth/tokens", status: 201 })).toBeGreaterThanOrEqual(2);
      scan("outputs", "create/read (username/password)", JSON.stringify([outs, read]));
    } finally {
      undo();
    }
  });

  it("an IAM token (OS_AUTH_TOKEN): create and delete", async () => {
    emu.clearRequests();
    const token = await issueToken(emu.url, USER, emu.projectId);
    issuedTokens.add(token);
    const undo = setEnv({ OS_AUTH_TOKEN: token, OS_PROJECT_ID: emu.projectId, CSS_VPCEP_DEBUG: "1" });
    try {
      const p = new VpcepConnectionApprovalProvider();
      const { id, outs } = await createVia(p, props({ endpointIds: ["ep-2"] }));
      await p.delete(id, outs);
      expect(emu.requests.filter((r) => !r.path.includes("/v3/auth/tokens")).every((r) => r.auth === "token")).toBe(true);
      scan("outputs", "create (token)", JSON.stringify(outs));
    } finally {
      undo();
    }
  });

  it("error paths: auth failures, IAM failures, servers echoing credentials", async () => {
    await failing("wrong secret key (401 signature)", { OS_SECRET_KEY: `${SK}-wrong` }, (p) => createVia(p, props()), /HTTP 401 APIG\.0301.*verify aksk signature fail/);
    await failing("temporary key without its security token (401)", { OS_SECURITY_TOKEN: "" }, (p) => createVia(p, props()), /HTTP 401 APIG\.0301.*temporary access key used without X-Security-Token/);
    await failing(
      "wrong password (IAM 401), after the cached token was revoked",
      { ...PASSWORD_ONLY(), OS_PASSWORD: `${USER.password}-wrong` },
      (p) => {
        emu.expireTokens();
        return createVia(p, props());
      },
      /HTTP 401 IAM\.401\): The username or password is wrong\.: IAM rejected the username\/password for user "rel-user" in domain "rel-domain"/);
    await failing("password scoped to a foreign project (IAM 403)", { ...PASSWORD_ONLY(), OS_PROJECT_ID: "0000aaaa0000aaaa0000aaaa0000aaaa" }, (p) => createVia(p, props()), /HTTP 403 IAM\.403\): No access to project 0000aaaa0000aaaa0000aaaa0000aaaa\./);
    await failing(
      "IAM unavailable (503 until the deadline)",
      { ...PASSWORD_ONLY(), OS_USERNAME: "rel-user-2", OS_PASSWORD: `${USER.password}-2` },
      (p) => {
        emu.failNext(1000, { status: 503, match: { pathIncludes: "/v3/auth/tokens" } });
        return createVia(p, props({ timeoutSeconds: 2 }));
      },
      /IAM token request: gave up after \d+ attempts/,
    );
    await failing(
      "gateway error that echoes the request's credentials",
      {},
      (p) => {
        emu.failNext(1, { status: 400, code: "APIG.0201", message: `bad request: Authorization: SDK-HMAC-SHA256 Access=${AK}, Signature=x; X-Security-Token: ${ST}; sk=${SK}` });
        return createVia(p, props());
      },
      /HTTP 400 APIG\.0201\): bad request: Authorization: SDK-HMAC-SHA256 Access=\*\*\*, Signature=x; X-Security-Token: \*\*\*; sk=\*\*\*; request id/,
    );
    await failing(
      "HTML page that echoes the credentials (200, unreadable)",
      {},
      (p) => {
        emu.failNext(1000, { status: 200, body: `<html><body>debug: ${AK} ${SK} ${ST}</body></html>`, contentType: "text/html", match: { method: "GET" } });
        return createVia(p, props({ timeoutSeconds: 1 }));
      },
      /unreadable response body: debug: \*\*\* \*\*\* \*\*\*/,
    );
    await failing("AK without a secret key (configuration)", { OS_SECRET_KEY: "" }, (p) => createVia(p, props()), /^both an access key and a secret key are needed/);
  });

  it("error path: a server that echoes the IAM token it was sent", async () => {
    const undo = setEnv(PASSWORD_ENV());
    try {
      const p = new VpcepConnectionApprovalProvider();
      emu.clearRequests();
      await createVia(p, props({ endpointIds: ["ep-1"] })); // caches a token
      const token = emu.requests.find((r) => r.headers["x-auth-token"])?.headers["x-auth-token"] as string;
      expect(token).toMatch(/^MIIemu/);
      emu.failNext(1, { status: 400, code: "APIG.0201", message: `Incorrect token ${token} for this API` });
      const err = await createVia(p, props({ endpointIds: ["ep-1"] })).catch((e: unknown) => e);
      errors.push({ path: "gateway error that echoes the IAM token", message: (err as Error).message });
      scan("error", "gateway error that echoes the IAM token (username/password auth)", errorText(err));
    } finally {
      undo();
      emu.clearFaults();
    }
  });

  it("the serialized provider holds no credential after all of the above", async () => {
    const p = new VpcepConnectionApprovalProvider();
    await createVia(p, props());
    const text = (await pulumi.runtime.serializeFunction(() => p, { allowSecrets: false })).text;
    figures.serializedProviderBytes = text.length;
    scan("serialized provider", "__provider text after use", text);
  });

  it("no log line holds a credential (debug on), and debug logging did run", () => {
    const text = logs.text();
    const lines = logs.lines;
    figures.logLines = { total: lines.length, debug: lines.filter((l) => l.includes("debug:")).length, warning: lines.filter((l) => l.includes("warning:")).length, info: lines.filter((l) => l.includes("info:")).length };
    expect(lines.filter((l) => /\[css-vpcep\] debug: GET \/v1\.0\/\w+\/clusters\/c-sec\/vpcepservice\/connections\?offset=0&limit=1000 -> 200 in \d+ ms \(request id [0-9a-f]{32}\)/.test(l)).length).toBeGreaterThan(5);
    scan("logs", `${lines.length} stderr lines`, text);
  });
});

describe("redactLine: auth headers are redacted in every form a request dump takes", () => {
  // An IAM-issued token is not a configured secret: only the header rule can catch it.
  const token = "MIIexampleIssuedToken0123456789";
  const samples: Record<string, string> = {
    "HTTP header": `Authorization: SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=0a1b`,
    "HTTP header, lower case": `x-auth-token: ${token}`,
    "X-Security-Token": `X-Security-Token: ${ST}`,
    "X-Subject-Token (IAM answer)": `X-Subject-Token: ${token}`,
    JSON: JSON.stringify({ Authorization: `SDK-HMAC-SHA256 Access=${AK}, Signature=0a1b`, "X-Auth-Token": token, "X-Security-Token": ST }),
    "util.inspect (console.error of an axios config)": util.inspect({ headers: { Authorization: `SDK-HMAC-SHA256 Access=${AK}, Signature=0a1b`, "X-Auth-Token": token, "X-Security-Token": ST } }),
  };
  const rows: { form: string; redacted: string }[] = [];
  figures.redaction = rows;

  it.each(Object.entries(samples))("%s", (form, line) => {
    const redacted = redactLine(line, []);
    rows.push({ form, redacted });
    for (const value of [token, ST, "Signature=0a1b", `Access=${AK}`]) expect(redacted).not.toContain(value);
  });
});

describe("TLS: never switched off; an untrusted certificate fails clearly, once", () => {
  let dir: string;
  let cert: string;
  let server: https.Server;
  let url: string;
  let tlsConnections = 0;

  beforeAll(async () => {
    dir = tempDir("css-vpcep-tls-");
    cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    // A TLS front for the emulator: forwards every request as received (the Host header too, so
    // signatures made for https://127.0.0.1:<port> verify).
    server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
      const target = new URL(emu.url);
      const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    server.on("connection", () => tlsConnections++);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("no code in provider/ turns verification off", () => {
    const files: string[] = [];
    const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
    walk(path.join(REPO_ROOT, "provider"));
    const offenders = files.filter((f) => turnsTlsVerificationOff(fs.readFileSync(f, "utf8")));
    figures.tlsSourceScan = { files: files.length, offenders };
    expect(offenders).toEqual([]);
  });

  it("the scan above flags every way to switch verification off, and passes only the plugin's loopback listener", () => {
    const flagged = [
      "new https.Agent({ rejectUnauthorized: false })",
      'process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"',
      "tls.connect({ checkServerIdentity: () => undefined })",
      "http.request({ insecureHTTPParser: true })",
      "new Client(addr, grpc.credentials.createInsecure())",
      'server.bindAsync("0.0.0.0:0", grpc.ServerCredentials.createInsecure(), cb)',
      'server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), cb); axios.create({ httpsAgent: new https.Agent({ rejectUnauthorized: false }) })',
    ];
    expect(flagged.filter((src) => !turnsTlsVerificationOff(src))).toEqual([]);
    // The engine talks to a provider plugin over plain gRPC on loopback, as it does to every plugin.
    expect(turnsTlsVerificationOff('server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), cb)')).toBe(false);
    const server = fs.readFileSync(path.join(REPO_ROOT, "provider/plugin/server.ts"), "utf8");
    expect(server).toMatch(LOOPBACK_LISTENER);
  });

  it("a self-signed certificate fails at once with a message naming NODE_EXTRA_CA_CERTS; nothing retried", async () => {
    emu.clearRequests();
    tlsConnections = 0;
    const started = Date.now();
    const err = await createVia(new VpcepConnectionApprovalProvider(), { clusterId: "c-sec", endpointIds: ["ep-1"], endpoint: url, timeoutSeconds: 30 }).catch((e: unknown) => e);
    const elapsedMs = Date.now() - started;
    expect(isCssApiError(err)).toBe(true);
    expect((err as Error).message).toBe(
      `GET /v1.0/${emu.projectId}/clusters/c-sec/vpcepservice/connections failed (DEPTH_ZERO_SELF_SIGNED_CERT): self-signed certificate (${url}): the server's TLS certificate is not trusted; add your CA bundle with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (verification is never switched off)`,
    );
    expect((err as { attempts?: number }).attempts).toBe(1);
    expect(tlsConnections).toBe(1);
    expect(emu.requests).toHaveLength(0);
    figures.tlsUntrusted = { message: (err as Error).message, attempts: 1, tlsConnections, upstreamRequests: emu.requests.length, elapsedMs };
  });

  it("with NODE_EXTRA_CA_CERTS pointing at the certificate (a fresh node process), the same create converges", async () => {
    emu.setStatus("c-sec", "ep-1", "pendingAcceptance");
    emu.clearRequests();
    const script = `
      const { VpcepConnectionApprovalProvider } = require("./provider");
      (async () => {
        const p = new VpcepConnectionApprovalProvider();
        const checked = await p.check({}, { clusterId: "c-sec", endpointIds: ["ep-1"], endpoint: ${JSON.stringify(url)}, timeoutSeconds: 30 });
        const { outs } = await p.create(checked.inputs);
        console.log(JSON.stringify(outs.connections));
      })().catch((e) => { console.error(e.message); process.exit(1); });`;
    const run = await runNode(script, { PATH: process.env.PATH, HOME: process.env.HOME, NODE_EXTRA_CA_CERTS: cert, OS_ACCESS_KEY: AK, OS_SECRET_KEY: SK, OS_SECURITY_TOKEN: ST, OS_PROJECT_ID: emu.projectId, CSS_VPCEP_DEBUG: "1" });
    figures.tlsExtraCa = { exitCode: run.code, stdout: run.stdout.trim(), upstreamRequests: emu.requests.length };
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({ id: "ep-1", status: "accepted" })]);
    expect(emu.requests.length).toBeGreaterThan(0);
    scan("logs", "child process stderr (NODE_EXTRA_CA_CERTS run, debug on)", run.stderr + run.stdout);
  });
});

describe("through the real Pulumi CLI: credentials in stack config (secret) and the environment", () => {
  let backend: TestBackend;
  const output: string[] = [];
  const onOutput = (chunk: string) => output.push(chunk);

  beforeAll(async () => {
    backend = await newBackend({ OS_SECURITY_TOKEN: ST, OS_PROJECT_ID: emu.projectId, CSS_VPCEP_DEBUG: "1", OS_ACCESS_KEY: "", OS_SECRET_KEY: "" });
  });
  afterAll(() => backend?.cleanup());

  it("up, refresh, credential rotation, a failing up (wrong password), destroy: no credential in output, state or backend files", async () => {
    emu.setStatus("c-sec", "ep-1", "pendingAcceptance");
    emu.setStatus("c-sec", "ep-2", "pendingAcceptance");
    let endpointIds = ["ep-1"];
    const stack = await inlineStack(backend, "css-vpcep-secrets", "secrets", async () => {
      const a = new VpcepConnectionApproval("approval", { clusterId: "c-sec", endpointIds, endpoint: emu.url, timeoutSeconds: 10 });
      return { connections: a.connections };
    });
    const errorsSeen: string[] = [];
    const steps: { step: string; ok: boolean; auth: string[] }[] = [];
    const attempt = async (what: string, run: () => Promise<unknown>, expectOk: boolean) => {
      emu.clearRequests();
      const err = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      // How the provider authenticated during this command (aksk / token), as the emulator saw it.
      const auth = [...new Set(emu.requests.filter((r) => !r.path.includes("/v3/auth")).map((r) => r.auth))].sort();
      steps.push({ step: what, ok: err === undefined, auth });
      expect({ what, failed: err !== undefined, error: expectOk && err ? errorText(err).slice(0, 3000) : undefined }).toEqual({ what, failed: !expectOk, error: undefined });
      if (err) errorsSeen.push(errorText(err));
    };
    await stack.setAllConfig({ "css-vpcep:accessKey": { value: AK, secret: true }, "css-vpcep:secretKey": { value: SK, secret: true } });
    await attempt("up (AK/SK in config, security token in env)", () => stack.up({ onOutput }), true);
    expect(statuses(emu, "c-sec")["ep-1"]).toBe("accepted");
    await attempt("refresh", () => stack.refresh({ onOutput }), true);

    // Rotate to username/password in config. A refresh configures the provider from the inputs the
    // last deployment recorded in state (the old keys); an up records the new ones.
    await stack.removeAllConfig(["css-vpcep:accessKey", "css-vpcep:secretKey"]);
    await stack.setAllConfig({ "css-vpcep:username": { value: USER.name }, "css-vpcep:password": { value: USER.password, secret: true }, "css-vpcep:domainName": { value: USER.domainName } });
    await attempt("refresh right after switching config to username/password", () => stack.refresh({ onOutput }), true);
    await attempt("up (username/password)", () => stack.up({ onOutput }), true);
    await attempt("refresh after that up", () => stack.refresh({ onOutput }), true);
    // (The up changes no resource, so it calls nothing; it only records the new provider inputs.)
    expect(steps.map((st) => st.auth.join("+"))).toEqual(["aksk", "aksk", "aksk", "", "token"]);

    // Error path: a wrong password (a fresh provider process has no cached token) during an update.
    await stack.setConfig("css-vpcep:password", { value: `${USER.password}-wrong`, secret: true });
    endpointIds = ["ep-1", "ep-2"];
    await attempt("up with a wrong password (IAM 401)", () => stack.up({ onOutput }), false);
    expect(errorsSeen.join("\n")).toContain("HTTP 401 IAM.401");
    await stack.setConfig("css-vpcep:password", { value: USER.password, secret: true });
    await attempt("up (password fixed)", () => stack.up({ onOutput }), true);
    expect(statuses(emu, "c-sec")).toMatchObject({ "ep-1": "accepted", "ep-2": "accepted" });

    // `pulumi stack export` as a user runs it (the Automation API's exportStack adds --show-secrets).
    const exported = execFileSync(path.join(pulumiBinDir(), "pulumi"), ["stack", "export", "--stack", "secrets"], {
      cwd: stack.workspace.workDir,
      env: { ...process.env, ...backend.env },
      encoding: "utf8",
    });
    const providerInputs = (JSON.parse(exported).deployment.resources as { type: string; inputs?: Record<string, unknown> }[]).find((r) => r.type === "pulumi:providers:pulumi-nodejs")?.inputs ?? {};
    await attempt("destroy", () => stack.destroy({ onOutput }), true);
    expect(statuses(emu, "c-sec")).toMatchObject({ "ep-1": "rejected", "ep-2": "rejected" });

    const all = output.join("");
    expect(all).toContain("[css-vpcep] debug:");
    expect((providerInputs["css-vpcep:password"] as { ciphertext?: string }).ciphertext).toEqual(expect.any(String));
    figures.cli = {
      steps,
      outputBytes: all.length,
      providerDebugLines: all.split("\n").filter((l) => l.includes("[css-vpcep] debug:")).length,
      stateBytes: exported.length,
      // The engine records the whole stack config as the dynamic provider's inputs: secrets as ciphertext.
      providerInputsInState: Object.fromEntries(Object.entries(providerInputs).map(([k, v]) => [k, typeof v === "string" ? v : Object.keys(v as object).includes("ciphertext") ? "<ciphertext>" : v])),
    };
    scan("CLI", "output of every command above (debug on)", all);
    scan("CLI", "error messages of the failing up", errorsSeen.join("\n"));
    scan("state", "pulumi stack export (after up with password auth)", exported);
    scan("state", "every file of the file:// backend (checkpoints, backups, history)", backendText(backend));
    const workFiles = fs.readdirSync(stack.workspace.workDir).filter((f) => f.endsWith(".yaml")).map((f) => fs.readFileSync(path.join(stack.workspace.workDir, f), "utf8"));
    scan("config", "Pulumi.<stack>.yaml (secrets are ciphertext)", workFiles.join("\n"));
  });
});
