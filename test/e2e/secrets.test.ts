/**
 * No credential reaches the state: after up, refresh and destroy through the real CLI, neither
 * `pulumi stack export` nor any file the file:// backend wrote (checkpoints, history, backups)
 * contains an access key, secret key, security token, password or IAM token that was used, whether
 * the credentials came from the environment or from secret stack config (namespace css-vpcep).
 *
 * Each case first proves the credentials were really used (the emulator saw that key, token or user),
 * and that the searched text is the real state (it holds the approval and its cluster id).
 */
import type { Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApproval } from "../../provider";
import { setEnv, startEmulator, statuses } from "../helpers/harness";
import { APPROVAL_TYPE, FAST_PROVIDER_ENV, StateResource, TestBackend, backendText, inlineStack, newBackend, pulumiCli, stateResources } from "../helpers/pulumi";

jest.setTimeout(300_000);

// Distinctive values: none of them can occur in state by accident.
const ENV_KEY = { accessKey: "E2EENVAKQ7X3W9ZL5V2M", secretKey: "e2e-env-sk-R4nd0m-9f8e7d6c5b4a", securityToken: "e2e-env-sts-Tk-3c2b1a0f9e8d" };
const CFG_KEY = { accessKey: "E2ECFGAKM4N3B2V1C0X9", secretKey: "e2e-cfg-sk-P9q8R7s6T5u4", securityToken: "e2e-cfg-sts-Tk-6f7a8b9c0d1e" };
const CFG_USER = { name: "e2e-cfg-user", password: "e2e-cfg-pw-Zx81Yw72Vu63", domainName: "e2e-cfg-domain" };
const ENV_USER = { name: "e2e-env-user", password: "e2e-env-pw-Qw27Er38Ty49", domainName: "e2e-env-domain" };
const TOKEN_USER = { name: "e2e-token-user", password: "e2e-tok-pw-Lk56Jh47Gf38", domainName: "e2e-tok-domain" };

let emu: CssEmulator;
let restoreEnv: () => void;
const backends: TestBackend[] = [];

beforeAll(async () => {
  // The jest process (where inline programs run and the provider is serialized) starts with no credentials.
  restoreEnv = setEnv({});
  emu = await startEmulator({ keys: [ENV_KEY, CFG_KEY], users: [CFG_USER, ENV_USER, TOKEN_USER] });
});
afterAll(async () => {
  restoreEnv?.();
  await emu?.stop();
  for (const b of backends) b.cleanup();
});

/** A token issued by the emulator's IAM for `user` (what a user would export as OS_AUTH_TOKEN). */
async function issueToken(user: { name: string; password: string; domainName: string }): Promise<string> {
  const res = await fetch(`${emu.url}/v3/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: user.name, password: user.password, domain: { name: user.domainName } } } },
        scope: { project: { id: emu.projectId } },
      },
    }),
  });
  const token = res.headers.get("x-subject-token");
  if (res.status !== 201 || !token) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return token;
}

interface Case {
  /** Credentials for the CLI (and so the provider process). */
  backendEnv?: Record<string, string>;
  /** Also present in this process while the program runs and the provider is serialized. */
  programEnv?: Record<string, string>;
  /** Stack config; `secret: true` ones are stored encrypted. */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** Every secret value the case uses. */
  secrets: string[];
  /** Checks that the emulator saw these credentials in use. */
  expectUsed: (clusterId: string) => void;
}

/** Pulumi's marker for a secret value in a deployment. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A deployment with every secret value (decrypted by --show-secrets or not) replaced by a placeholder. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== "object") return value;
  if (SECRET_SIG in (value as Record<string, unknown>)) return "[secret]";
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, withoutSecrets(v)]));
}

/** The API calls (not IAM) for a cluster. */
const apiCalls = (clusterId: string) => emu.findRequests({ clusterId });

/** up, refresh, destroy; returns what was searched. */
async function runCase(name: string, c: Case): Promise<void> {
  const clusterId = `c-sec-${name}`;
  emu.addCluster(clusterId, { endpoints: ["ep-s1", "ep-s2"] });
  const backend = await newBackend({ OS_PROJECT_ID: emu.projectId, ...FAST_PROVIDER_ENV, ...(c.backendEnv ?? {}) });
  backends.push(backend);
  const stack: Stack = await inlineStack(backend, "css-vpcep-secrets", name, async () => {
    const approval = new VpcepConnectionApproval("approval", { clusterId, endpointIds: ["ep-s1", "ep-s2"], endpoint: emu.url });
    return { connections: approval.connections };
  });
  for (const [key, value] of Object.entries(c.config ?? {})) await stack.setConfig(key, value);

  const outputs: string[] = [];
  /** `pulumi stack export` as a user types it (secrets stay ciphertext). */
  const exports: string[] = [];
  /** The Automation API's exportStack(), which runs `pulumi stack export --show-secrets`. */
  const decrypted: Record<string, unknown>[] = [];
  const snapshot = async () => {
    const plain = await pulumiCli(backend, ["stack", "export", "--stack", name], stack.workspace.workDir);
    expect(plain.code).toBe(0);
    exports.push(plain.stdout);
    decrypted.push((await stack.exportStack()) as unknown as Record<string, unknown>);
  };
  const restore = c.programEnv ? setEnv({ ...c.programEnv }) : () => undefined;
  try {
    const up = await stack.up();
    outputs.push(up.stdout, up.stderr);
    expect(up.summary.result).toBe("succeeded");
  } finally {
    restore();
  }
  expect(statuses(emu, clusterId)).toEqual({ "ep-s1": "accepted", "ep-s2": "accepted" });
  await snapshot();

  const refresh = await stack.refresh();
  outputs.push(refresh.stdout, refresh.stderr);
  expect(refresh.summary.result).toBe("succeeded");
  const resources = await stateResources(stack);
  const approval = resources.find((r) => r.type === APPROVAL_TYPE);
  expect(approval?.outputs?.clusterId).toBe(clusterId);
  expect(String(approval?.inputs?.__provider ?? "").length).toBeGreaterThan(1000);
  await snapshot();

  const destroy = await stack.destroy();
  outputs.push(destroy.stdout, destroy.stderr);
  expect(destroy.summary.result).toBe("succeeded");
  expect(statuses(emu, clusterId)).toEqual({ "ep-s1": "rejected", "ep-s2": "rejected" });

  c.expectUsed(clusterId);

  // Every credential used, plus every token the provider sent (issued by IAM during the run).
  const used = new Set(c.secrets);
  for (const r of apiCalls(clusterId)) {
    if (r.headers["x-auth-token"]) used.add(r.headers["x-auth-token"]);
    if (r.headers["x-security-token"]) used.add(r.headers["x-security-token"]);
  }
  const files = backendText(backend);
  // The searched text is the real state: the backend's history and backups hold the approval.
  expect(files).toContain(APPROVAL_TYPE);
  expect(files).toContain(clusterId);
  expect(files).toContain("__provider");
  for (const text of exports) expect(text).toContain(clusterId);
  for (const secret of used) {
    expect(secret.length).toBeGreaterThanOrEqual(12);
    expect(files).not.toContain(secret);
    for (const text of exports) expect(text).not.toContain(secret);
    for (const text of outputs) expect(text).not.toContain(secret);
    for (const deployment of decrypted) {
      // Even decrypted, the approval and the stack outputs hold no credential ...
      for (const r of (deployment.deployment as { resources: StateResource[] }).resources) {
        if (r.type === APPROVAL_TYPE || r.type === "pulumi:pulumi:Stack") expect(JSON.stringify(r)).not.toContain(secret);
      }
      // ... and anywhere else it can only be a Pulumi secret (encrypted at rest): secret stack config,
      // which the engine records as the inputs of the default pulumi-nodejs provider.
      expect(JSON.stringify(withoutSecrets(deployment))).not.toContain(secret);
    }
  }

  // Secret config lives only encrypted in the stack's settings file (outside the backend).
  const settingsFile = path.join(stack.workspace.workDir, `Pulumi.${name}.yaml`);
  if (c.config) {
    const settings = fs.readFileSync(settingsFile, "utf8");
    for (const [key, value] of Object.entries(c.config)) {
      if (!value.secret) continue;
      expect(settings).toContain(key);
      expect(settings).not.toContain(value.value);
    }
    expect(settings).toContain("secure:");
  }
  await stack.workspace.removeStack(name);
}

const akskCheck = (key: typeof ENV_KEY) => (clusterId: string) => {
  const calls = apiCalls(clusterId);
  expect(calls.length).toBeGreaterThan(0);
  for (const r of calls) {
    expect(r.auth).toBe("aksk");
    expect(r.headers.authorization).toContain(`Access=${key.accessKey},`);
    expect(r.headers["x-security-token"]).toBe(key.securityToken);
  }
};

const passwordCheck = (user: typeof CFG_USER) => (clusterId: string) => {
  const iam = emu.findRequests({ method: "POST", pathIncludes: "/v3/auth/tokens", status: 201 });
  const mine = iam.filter((r) => JSON.stringify(r.body).includes(`"name":"${user.name}"`));
  expect(mine.length).toBeGreaterThan(0);
  const calls = apiCalls(clusterId);
  expect(calls.length).toBeGreaterThan(0);
  for (const r of calls) expect(r.auth).toBe("token");
};

const tokenCheck = (token: () => string) => (clusterId: string) => {
  const calls = apiCalls(clusterId);
  expect(calls.length).toBeGreaterThan(0);
  for (const r of calls) {
    expect(r.auth).toBe("token");
    expect(r.headers["x-auth-token"]).toBe(token());
  }
};

describe("credentials from the environment", () => {
  it("AK/SK with a security token (OS_ACCESS_KEY, OS_SECRET_KEY, OS_SECURITY_TOKEN)", async () => {
    const env = { OS_ACCESS_KEY: ENV_KEY.accessKey, OS_SECRET_KEY: ENV_KEY.secretKey, OS_SECURITY_TOKEN: ENV_KEY.securityToken };
    await runCase("env-aksk", { backendEnv: env, programEnv: env, secrets: Object.values(ENV_KEY), expectUsed: akskCheck(ENV_KEY) });
  });

  it("username/password (OS_USERNAME, OS_PASSWORD, OS_DOMAIN_NAME), exchanged for a token", async () => {
    const env = { OS_USERNAME: ENV_USER.name, OS_PASSWORD: ENV_USER.password, OS_DOMAIN_NAME: ENV_USER.domainName };
    await runCase("env-password", { backendEnv: env, programEnv: env, secrets: [ENV_USER.password], expectUsed: passwordCheck(ENV_USER) });
  });

  it("an IAM token (OS_AUTH_TOKEN)", async () => {
    const token = await issueToken(TOKEN_USER);
    const env = { OS_AUTH_TOKEN: token };
    await runCase("env-token", { backendEnv: env, programEnv: env, secrets: [token, TOKEN_USER.password], expectUsed: tokenCheck(() => token) });
  });
});

describe("credentials from secret stack config (css-vpcep:*)", () => {
  it("accessKey, secretKey and securityToken", async () => {
    await runCase("config-aksk", {
      config: {
        "css-vpcep:accessKey": { value: CFG_KEY.accessKey, secret: true },
        "css-vpcep:secretKey": { value: CFG_KEY.secretKey, secret: true },
        "css-vpcep:securityToken": { value: CFG_KEY.securityToken, secret: true },
      },
      secrets: Object.values(CFG_KEY),
      expectUsed: akskCheck(CFG_KEY),
    });
  });

  it("username, password and domainName", async () => {
    await runCase("config-password", {
      config: {
        "css-vpcep:username": { value: CFG_USER.name },
        "css-vpcep:password": { value: CFG_USER.password, secret: true },
        "css-vpcep:domainName": { value: CFG_USER.domainName },
      },
      secrets: [CFG_USER.password],
      expectUsed: passwordCheck(CFG_USER),
    });
  });

  it("token", async () => {
    const token = await issueToken(TOKEN_USER);
    await runCase("config-token", {
      config: { "css-vpcep:token": { value: token, secret: true } },
      secrets: [token, TOKEN_USER.password],
      expectUsed: tokenCheck(() => token),
    });
  });
});
