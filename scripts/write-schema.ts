/** Writes schema.json (the plugin's schema, for `pulumi package gen-sdk` and readers) from provider/plugin/schema.ts. */
import * as fs from "fs";
import * as path from "path";
import { buildSchema } from "../provider/plugin/schema";

const root = path.resolve(__dirname, "..", "..");
const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
fs.writeFileSync(path.join(root, "schema.json"), JSON.stringify(JSON.parse(buildSchema(version)), null, 2) + "\n");
