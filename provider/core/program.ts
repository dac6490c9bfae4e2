/**
 * Program-side helpers shared by the resource classes (they run in the user's program, not in the
 * provider process): refusing the import option, and carrying the secretness of inputs to the
 * outputs derived from them.
 */
import * as pulumi from "@pulumi/pulumi";

/** Pulumi's dynamic provider host cannot import (it fails deep inside with "reading 'toJavaScript'"): say what to do instead. */
export function refuseImport(type: string, name: string, opts: pulumi.CustomResourceOptions | undefined, instead: string): void {
  if (opts?.import === undefined) return;
  throw new Error(`${type} "${name}": the import option is not supported (a limit of Pulumi dynamic resources); remove it and declare the resource instead: ${instead}`);
}

/** Which of `keys` the program passed as secrets (undefined when none: nothing is added to state). */
export function secretInputNames<K extends string>(args: Partial<Record<K, unknown>>, keys: readonly K[]): pulumi.Output<string[] | undefined> {
  const given = keys.filter((k) => args[k] !== undefined);
  const names = Promise.all(given.map((k) => pulumi.isSecret(pulumi.output(args[k] as pulumi.Input<unknown>)))).then((flags) => {
    const secret: string[] = given.filter((_k, i) => flags[i]);
    return secret.length > 0 ? secret : undefined;
  });
  return pulumi.output(names);
}

/**
 * Inputs named like the derived outputs, valueless, secret when a sensitive input is: the engine
 * marks an output secret when the input of the same name holds a secret (the provider itself cannot
 * return secrets). Nothing is added when no input is secret.
 */
export function derivedSecretMarkers(secretInputs: pulumi.Output<string[] | undefined>, outputs: readonly string[]): Record<string, pulumi.Output<undefined>> {
  const marker: pulumi.Output<undefined> = secretInputs.apply((names) => (names ? pulumi.secret(undefined) : undefined)) as pulumi.Output<undefined>;
  return Object.fromEntries(outputs.map((o) => [o, marker]));
}
