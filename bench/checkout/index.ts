/**
 * The engine bench's program run from the repository checkout: what bench/engine/consumer.ts's
 * program declares for `impl: ours`, with the provider imported from the source (`../../provider`).
 * The closure serializer then writes the provider's code into every resource's `__provider`
 * (about 100 KB, in inputs and again in outputs) instead of a package reference.
 */
import * as pulumi from "@pulumi/pulumi";
import { VpcepConnectionApproval } from "../../provider";

const config = new pulumi.Config();
const clusters = config.requireObject<string[]>("clusters");
const count = config.requireNumber("count");
const swapped = config.getBoolean("swapped") === true;
for (let i = 0; i < count; i++) {
  const clusterId = clusters[i % clusters.length];
  const ep = (s: string) => `${clusterId}-r${String(i).padStart(3, "0")}-${s}`;
  new VpcepConnectionApproval(`approval-${i}`, { clusterId, endpointIds: [ep("a"), swapped && i % 2 === 0 ? ep("c") : ep("b")] });
}
