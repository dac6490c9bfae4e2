/**
 * The engine bench's Pulumi project, set up the way users get the package: `npm pack` of this
 * repository (dist/ must be built) and of the bench's comparison resources
 * (`css-vpcep-bench-resources`, bench/engine/resources.ts), both installed with @pulumi/pulumi into
 * a fresh project folder. The install is cached under bench/.tmp/ by the tarballs' hash, so a
 * second run (or the smoke test after a bench run) skips `npm install`.
 *
 * The program (JavaScript, so no TypeScript compile sits in every CLI run) declares `count`
 * approvals of the kind named by stack config `impl` (ours | naive | floor), resource i on cluster
 * `clusters[i % clusters.length]` with endpoints `<cluster>-r<i>-a` and `-b`; with `swapped` set,
 * every second resource declares `-c` instead of `-b` (the update phase).
 */
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * The @pulumi/pulumi the project installs: PULUMI_VERSION when set (the compatibility run,
 * scripts/compat.sh, uses one version everywhere), else the one this repository develops with.
 */
export function pulumiSdkVersion(root: string): string {
  if (process.env.PULUMI_VERSION) return process.env.PULUMI_VERSION;
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  return pkg.devDependencies["@pulumi/pulumi"];
}
export const BENCH_PACKAGE = "css-vpcep-bench-resources";

export const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { VpcepConnectionApproval } = require("pulumi-css-vpcep");
const { NaiveApproval, FloorApproval } = require("${BENCH_PACKAGE}");

const config = new pulumi.Config();
const impl = config.require("impl");
const clusters = config.requireObject("clusters");
const count = config.requireNumber("count");
const swapped = config.getBoolean("swapped") === true;
const Kind = { ours: VpcepConnectionApproval, naive: NaiveApproval, floor: FloorApproval }[impl];
if (!Kind) throw new Error("impl must be ours, naive or floor, got " + impl);
for (let i = 0; i < count; i++) {
  const clusterId = clusters[i % clusters.length];
  const ep = (s) => clusterId + "-r" + String(i).padStart(3, "0") + "-" + s;
  new Kind("approval-" + i, { clusterId, endpointIds: [ep("a"), swapped && i % 2 === 0 ? ep("c") : ep("b")] });
}
`;

/** Endpoint ids of resource `i` on `clusterId` (what PROGRAM declares). */
export function endpointsOf(clusterId: string, i: number): { a: string; b: string; c: string } {
  const ep = (s: string) => `${clusterId}-r${String(i).padStart(3, "0")}-${s}`;
  return { a: ep("a"), b: ep("b"), c: ep("c") };
}

/** Run a command without blocking the event loop (the emulator may be serving from this process). */
export function exec(command: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(" ")} (in ${cwd}) failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

async function packDir(dir: string, dest: string): Promise<string> {
  fs.mkdirSync(dest, { recursive: true });
  for (const old of fs.readdirSync(dest).filter((f) => f.endsWith(".tgz"))) fs.rmSync(path.join(dest, old));
  await exec(NPM, ["pack", "--ignore-scripts", "--silent", "--pack-destination", dest], dir);
  const tgz = fs.readdirSync(dest).filter((f) => f.endsWith(".tgz"));
  if (tgz.length !== 1) throw new Error(`npm pack in ${dir} left ${JSON.stringify(tgz)} in ${dest}`);
  return path.join(dest, tgz[0]);
}

/** The compiled files the comparison resources need, at the same relative paths as in dist/. */
const BENCH_PACKAGE_FILES = ["bench/engine/resources.js", "bench/engine/handlers.js", "bench/naive.js", "provider/core/auth/signer.js"];

/** Lay out and pack `css-vpcep-bench-resources` from dist/ (axios and p-retry at the versions this repository uses). */
export async function packBenchResources(root: string, work: string): Promise<string> {
  const dist = path.join(root, "dist");
  const dir = path.join(work, "bench-resources");
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of BENCH_PACKAGE_FILES) {
    const from = path.join(dist, f);
    if (!fs.existsSync(from)) throw new Error(`${path.relative(root, from)} is missing: run npm run build first`);
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, f));
  }
  const deps = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies;
  const pkg = {
    name: BENCH_PACKAGE,
    version: "0.0.0",
    private: true,
    description: "pulumi-css-vpcep bench: a naive (one POST per resource, p-retry on 409) and a no-op (floor) approval resource",
    main: "bench/engine/resources.js",
    dependencies: { axios: deps.axios, "p-retry": deps["p-retry"] },
    peerDependencies: { "@pulumi/pulumi": ">=3.248.0 <4.0.0" },
  };
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  return packDir(dir, path.join(work, "pack-bench"));
}

export interface ConsumerProject {
  dir: string;
  /** Whether the install came from the cache. */
  cached: boolean;
  /** sha256 prefix of the tarballs and the program. */
  hash: string;
}

/**
 * Pack both packages and install them into a project under `tmp` (reused when the tarballs and the
 * program are unchanged). `root` is this repository, already built.
 */
export async function consumerProject(root: string, tmp: string, log: (m: string) => void = () => undefined): Promise<ConsumerProject> {
  // Per process: a bench run and the smoke test may pack at the same time.
  const work = path.join(tmp, `engine-pack-${process.pid}`);
  fs.mkdirSync(work, { recursive: true });
  try {
    return await install(root, tmp, work, log);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function install(root: string, tmp: string, work: string, log: (m: string) => void): Promise<ConsumerProject> {
  const ours = await packDir(root, path.join(work, "pack-ours"));
  const sdk = pulumiSdkVersion(root);
  const bench = await packBenchResources(root, work);
  const hash = createHash("sha256")
    .update(fs.readFileSync(ours))
    .update(fs.readFileSync(bench))
    .update(PROGRAM)
    .update(sdk)
    .digest("hex")
    .slice(0, 12);
  const dir = path.join(tmp, `engine-consumer-${hash}`);
  const marker = path.join(dir, ".installed");
  if (fs.existsSync(marker)) return { dir, cached: true, hash };
  for (const old of fs.readdirSync(tmp).filter((f) => f.startsWith("engine-consumer-"))) fs.rmSync(path.join(tmp, old), { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(ours, path.join(dir, path.basename(ours)));
  fs.copyFileSync(bench, path.join(dir, path.basename(bench)));
  const pkg = {
    name: "css-vpcep-engine-bench",
    version: "1.0.0",
    private: true,
    main: "index.js",
    dependencies: {
      "@pulumi/pulumi": sdk,
      "pulumi-css-vpcep": `file:./${path.basename(ours)}`,
      [BENCH_PACKAGE]: `file:./${path.basename(bench)}`,
    },
  };
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: css-vpcep-engine-bench\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
  fs.writeFileSync(path.join(dir, "index.js"), PROGRAM);
  log(`installing pulumi-css-vpcep and ${BENCH_PACKAGE} with @pulumi/pulumi@${sdk} into ${path.relative(root, dir)} (cached for later runs)`);
  await exec(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], dir);
  fs.writeFileSync(marker, new Date().toISOString());
  return { dir, cached: false, hash };
}
