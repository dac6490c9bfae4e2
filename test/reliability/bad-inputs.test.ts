/**
 * Bad inputs: every `check` failure with its exact message, and the guarantee that nothing reaches
 * the API for an invalid input, (1) through the provider as the engine calls it (check, then create
 * or update given the unchecked inputs anyway), and (2) through the real engine: an inline Automation
 * API program declaring every invalid input fails at preview and at up with the message, and the
 * emulator records zero requests. Configuration errors (no credentials, unknown cloud in the
 * environment...) are checked the same way. Figures go to <figures>/bad-inputs.json.
 */
import type { CssEmulator } from "../../emulator";
import { VpcepConnectionApproval, VpcepConnectionApprovalProvider } from "../../provider";
import type { ApprovalOutputs } from "../../provider";
import { akskEnv, createVia, setEnv, startEmulator } from "../helpers/harness";
import { TestBackend, inlineStack, newBackend } from "../helpers/pulumi";
import { writeFigures } from "./support";

// The engine test previews every row and runs up once per property: minutes on a loaded 2-core machine.
jest.setTimeout(420_000);

const CLUSTER = "c-bad-inputs";

interface BadInput {
  key: string;
  /** What is wrong, for the table. */
  input: string;
  /** Overrides applied to a valid set of inputs (undefined = property absent). */
  over: Record<string, unknown>;
  property: string;
  message: string;
}

const ROWS: BadInput[] = [
  { key: "cluster-missing", input: "clusterId absent", over: { clusterId: undefined }, property: "clusterId", message: "clusterId is required: the ID of the CSS cluster whose VPC endpoint service the endpoints connect to" },
  { key: "cluster-empty", input: 'clusterId ""', over: { clusterId: "" }, property: "clusterId", message: "clusterId is required: the ID of the CSS cluster whose VPC endpoint service the endpoints connect to" },
  { key: "cluster-blank", input: 'clusterId "   "', over: { clusterId: "   " }, property: "clusterId", message: "clusterId must not be blank" },
  { key: "cluster-number", input: "clusterId 42", over: { clusterId: 42 }, property: "clusterId", message: "clusterId must be a string, got number" },
  { key: "cluster-bool", input: "clusterId true", over: { clusterId: true }, property: "clusterId", message: "clusterId must be a string, got boolean" },
  { key: "cluster-dotdot", input: 'clusterId ".." (path traversal)', over: { clusterId: ".." }, property: "clusterId", message: 'clusterId must be a CSS cluster ID (letters, digits, "-", "_" and "."), got ".."' },
  { key: "cluster-slash", input: 'clusterId "c1/../c2"', over: { clusterId: "c1/../c2" }, property: "clusterId", message: 'clusterId must be a CSS cluster ID (letters, digits, "-", "_" and "."), got "c1/../c2"' },
  { key: "endpoints-missing", input: "endpointIds absent", over: { endpointIds: undefined }, property: "endpointIds", message: "endpointIds or domainIds is required: a non-empty list of VPC endpoint IDs, or of the accounts whose endpoints to approve" },
  { key: "endpoints-empty", input: "endpointIds []", over: { endpointIds: [] }, property: "endpointIds", message: "endpointIds must contain at least one VPC endpoint ID" },
  { key: "endpoints-string", input: 'endpointIds "ep-1" (not a list)', over: { endpointIds: "ep-1" }, property: "endpointIds", message: 'endpointIds must be a list of VPC endpoint IDs, got the string "ep-1": write ["ep-1"]' },
  { key: "endpoint-id-number", input: "endpointIds [42]", over: { endpointIds: [42] }, property: "endpointIds[0]", message: "endpointIds[0] must be a string, got number" },
  { key: "endpoint-id-null", input: 'endpointIds ["ep-1", null]', over: { endpointIds: ["ep-1", null] }, property: "endpointIds[1]", message: "endpointIds[1] must be a string, got null" },
  { key: "endpoint-id-object", input: 'endpointIds [{"id":"ep-1"}]', over: { endpointIds: [{ id: "ep-1" }] }, property: "endpointIds[0]", message: "endpointIds[0] must be a string, got object" },
  { key: "endpoint-id-empty", input: 'endpointIds ["ep-1", " "]', over: { endpointIds: ["ep-1", " "] }, property: "endpointIds[1]", message: "endpointIds[1] must not be empty" },
  { key: "domains-empty", input: "domainIds [] (no endpointIds)", over: { endpointIds: undefined, domainIds: [] }, property: "domainIds", message: "domainIds must contain at least one account (domain) ID" },
  { key: "domain-id-malformed", input: 'domainIds ["team-a"]', over: { domainIds: ["team-a"] }, property: "domainIds[0]", message: 'domainIds[0]: an account (domain) ID is 32 hexadecimal characters, got "team-a"' },
  { key: "action-unknown", input: 'action "accept"', over: { action: "accept" }, property: "action", message: 'action must be "receive" or "reject", got "accept"' },
  { key: "action-case", input: 'action "Receive"', over: { action: "Receive" }, property: "action", message: 'action must be "receive" or "reject", got "Receive"' },
  { key: "reject-on-delete-string", input: 'rejectOnDelete "yes"', over: { rejectOnDelete: "yes" }, property: "rejectOnDelete", message: 'rejectOnDelete must be true or false, got "yes"' },
  { key: "timeout-zero", input: "timeoutSeconds 0", over: { timeoutSeconds: 0 }, property: "timeoutSeconds", message: "timeoutSeconds must be a positive number of seconds, got 0" },
  { key: "timeout-negative", input: "timeoutSeconds -5", over: { timeoutSeconds: -5 }, property: "timeoutSeconds", message: "timeoutSeconds must be a positive number of seconds, got -5" },
  { key: "timeout-string", input: 'timeoutSeconds "600"', over: { timeoutSeconds: "600" }, property: "timeoutSeconds", message: 'timeoutSeconds must be a positive number of seconds, got "600"' },
  { key: "endpoint-not-url", input: 'endpoint "css.eu-de.otc.t-systems.com"', over: { endpoint: "css.eu-de.otc.t-systems.com" }, property: "endpoint", message: 'endpoint must be an absolute URL such as https://css.eu-de.otc.t-systems.com, got "css.eu-de.otc.t-systems.com"' },
  { key: "endpoint-http", input: 'endpoint "http://css.eu-de.otc.t-systems.com"', over: { endpoint: "http://css.eu-de.otc.t-systems.com" }, property: "endpoint", message: "endpoint must use https:// (plain http:// is accepted only for a loopback emulator)" },
  { key: "endpoint-scheme", input: 'endpoint "ftp://css.example.com"', over: { endpoint: "ftp://css.example.com" }, property: "endpoint", message: 'endpoint must use https://, got "ftp:"' },
  { key: "endpoint-credentials", input: 'endpoint "https://user:pw-in-url@css.example.com"', over: { endpoint: "https://user:pw-in-url@css.example.com" }, property: "endpoint", message: "endpoint must not contain credentials" },
  { key: "endpoint-query", input: 'endpoint "https://css.example.com/?x=1"', over: { endpoint: "https://css.example.com/?x=1" }, property: "endpoint", message: "endpoint must not contain a query or fragment" },
  { key: "endpoint-empty", input: 'endpoint ""', over: { endpoint: "" }, property: "endpoint", message: 'endpoint must be a non-empty string when set, got ""' },
  { key: "cloud-unknown", input: 'cloud "aws"', over: { cloud: "aws" }, property: "cloud", message: 'cloud must be "otc" or "huaweicloud", got "aws"' },
  { key: "region-bad", input: 'region "EU DE"', over: { region: "EU DE" }, property: "region", message: 'region must be a region name such as "eu-de" or "cn-north-4", got "EU DE"' },
  { key: "region-number", input: "region 5", over: { region: 5 }, property: "region", message: "region must be a non-empty string when set, got 5" },
  { key: "project-empty", input: 'projectId ""', over: { projectId: "" }, property: "projectId", message: 'projectId must be a non-empty string when set, got ""' },
];

let emu: CssEmulator;
let restore: () => void;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  emu = await startEmulator();
  emu.addCluster(CLUSTER, { endpoints: ["ep-1", "ep-2"] });
  restore = setEnv(akskEnv(emu));
});
afterAll(async () => {
  restore?.();
  await emu?.stop();
  writeFigures("bad-inputs", figures);
});

function inputsFor(row: Pick<BadInput, "over">): Record<string, unknown> {
  const props: Record<string, unknown> = { clusterId: CLUSTER, endpointIds: ["ep-1"], endpoint: emu.url, ...row.over };
  for (const [k, v] of Object.entries(props)) if (v === undefined) delete props[k];
  return props;
}

describe("check: one clear failure per bad input, and no request", () => {
  const provider = new VpcepConnectionApprovalProvider();
  let valid: { id: string; outs: ApprovalOutputs };
  const rows: { key: string; input: string; property: string; message: string; requests: number }[] = [];
  figures.check = rows;

  beforeAll(async () => {
    valid = await createVia(provider, inputsFor({ over: {} }));
  });

  it.each(ROWS.map((r) => [r.key, r] as const))("%s", async (_key, row) => {
    emu.clearRequests();
    const props = inputsFor(row);
    const checked = await provider.check({}, props);
    expect(checked.failures).toEqual([{ property: row.property, reason: row.message }]);
    // Against old state too (an update's check).
    expect((await provider.check(valid.outs as unknown as Record<string, unknown>, props)).failures).toEqual([{ property: row.property, reason: row.message }]);

    // Even if a caller ignored the failures, the operations refuse before any I/O.
    await expect(provider.create(props)).rejects.toThrow(`invalid inputs: ${row.message}`);
    await expect(provider.update(valid.id, valid.outs, props)).rejects.toThrow(`invalid inputs: ${row.message}`);
    const olds: Record<string, unknown> = { ...valid.outs, ...props };
    for (const [k, v] of Object.entries(row.over)) if (v === undefined) delete olds[k];
    await expect(provider.delete(valid.id, olds as unknown as ApprovalOutputs)).rejects.toThrow(`invalid inputs: ${row.message}`);
    expect(emu.requests).toHaveLength(0);
    rows.push({ key: row.key, input: row.input, property: row.property, message: row.message, requests: emu.requests.length });
  });

  it("reports every failure at once", async () => {
    const checked = await provider.check({}, { endpointIds: [], action: "accept", timeoutSeconds: 0 });
    expect(checked.failures).toEqual([
      { property: "clusterId", reason: "clusterId is required: the ID of the CSS cluster whose VPC endpoint service the endpoints connect to" },
      { property: "timeoutSeconds", reason: "timeoutSeconds must be a positive number of seconds, got 0" },
      { property: "endpointIds", reason: "endpointIds must contain at least one VPC endpoint ID" },
      { property: "action", reason: 'action must be "receive" or "reject", got "accept"' },
    ]);
  });
});

describe("configuration errors: refused before any request", () => {
  const cases: { key: string; env: Record<string, string>; over?: Record<string, unknown>; message: string }[] = [
    {
      key: "no-credentials",
      env: { OS_PROJECT_ID: "p" },
      message:
        "no credentials found: set css-vpcep:accessKey and css-vpcep:secretKey (as secrets), css-vpcep:token, or css-vpcep:username/password/domainName in stack config, or export OS_ACCESS_KEY/OS_SECRET_KEY (or HW_ACCESS_KEY/HW_SECRET_KEY, HUAWEICLOUD_SDK_AK/SK), OS_AUTH_TOKEN, or OS_USERNAME/OS_PASSWORD/OS_DOMAIN_NAME",
    },
    {
      key: "secret-key-missing",
      env: { OS_ACCESS_KEY: "AKONLY0000000001", OS_PROJECT_ID: "p" },
      message:
        "both an access key and a secret key are needed for AK/SK signing; missing the secret key (set css-vpcep:secretKey in stack config, or export HW_SECRET_KEY / OS_SECRET_KEY / HUAWEICLOUD_SDK_SK)",
    },
    {
      key: "password-without-domain",
      env: { OS_USERNAME: "u", OS_PASSWORD: "pw-without-domain", OS_PROJECT_ID: "p" },
      message:
        "username/password authentication needs username, password and domainName (the account name); set css-vpcep:domainName in stack config, or export HW_DOMAIN_NAME / OS_USER_DOMAIN_NAME / OS_PROJECT_DOMAIN_NAME / OS_DOMAIN_NAME / OS_DEFAULT_DOMAIN",
    },
    {
      key: "project-missing",
      env: { OS_ACCESS_KEY: "AK0000000000000001", OS_SECRET_KEY: "sk-0001" },
      message: "projectId is not set: pass projectId to the resource, or set css-vpcep:projectId in stack config, or export HW_PROJECT_ID / OS_TENANT_ID / OS_PROJECT_ID / HUAWEICLOUD_SDK_PROJECT_ID",
    },
    {
      key: "region-and-endpoint-missing",
      env: { OS_ACCESS_KEY: "AK0000000000000001", OS_SECRET_KEY: "sk-0001", OS_PROJECT_ID: "p" },
      over: { endpoint: undefined },
      message: "region is not set: pass region (or endpoint) to the resource, or set css-vpcep:region in stack config, or export HW_REGION_NAME / OS_REGION_NAME / OS_REGION",
    },
    {
      key: "cloud-unknown-in-environment",
      env: { OS_ACCESS_KEY: "AK0000000000000001", OS_SECRET_KEY: "sk-0001", OS_PROJECT_ID: "p", CSS_VPCEP_CLOUD: "aws" },
      message: 'cloud must be "otc" or "huaweicloud", got "aws"',
    },
  ];
  const rows: { key: string; message: string; requests: number }[] = [];
  figures.configuration = rows;

  it.each(cases.map((c) => [c.key, c] as const))("%s", async (_key, c) => {
    const undo = setEnv(c.env);
    try {
      emu.clearRequests();
      const provider = new VpcepConnectionApprovalProvider();
      const err = (await createVia(provider, inputsFor({ over: c.over ?? {} })).catch((e: unknown) => e)) as Error;
      expect(err.message).toBe(c.message);
      expect(emu.requests).toHaveLength(0);
      rows.push({ key: c.key, message: err.message, requests: emu.requests.length });
    } finally {
      undo();
    }
  });
});

describe("through the real engine (Automation API, file:// backend)", () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await newBackend({ ...akskEnv(emu) });
  });
  afterAll(() => backend?.cleanup());

  it("fails preview and up with each message, and sends nothing to the API", async () => {
    // The engine stops at the first resource whose check fails, so each bad input gets its own run.
    let current: BadInput = ROWS[0];
    const stack = await inlineStack(backend, "css-vpcep-bad-inputs", "bad", async () => {
      // Values the type system would refuse arrive this way from JavaScript or YAML programs.
      new VpcepConnectionApproval(current.key, inputsFor(current) as never);
    });
    emu.clearRequests();
    const rows: Record<string, unknown>[] = [];
    figures.engine = rows;
    // preview for every bad input; up (which runs check again, then would create) for the first of each property.
    const upFor = new Set(ROWS.filter((row, i) => ROWS.findIndex((r) => r.property === row.property) === i).map((r) => r.key));
    for (const row of ROWS) {
      current = row;
      const lines: Record<string, string> = {};
      for (const command of upFor.has(row.key) ? (["preview", "up"] as const) : (["preview"] as const)) {
        const output: string[] = [];
        const onOutput = (chunk: string) => output.push(chunk);
        const err = (await (command === "preview" ? stack.preview({ onOutput }) : stack.up({ onOutput })).then(
          () => undefined,
          (e: unknown) => e,
        )) as Error | undefined;
        expect(err).toBeDefined();
        // The engine prints: <type> resource '<name>': property <p> value {<v>} has a problem: <reason>
        const line = output
          .join("")
          .split("\n")
          .map((l) => l.trim())
          .find((l) => l.startsWith("error: ") && l.includes(`resource '${row.key}'`));
        expect(line).toBeDefined();
        expect(line?.endsWith(`has a problem: ${row.message}`)).toBe(true);
        lines[command] = line as string;
      }
      expect(emu.requests).toHaveLength(0);
      rows.push({ key: row.key, preview: lines.preview, up: lines.up ?? null, requests: emu.requests.length });
    }
    expect(upFor.size).toBe(13);
    // A configuration error surfaces at up (preview needs no credentials) and still sends nothing.
    current = { key: "no-credentials", input: "", over: {}, property: "", message: "" };
    const envVars = stack.workspace.envVars;
    Object.assign(envVars, { OS_ACCESS_KEY: "", OS_SECRET_KEY: "" });
    try {
      expect((await stack.preview()).changeSummary.create).toBe(1);
      const err = (await stack.up().then(() => undefined, (e: unknown) => e)) as Error | undefined;
      const line = err?.message.split("\n").map((l) => l.trim()).find((l) => l.startsWith("error: ") && l.includes("no credentials found"));
      expect(line).toMatch(/^error: no credentials found: set css-vpcep:accessKey and css-vpcep:secretKey \(as secrets\)/);
      expect(emu.requests).toHaveLength(0);
      figures.engineConfiguration = { key: "no-credentials", preview: "succeeds (no API call)", up: line, requests: emu.requests.length };
    } finally {
      Object.assign(envVars, akskEnv(emu));
    }
    const state = await stack.exportStack();
    const resources = ((state.deployment as { resources?: { type: string }[] }).resources ?? []).filter((r) => r.type.includes("VpcepConnectionApproval"));
    expect(resources).toHaveLength(0);
  });
});
