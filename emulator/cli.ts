#!/usr/bin/env node
/**
 * `css-vpcep-emulator`: runs the CSS VPC-endpoint emulator until SIGINT/SIGTERM.
 * The first stdout line is `CSS emulator listening on <url>` so scripts can parse the URL.
 */
import { DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_USER } from "./options";
import { CssEmulator } from "./server";
import type { BodyStyle, ClusterListOffset, ClusterSeed, EmulatorOptions, GoneStyle } from "./types";

export const USAGE = `Usage: css-vpcep-emulator [options]

  --port N               listen port (default 0 = random free port)
  --host H               listen address (default 127.0.0.1)
  --project-id ID        project id expected in paths and token scopes
  --region R             region name accepted as token scope (repeatable; default eu-de)
  --cluster ID           add a cluster (repeatable); the flags below up to --endpoints apply to the last one
  --domain D             account (domain id) of the endpoints of the next --endpoints
  --endpoints e1,e2      seed pending connections on the last --cluster
  --closed               its VPC endpoint service is closed
  --no-dns               its service is open without a private DNS name (no vpcepDnsName)
  --whitelist d1,d2      account ids on its service whitelist
  --access-denied        every call on it answers 403 CSS.0015 (it stays in the clusters list)
  --deny-cluster-list    GET /v1.0/{project_id}/clusters answers 403 CSS.0015
  --cluster-list-offset S  one-based | zero-based: how the clusters list reads offset (default one-based)
  --busy-ms N            409 window after each change (default 0)
  --max-limit N          page size cap for GET connections (default 1000)
  --body-style S         both | snake | camel (default both)
  --gone-style S         css0015 | css3027 | css0047 | plain404 (default css0015)
  --apply-delay-ms N     status changes this long after the 200 (default 0)
  --latency-ms N         delay every API answer (default 0)
  --token-ttl-ms N       IAM token lifetime (default 24 h)
  --lock-ms N            AK lock after 5 failed signatures (default 5 min)
  --clock-skew-ms N      allowed X-Sdk-Date skew (default 15 min)
  --freeze-statuses      answer accept/reject with 200 but change nothing
  --access-key AK        (default ${DEFAULT_ACCESS_KEY})
  --secret-key SK        (default ${DEFAULT_SECRET_KEY})
  --security-token T     make the key temporary: requests must send X-Security-Token
  --user NAME --password PW --domain-name D   IAM user (default ${DEFAULT_USER.name} / ${DEFAULT_USER.password} / ${DEFAULT_USER.domainName})
  --help
`;

export interface CliConfig {
  help: boolean;
  options: EmulatorOptions;
}

function num(flag: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new Error(`${flag} expects a non-negative integer, got "${v}"`);
  return Number(v);
}

/** Parses argv (without node and script); throws with a message on bad input. */
export function parseCliArgs(argv: readonly string[]): CliConfig {
  const o: EmulatorOptions = {};
  const clusters: ClusterSeed[] = [];
  const regions: string[] = [];
  let help = false;
  let accessKey = DEFAULT_ACCESS_KEY;
  let secretKey = DEFAULT_SECRET_KEY;
  let securityToken: string | undefined;
  const user: { name: string; password: string; domainName: string } = { ...DEFAULT_USER };
  let nextDomain: string | undefined;
  const lastCluster = (flag: string): ClusterSeed => {
    const last = clusters[clusters.length - 1];
    if (!last) throw new Error(`${flag} must follow a --cluster`);
    return last;
  };
  const idList = (v: string): string[] =>
    v
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== "");

  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i] as string;
    let value: string | undefined;
    const eq = flag.indexOf("=");
    if (flag.startsWith("--") && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const next = (): string => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} expects a value`);
      return v;
    };
    switch (flag) {
      case "--help":
      case "-h":
        help = true;
        break;
      case "--port":
        o.port = num(flag, next());
        break;
      case "--host":
        o.host = next();
        break;
      case "--project-id":
        o.projectId = next();
        break;
      case "--region":
        regions.push(next());
        break;
      case "--cluster":
        clusters.push({ id: next() });
        break;
      case "--endpoints": {
        const last = lastCluster(flag);
        const domainId = nextDomain;
        nextDomain = undefined;
        const added = idList(next()).map((id) => (domainId === undefined ? { id } : { id, domainId }));
        last.connections = [...(last.connections ?? []), ...added];
        break;
      }
      case "--domain":
        nextDomain = next();
        break;
      case "--closed":
        lastCluster(flag).vpcepEnabled = false;
        break;
      case "--no-dns":
        lastCluster(flag).endpointWithDnsName = false;
        break;
      case "--whitelist":
        lastCluster(flag).whitelist = idList(next());
        break;
      case "--access-denied":
        lastCluster(flag).accessDenied = true;
        break;
      case "--deny-cluster-list":
        o.denyClusterList = true;
        break;
      case "--cluster-list-offset":
        o.clusterListOffset = next() as ClusterListOffset;
        break;
      case "--busy-ms":
        o.busyMs = num(flag, next());
        break;
      case "--max-limit":
        o.maxLimit = num(flag, next());
        break;
      case "--body-style":
        o.bodyStyle = next() as BodyStyle;
        break;
      case "--gone-style":
        o.goneStyle = next() as GoneStyle;
        break;
      case "--apply-delay-ms":
        o.applyDelayMs = num(flag, next());
        break;
      case "--latency-ms":
        o.latencyMs = num(flag, next());
        break;
      case "--token-ttl-ms":
        o.tokenTtlMs = num(flag, next());
        break;
      case "--lock-ms":
        o.lockMs = num(flag, next());
        break;
      case "--clock-skew-ms":
        o.clockSkewMs = num(flag, next());
        break;
      case "--freeze-statuses":
        o.freezeStatuses = true;
        break;
      case "--access-key":
        accessKey = next();
        break;
      case "--secret-key":
        secretKey = next();
        break;
      case "--security-token":
        securityToken = next();
        break;
      case "--user":
        user.name = next();
        break;
      case "--password":
        user.password = next();
        break;
      case "--domain-name":
        user.domainName = next();
        break;
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  if (nextDomain !== undefined) throw new Error("--domain must be followed by --endpoints");
  o.keys = [securityToken === undefined ? { accessKey, secretKey } : { accessKey, secretKey, securityToken }];
  o.users = [user];
  if (regions.length > 0) o.regions = regions;
  if (clusters.length > 0) o.clusters = clusters;
  return { help, options: o };
}

export async function main(argv: readonly string[]): Promise<void> {
  let config: CliConfig;
  let emu: CssEmulator;
  try {
    config = parseCliArgs(argv);
    if (config.help) {
      process.stdout.write(USAGE);
      return;
    }
    // The constructor validates option values (body style, numbers...).
    emu = new CssEmulator(config.options);
  } catch (err) {
    process.stderr.write(`css-vpcep-emulator: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  // Installed before listening so a signal during startup is not lost.
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    emu.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  const url = await emu.start();
  const o = emu.options;
  const key = o.keys[0];
  const user = o.users[0];
  const lines = [
    `CSS emulator listening on ${url}`,
    `  project id    ${o.projectId}`,
    `  region        ${o.regions.join(", ")}`,
    `  access key    ${key?.accessKey ?? ""}`,
    `  secret key    ${key?.secretKey ?? ""}`,
    ...(key?.securityToken !== undefined ? [`  sec. token    ${key.securityToken}`] : []),
    `  IAM user      ${user?.name ?? ""} / ${user?.password ?? ""} (domain ${user?.domainName ?? ""})`,
    `  IAM auth URL  ${url}/v3`,
    `  clusters      ${emu.clusters().map((c) => `${c.id} (${c.connections.length} endpoints${c.vpcepEnabled ? "" : ", service closed"})`).join(", ") || "none (add with POST /_emulator/clusters)"}`,
    `  controls      ${url}/_emulator/`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`css-vpcep-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
