/** Region to service URL for both clouds (pure). Sources: css-vpcep-api.md section 3. */
import type { Cloud } from "./types";

// An array, not a Set: the closure serializer copies a Set as an empty object.
const OTC_REGIONS: readonly string[] = ["eu-de", "eu-nl", "eu-ch2"];

/** Which cloud a region belongs to when the user did not say: OTC's three regions, else Huawei. */
export function inferCloud(region: string): Cloud {
  return OTC_REGIONS.includes(region) ? "otc" : "huaweicloud";
}

function huaweiDomain(region: string): string {
  // Huawei's European sovereign regions (eu-west-101 ...) live under the .eu domain.
  return /^eu-west-1\d\d$/.test(region) ? "myhuaweicloud.eu" : "myhuaweicloud.com";
}

/** The CSS API base URL for a region. */
export function cssEndpoint(cloud: Cloud, region: string): string {
  if (cloud === "otc") {
    // Swiss region eu-ch2 sits under the "sc" subdomain.
    return region === "eu-ch2" ? "https://css.eu-ch2.sc.otc.t-systems.com" : `https://css.${region}.otc.t-systems.com`;
  }
  // Two old Huawei regions name the service "es".
  const service = region === "cn-north-1" || region === "cn-east-2" ? "es" : "css";
  return `https://${service}.${region}.${huaweiDomain(region)}`;
}

/** The IAM v3 base URL (token exchange) for a region. */
export function iamEndpoint(cloud: Cloud, region: string): string {
  if (cloud === "otc") {
    return region === "eu-ch2" ? "https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3" : `https://iam.${region}.otc.t-systems.com/v3`;
  }
  return `https://iam.${region}.${huaweiDomain(region)}/v3`;
}
