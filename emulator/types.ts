/** Public types of the CSS VPC-endpoint emulator. */

export type ConnectionStatus = "pendingAcceptance" | "accepted" | "rejected" | "creating" | "failed" | "deleting";

export const CONNECTION_STATUSES: readonly ConnectionStatus[] = [
  "pendingAcceptance",
  "accepted",
  "rejected",
  "creating",
  "failed",
  "deleting",
];

/** Which request-body field spelling POST calls accept (API drift: snake_case is current, camelCase older OTC). */
export type BodyStyle = "both" | "snake" | "camel";

/**
 * How a missing cluster is answered:
 * - "css0015": 403 CSS.0015 (documented; Terraform treats it as gone)
 * - "css3027": 404 CSS.3027
 * - "css0047": 400 CSS.0047
 * - "plain404": 404 with an empty JSON object body and no code
 */
export type GoneStyle = "css0015" | "css3027" | "css0047" | "plain404";

/**
 * `offset` of the clusters list (ListClustersDetails):
 * - "one-based" (default): 1 is the first cluster, as the OTC API reference documents it
 *   (range 1-1000, default 1); 0 is read as 1;
 * - "zero-based": 0 is the first cluster, like `offset` of the connections list.
 * The older `start` parameter is always 1-based.
 */
export type ClusterListOffset = "one-based" | "zero-based";

export interface EmulatorKey {
  accessKey: string;
  secretKey: string;
  /** Marks a temporary key: requests must send this as X-Security-Token. */
  securityToken?: string;
}

export interface EmulatorUser {
  name: string;
  password: string;
  domainName: string;
}

export interface ClusterOptions {
  name?: string;
  /** VPC endpoint service enabled (default true). */
  vpcepEnabled?: boolean;
  /** The open service has a private DNS name, so connections carry vpcepDnsName (default true). */
  endpointWithDnsName?: boolean;
  /** Account (domain) ids on the service's whitelist (default none). */
  whitelist?: string[];
  /** Every call on the cluster answers 403 CSS.0015; it still appears in the clusters list. */
  accessDenied?: boolean;
  /** Cluster status 200 (true, default) or 303 (false). */
  available?: boolean;
  /** Endpoint ids seeded as pendingAcceptance connections. */
  endpoints?: string[];
  /** Connections seeded after `endpoints`, with any of their fields. */
  connections?: NewConnection[];
  vpcServiceName?: string;
}

export interface ClusterSeed extends ClusterOptions {
  id: string;
}

export interface EmulatorOptions {
  host?: string;
  port?: number;
  projectId?: string;
  /** Region names; a token may be scoped by project name = one of them. The first names vpcServiceName. */
  regions?: string[];
  keys?: EmulatorKey[];
  users?: EmulatorUser[];
  tokenTtlMs?: number;
  /** After a change, POST/PUT on the cluster answer 409 CSS.0029 for this long. */
  busyMs?: number;
  /** `limit` above this is clamped (connections and clusters lists). */
  maxLimit?: number;
  bodyStyle?: BodyStyle;
  /** Allowed |server time - X-Sdk-Date|. */
  clockSkewMs?: number;
  /** How long an AK stays locked after 5 consecutive signature failures. */
  lockMs?: number;
  /** Delay before every API/IAM request is handled. */
  latencyMs?: number;
  /** Accept/reject statuses change this long after the 200 (0 = synchronously). */
  applyDelayMs?: number;
  /** Answer accept/reject with 200 but never change any status. */
  freezeStatuses?: boolean;
  goneStyle?: GoneStyle;
  /** GET /v1.0/{project_id}/clusters answers 403 CSS.0015 (credentials that may not list clusters). */
  denyClusterList?: boolean;
  /** How the clusters list reads `offset` (see ClusterListOffset). */
  clusterListOffset?: ClusterListOffset;
  /** Clusters created at start and again by reset(). */
  clusters?: ClusterSeed[];
}

/** Options after defaults; what `CssEmulator.options` returns. */
export interface ResolvedEmulatorOptions {
  host: string;
  port: number;
  projectId: string;
  regions: string[];
  keys: EmulatorKey[];
  users: EmulatorUser[];
  tokenTtlMs: number;
  busyMs: number;
  maxLimit: number;
  bodyStyle: BodyStyle;
  clockSkewMs: number;
  lockMs: number;
  latencyMs: number;
  applyDelayMs: number;
  freezeStatuses: boolean;
  goneStyle: GoneStyle;
  denyClusterList: boolean;
  clusterListOffset: ClusterListOffset;
  clusters: ClusterSeed[];
}

export interface Fault {
  /** HTTP status to answer (default 200 when only `body` is given). */
  status?: number;
  /** Error code; APIG.* codes use the gateway body shape, others the CSS shape. */
  code?: string;
  message?: string;
  /** Retry-After header value. */
  retryAfter?: string;
  /** Raw body sent as is, e.g. malformed JSON or an HTML page. */
  body?: string;
  contentType?: string;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Answer this late; with nothing else set the call is then handled normally. */
  delayMs?: number;
  /** Only calls matching this get the fault (default: every API call, not /v3/auth/tokens). */
  match?: { method?: string; pathIncludes?: string };
}

export type AuthKind = "aksk" | "token" | "none" | "failed";

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it is not JSON, or undefined when empty. Passwords are redacted. */
  body: unknown;
  /** 0 while unanswered or when the socket was reset. */
  status: number;
  errCode?: string;
  requestId: string;
  auth: AuthKind;
  clusterId?: string;
  /** ms since start(). */
  at: number;
  /** Set when a fault from failNext() was applied. */
  fault?: boolean;
  /** Base URL of the listener that received it (start() or listenAlso()). */
  via: string;
}

export interface RequestFilter {
  method?: string;
  pathIncludes?: string;
  /** e.g. "/vpcepservice/open"; a query string is never part of the path. */
  pathEndsWith?: string;
  status?: number;
  clusterId?: string;
  auth?: AuthKind;
  /** Base URL of the listener, e.g. the one listenAlso() returned. */
  via?: string;
}

export interface ConnectionInfo {
  id: string;
  status: ConnectionStatus;
  domainId: string;
  vpcepIp: string;
  /** Only while the cluster's service is open with a private DNS name. */
  vpcepDnsName?: string;
  vpcepIpv6Address?: string;
  createdAt: string;
  updatedAt: string | null;
}

export interface NewConnection {
  id: string;
  status?: ConnectionStatus;
  /** The consumer's account (default: a stable id derived from the endpoint id). */
  domainId?: string;
  vpcepIp?: string;
  /** Shown while the service has a private DNS name (default: derived from the endpoint id). */
  vpcepDnsName?: string;
  vpcepIpv6Address?: string;
}

/** The cluster's VPC endpoint service as the owner sees it. */
export interface ServiceState {
  open: boolean;
  /** Account (domain) ids allowed to connect. */
  whitelist: string[];
  endpointWithDnsName: boolean;
  vpcServiceName: string;
  /** The service address, while open. */
  vpcepIp?: string;
}

export interface ClusterInfo {
  id: string;
  name: string;
  vpcepEnabled: boolean;
  endpointWithDnsName: boolean;
  accessDenied: boolean;
  available: boolean;
  vpcServiceName: string;
  vpcepIp: string;
  /** The whitelist: account (domain) ids. */
  permissions: string[];
  /** Remaining busy window, 0 when not busy. */
  busyForMs: number;
  connections: ConnectionInfo[];
}
