/**
 * The size of the serialized provider that every resource carries in state (`__provider`):
 * - by value: serialized from a relative import, as examples/ does (the whole provider is inlined);
 * - by package reference: from an install of the packed package, where the serializer emits
 *   `require("pulumi-css-vpcep/...")` instead. The install is cached under bench/.tmp/ by the
 *   tarball's hash.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { VpcepConnectionApprovalProvider } from "../provider";
import { pulumiSdkVersion } from "./engine/consumer";
import type { SerializedForm, SerializedResult } from "./report";


export function describeText(text: string): SerializedForm {
  const requires = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
  return { bytes: Buffer.byteLength(text), stateBytes: 2 * Buffer.byteLength(JSON.stringify(text)), requires };
}

export async function serializeByValue(): Promise<{ newProvider: SerializedForm; instance: SerializedForm }> {
  const provider = new VpcepConnectionApprovalProvider();
  const a = await pulumi.runtime.serializeFunction(() => new VpcepConnectionApprovalProvider());
  const b = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return { newProvider: describeText(a.text), instance: describeText(b.text) };
}

function npm(args: string[], cwd: string): string {
  const bin = process.platform === "win32" ? "npm.cmd" : "npm";
  return execFileSync(bin, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });
}

/**
 * Pack the package (already built), install it with @pulumi/pulumi into a cached directory, and
 * serialize from there in a child process (so it loads that install, not this repository).
 */
export function serializeByReference(root: string, tmp: string, log: (m: string) => void): NonNullable<SerializedResult["byReference"]> {
  const packDir = path.join(tmp, "pack");
  fs.rmSync(packDir, { recursive: true, force: true });
  fs.mkdirSync(packDir, { recursive: true });
  // `npm run bench` has just built dist/; skip prepack's second build.
  npm(["pack", "--ignore-scripts", "--silent", "--pack-destination", packDir], root);
  const sdk = pulumiSdkVersion(root);
  const tgzName = fs.readdirSync(packDir).find((f) => f.endsWith(".tgz"));
  if (!tgzName) throw new Error("npm pack produced no tarball");
  const tgz = path.join(packDir, tgzName);
  const hash = createHash("sha256").update(fs.readFileSync(tgz)).update(sdk).digest("hex").slice(0, 12);
  const dir = path.join(tmp, `pkgref-${hash}`);
  const marker = path.join(dir, ".installed");
  const cached = fs.existsSync(marker);
  if (!cached) {
    for (const old of fs.readdirSync(tmp).filter((f) => f.startsWith("pkgref-"))) fs.rmSync(path.join(tmp, old), { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(tgz, path.join(dir, tgzName));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "css-vpcep-bench-pkgref", version: "0.0.0", private: true }, null, 2));
    log(`installing ${tgzName} with @pulumi/pulumi@${sdk} into ${path.relative(root, dir)} (cached for later runs)`);
    npm(["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", `./${tgzName}`, `@pulumi/pulumi@${sdk}`], dir);
    fs.writeFileSync(marker, new Date().toISOString());
  }
  const out = execFileSync(process.execPath, [path.join(__dirname, "serialize-child.js"), dir], { encoding: "utf8", timeout: 120_000 });
  const parsed = JSON.parse(out.trim().split("\n").pop() as string) as {
    newProvider: string;
    instance: string;
    works: boolean;
    pulumiVersion: string;
  };
  return {
    newProvider: describeText(parsed.newProvider),
    instance: describeText(parsed.instance),
    worksAfterDeserialize: parsed.works,
    installDir: path.relative(root, dir),
    cached,
    pulumiVersion: parsed.pulumiVersion,
  };
}

export async function measureSerialized(root: string, tmp: string, opts: { byReference: boolean }, log: (m: string) => void): Promise<SerializedResult> {
  const result: SerializedResult = { errors: [] };
  try {
    result.byValue = await serializeByValue();
  } catch (err) {
    result.errors.push(`by value: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (opts.byReference) {
    try {
      result.byReference = serializeByReference(root, tmp, log);
    } catch (err) {
      const e = err as Error & { stderr?: string };
      result.errors.push(`by package reference: ${(e.stderr || e.message || String(err)).trim().split("\n").slice(-3).join(" ")}`);
    }
  }
  return result;
}
