/**
 * `VpcepServiceProvider`: the dynamic provider behind `VpcepService`. Like the approval's, it holds
 * nothing at construction and every method is a one-line call to the stable entry point.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../core/settings";
import { handleService } from "./handlers";
import type { ServiceOutputs } from "./types";

type Props = Record<string, unknown>;

export class VpcepServiceProvider implements pulumi.dynamic.ResourceProvider<Props, ServiceOutputs> {
  /** Stack config (namespace css-vpcep); set by configure() inside the provider process only. */
  private stackConfig: StackConfig = {};

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.stackConfig = handleService("configure", req);
  }

  check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return handleService("check", this.stackConfig, olds, news);
  }

  diff(id: string, olds: ServiceOutputs, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return handleService("diff", this.stackConfig, id, olds as unknown as Props, news);
  }

  create(props: Props): Promise<pulumi.dynamic.CreateResult<ServiceOutputs>> {
    return handleService("create", this.stackConfig, props);
  }

  update(id: string, olds: ServiceOutputs, news: Props): Promise<pulumi.dynamic.UpdateResult<ServiceOutputs>> {
    return handleService("update", this.stackConfig, id, olds as unknown as Props, news);
  }

  delete(id: string, props: ServiceOutputs): Promise<void> {
    return handleService("delete", this.stackConfig, id, props as unknown as Props);
  }

  read(id: string, props?: ServiceOutputs): Promise<pulumi.dynamic.ReadResult<ServiceOutputs>> {
    return handleService("read", this.stackConfig, id, props as unknown as Props | undefined);
  }
}
