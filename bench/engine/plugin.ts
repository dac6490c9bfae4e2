/**
 * The engine bench's fourth column: the provider plugin `pulumi-resource-css-vpcep` driven by a YAML
 * program (the real YAML language host, scripts/install-yaml-host.sh). The plugin is the `bin` of the
 * packed package installed in the consumer project (bench/engine/consumer.ts), so it runs the same
 * build as the dynamic resource's column, with the same @pulumi/pulumi. It reads the same environment
 * variables (endpoint, project, keys, timings) that the harness gives the CLI.
 *
 * A YAML program cannot loop, so the bench writes it out: one resource per approval, with the
 * endpoints the JavaScript program declares (endpointsOf), rewritten before each phase.
 */
import * as fs from "fs";
import * as path from "path";
import { endpointsOf, exec } from "./consumer";

export const PLUGIN_EXECUTABLE = "pulumi-resource-css-vpcep";
export const PLUGIN_TYPE = "css-vpcep:index:VpcepConnectionApproval";
export const YAML_PROJECT = "css-vpcep-engine-bench-yaml";

/** Pulumi.yaml for `count` approvals, resource i on clusters[i % C]; `swapped`: every second one declares -c instead of -b. */
export function yamlProgram(clusters: readonly string[], count: number, swapped: boolean): string {
  const out = [`name: ${YAML_PROJECT}`, "runtime: yaml", "resources:"];
  for (let i = 0; i < count; i++) {
    const clusterId = clusters[i % clusters.length];
    const e = endpointsOf(clusterId, i);
    const ids = [e.a, swapped && i % 2 === 0 ? e.c : e.b];
    // JSON strings are YAML strings: no quoting rules to get wrong.
    out.push(`  approval-${i}:`, `    type: ${PLUGIN_TYPE}`, "    properties:", `      clusterId: ${JSON.stringify(clusterId)}`, `      endpointIds: ${JSON.stringify(ids)}`);
  }
  return `${out.join("\n")}\n`;
}

export interface PluginSetup {
  /** Folders to put on the CLI's PATH: the plugin's, then the YAML language host's. */
  path: string[];
  /** e.g. v1.25.0, from the host's cache folder. */
  yamlHostVersion: string;
}

/** The installed plugin in the consumer project and the YAML host (built once, cached). Throws if either is missing. */
export async function pluginSetup(root: string, consumerDir: string): Promise<PluginSetup> {
  const pluginBin = path.join(consumerDir, "node_modules", ".bin");
  if (!fs.existsSync(path.join(pluginBin, PLUGIN_EXECUTABLE))) {
    throw new Error(`${PLUGIN_EXECUTABLE} is not in ${pluginBin}: the packed package has no bin of that name (package.json "bin")`);
  }
  const out = await exec("bash", [path.join(root, "scripts", "install-yaml-host.sh")], root, 900_000);
  const yamlBin = out.trim().split("\n").pop() as string;
  if (!fs.existsSync(path.join(yamlBin, "pulumi-language-yaml"))) throw new Error(`no pulumi-language-yaml in ${yamlBin}`);
  const version = /pulumi-language-yaml-(v[0-9.]+)/.exec(yamlBin)?.[1] ?? "unknown";
  return { path: [pluginBin, yamlBin], yamlHostVersion: version };
}
