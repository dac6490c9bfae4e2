/**
 * `NaiveApproval` and `FloorApproval`: the engine bench's comparison resources, same inputs as
 * `VpcepConnectionApproval` (clusterId, endpointIds) and same kind of outputs (connections).
 *
 * They reach the consumer project as a small local package, `css-vpcep-bench-resources`
 * (bench/engine/consumer.ts packs it), installed next to pulumi-css-vpcep. Like ours, their
 * providers are thin shims over one module-level entry point (`handle` in handlers.ts), so the
 * closure serializer writes `require("css-vpcep-bench-resources/...")` into `__provider` instead
 * of the code: state carries a few KB per resource for all three, and the comparison is not skewed
 * by one of them serializing 100 KB of provider by value.
 */
import * as pulumi from "@pulumi/pulumi";
import { handle } from "./handlers";
import type { BenchOutputs } from "./handlers";

type Props = Record<string, unknown>;

export interface BenchApprovalArgs {
  clusterId: pulumi.Input<string>;
  endpointIds: pulumi.Input<pulumi.Input<string>[]>;
}

export class NaiveApprovalProvider implements pulumi.dynamic.ResourceProvider<Props, BenchOutputs> {
  check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return handle("naive", "check", olds, news);
  }
  diff(id: string, olds: BenchOutputs, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return handle("naive", "diff", id, olds as unknown as Props, news);
  }
  create(props: Props): Promise<pulumi.dynamic.CreateResult<BenchOutputs>> {
    return handle("naive", "create", props);
  }
  update(id: string, olds: BenchOutputs, news: Props): Promise<pulumi.dynamic.UpdateResult<BenchOutputs>> {
    return handle("naive", "update", id, olds as unknown as Props, news);
  }
  delete(id: string, props: BenchOutputs): Promise<void> {
    return handle("naive", "delete", id, props as unknown as Props);
  }
}

export class FloorApprovalProvider implements pulumi.dynamic.ResourceProvider<Props, BenchOutputs> {
  check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return handle("floor", "check", olds, news);
  }
  diff(id: string, olds: BenchOutputs, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return handle("floor", "diff", id, olds as unknown as Props, news);
  }
  create(props: Props): Promise<pulumi.dynamic.CreateResult<BenchOutputs>> {
    return handle("floor", "create", props);
  }
  update(id: string, olds: BenchOutputs, news: Props): Promise<pulumi.dynamic.UpdateResult<BenchOutputs>> {
    return handle("floor", "update", id, olds as unknown as Props, news);
  }
  delete(id: string, props: BenchOutputs): Promise<void> {
    return handle("floor", "delete", id, props as unknown as Props);
  }
}

// One provider object per kind: Pulumi serializes each object once.
let naiveProvider: NaiveApprovalProvider | undefined;
let floorProvider: FloorApprovalProvider | undefined;

export class NaiveApproval extends pulumi.dynamic.Resource {
  declare readonly connections: pulumi.Output<{ id: string; status: string }[]>;
  constructor(name: string, args: BenchApprovalArgs, opts?: pulumi.CustomResourceOptions) {
    super((naiveProvider ??= new NaiveApprovalProvider()), name, { ...args, connections: undefined }, opts, "css-vpcep-bench", "NaiveApproval");
  }
}

export class FloorApproval extends pulumi.dynamic.Resource {
  declare readonly connections: pulumi.Output<{ id: string; status: string }[]>;
  constructor(name: string, args: BenchApprovalArgs, opts?: pulumi.CustomResourceOptions) {
    super((floorProvider ??= new FloorApprovalProvider()), name, { ...args, connections: undefined }, opts, "css-vpcep-bench", "FloorApproval");
  }
}
