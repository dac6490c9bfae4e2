/** Entry point of `pulumi-resource-css-vpcep` (bin/pulumi-resource-css-vpcep runs it with node). */
import { buildSchema } from "./schema";
import { serve } from "./server";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const version = (require("../../../package.json") as { version: string }).version;
serve(buildSchema(version), version).catch((err: unknown) => {
  process.stderr.write(`css-vpcep plugin failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
