/**
 * `VpcepConnectionApprovalProvider`: the dynamic provider behind `VpcepConnectionApproval`.
 *
 * It is closure-serialized into every resource's `__provider` state, so it holds nothing at
 * construction: no credentials, no clients, no sockets. Stack config arrives in `configure()` (in the
 * provider process only) and everything else is read from the environment when an operation runs.
 * Every method also works without `configure()` (it then reads the environment alone).
 *
 * The methods are deliberately thin: their code is what state keeps, and delete/refresh run the code
 * in state. All of them call `handle` (handlers.ts), which an installed package resolves by reference.
 */
import type * as pulumi from "@pulumi/pulumi";
import { handle } from "./handlers";
import type { StackConfig } from "../core/settings";
import type { ApprovalOutputs } from "./types";

type Props = Record<string, unknown>;

export class VpcepConnectionApprovalProvider implements pulumi.dynamic.ResourceProvider<Props, ApprovalOutputs> {
  /** Stack config (namespace css-vpcep); set by configure() inside the provider process only. */
  private stackConfig: StackConfig = {};

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.stackConfig = handle("configure", req);
  }

  check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    return handle("check", this.stackConfig, olds, news);
  }

  diff(id: string, olds: ApprovalOutputs, news: Props): Promise<pulumi.dynamic.DiffResult> {
    return handle("diff", this.stackConfig, id, olds as unknown as Props, news);
  }

  create(props: Props): Promise<pulumi.dynamic.CreateResult<ApprovalOutputs>> {
    return handle("create", this.stackConfig, props);
  }

  update(id: string, olds: ApprovalOutputs, news: Props): Promise<pulumi.dynamic.UpdateResult<ApprovalOutputs>> {
    return handle("update", this.stackConfig, id, olds as unknown as Props, news);
  }

  delete(id: string, props: ApprovalOutputs): Promise<void> {
    return handle("delete", this.stackConfig, id, props as unknown as Props);
  }

  read(id: string, props?: ApprovalOutputs): Promise<pulumi.dynamic.ReadResult<ApprovalOutputs>> {
    return handle("read", this.stackConfig, id, props as unknown as Props | undefined);
  }
}
