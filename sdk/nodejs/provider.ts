/** An explicit css-vpcep provider: its own region, project, endpoint and credentials, instead of stack config. */
import * as pulumi from "@pulumi/pulumi";
import { PACKAGE, PROVIDER_INPUTS, PROVIDER_SECRETS } from "./names";

export interface ProviderArgs {
  region?: pulumi.Input<string>;
  projectId?: pulumi.Input<string>;
  /** "otc" or "huawei"; inferred from the region when absent. */
  cloud?: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
  authUrl?: pulumi.Input<string>;
  accessKey?: pulumi.Input<string>;
  secretKey?: pulumi.Input<string>;
  securityToken?: pulumi.Input<string>;
  token?: pulumi.Input<string>;
  username?: pulumi.Input<string>;
  password?: pulumi.Input<string>;
  domainName?: pulumi.Input<string>;
}

export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs = {}, opts: pulumi.ResourceOptions = {}) {
    const given = args as Record<string, pulumi.Input<string> | undefined>;
    const props: Record<string, unknown> = {};
    for (const k of PROVIDER_INPUTS) {
      const v = given[k];
      props[k] = v !== undefined && PROVIDER_SECRETS.includes(k) ? pulumi.secret(v) : v;
    }
    super(PACKAGE, name, props, opts);
  }
}
