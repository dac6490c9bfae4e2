/** Object types of the schema (css-vpcep:index:Connection, css-vpcep:index:Addresses). */
export interface Connection {
  id: string;
  /** pendingAcceptance, accepted, rejected, failed or deleting. */
  status: string;
  domainId?: string;
  vpcepIp?: string;
  vpcepIpv6Address?: string;
  vpcepDnsName?: string;
  updatedAt?: string;
}

export interface Addresses {
  vpcepIp?: string;
  vpcepIpv6Address?: string;
}
