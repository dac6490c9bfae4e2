/**
 * Child process of bench/serialized.ts: serialize the provider from an install of the packed
 * package (argv[2]), so the serializer sees it under node_modules and emits require() of it.
 * Prints one JSON line: both texts, and whether the text works when evaluated as the dynamic
 * provider host does.
 */
import { createRequire } from "module";
import * as path from "path";

interface Provider {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ failures?: unknown[] }>;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: serialize-child.js <install dir>");
  const req = createRequire(path.join(path.resolve(dir), "package.json"));
  const pulumi = req("@pulumi/pulumi") as {
    runtime: { serializeFunction: (f: () => unknown, o?: { allowSecrets?: boolean }) => Promise<{ text: string }> };
  };
  const pkg = req("pulumi-css-vpcep") as { VpcepConnectionApprovalProvider: new () => Provider };
  const pulumiVersion = (req("@pulumi/pulumi/package.json") as { version: string }).version;
  const Ctor = pkg.VpcepConnectionApprovalProvider;
  const provider = new Ctor();
  const a = await pulumi.runtime.serializeFunction(() => new Ctor());
  const b = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });

  // What the dynamic provider host does with __provider: evaluate the module and call handler().
  let works = false;
  try {
    const mod = { exports: {} as { handler?: () => Provider } };
    new Function("exports", "require", "module", "__filename", "__dirname", b.text)(mod.exports, req, mod, path.join(dir, "provider.js"), dir);
    const copy = (mod.exports.handler as () => Provider)();
    const checked = await copy.check({}, { clusterId: "c-1", endpointIds: ["ep-1"] });
    works = (checked.failures ?? []).length === 0;
  } catch {
    works = false;
  }
  process.stdout.write(`${JSON.stringify({ newProvider: a.text, instance: b.text, works, pulumiVersion })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
