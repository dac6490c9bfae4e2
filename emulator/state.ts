/**
 * Cluster state: clusters, their connections, the endpoint service (open, private DNS name,
 * whitelist), access denial and busy windows. No HTTP here; the CSS routes and the in-process
 * API both change state through this store.
 *
 * Closing the service deletes it with its whitelist and DNS name (reopening starts without
 * them and gets a new vpcepIp); connections are kept so tests can see them again.
 */
import { createHash, randomUUID } from "crypto";
import { performance } from "perf_hooks";
import { nowIso } from "./answers";
import { EmulatorInputError } from "./options";
import type {
  ClusterInfo,
  ClusterOptions,
  ConnectionInfo,
  ConnectionStatus,
  NewConnection,
  ResolvedEmulatorOptions,
  ServiceState,
} from "./types";

export interface PermissionState {
  id: string;
  domainId: string;
  createdAt: string;
}

/** A connection as stored: its DNS name is kept even while the service has none to show. */
export interface ConnectionState {
  id: string;
  status: ConnectionStatus;
  domainId: string;
  vpcepIp: string;
  dnsName: string;
  vpcepIpv6Address?: string;
  createdAt: string;
  updatedAt: string | null;
}

export interface ClusterState {
  id: string;
  name: string;
  /** Creation order; the clusters list shows the newest first. */
  seq: number;
  vpcepEnabled: boolean;
  endpointWithDnsName: boolean;
  accessDenied: boolean;
  available: boolean;
  vpcServiceName: string;
  vpcepIp: string;
  permissions: PermissionState[];
  /** performance.now() until which POST/PUT answer 409. */
  busyUntil: number;
  createdAt: string;
  connections: Map<string, ConnectionState>;
}

/** A stable, made-up account id for a seed string. */
export function stableDomainId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 32);
}

export class ClusterStore {
  private readonly byId = new Map<string, ClusterState>();
  private ipCounter = 10;
  private seq = 0;

  constructor(private readonly options: () => ResolvedEmulatorOptions) {}

  private get region(): string {
    return this.options().regions[0] ?? "eu-de";
  }

  add(id: string, opts: ClusterOptions = {}): void {
    if (this.byId.has(id)) throw new EmulatorInputError(`cluster ${id} already exists`, 409);
    const vpcepEnabled = opts.vpcepEnabled ?? true;
    const c: ClusterState = {
      id,
      name: opts.name ?? `css-${id.slice(0, 8)}`,
      seq: this.seq++,
      vpcepEnabled,
      endpointWithDnsName: vpcepEnabled && (opts.endpointWithDnsName ?? true),
      accessDenied: opts.accessDenied ?? false,
      available: opts.available ?? true,
      vpcServiceName: opts.vpcServiceName ?? `${this.region}.css-op-no-delete.${randomUUID()}`,
      vpcepIp: this.nextIp(),
      permissions: [],
      busyUntil: 0,
      createdAt: nowIso(),
      connections: new Map(),
    };
    this.byId.set(id, c);
    if (opts.whitelist !== undefined) this.setWhitelist(c, opts.whitelist);
    for (const e of opts.endpoints ?? []) this.addConnection(id, { id: e });
    for (const conn of opts.connections ?? []) this.addConnection(id, conn);
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  clear(): void {
    this.byId.clear();
  }

  get(id: string): ClusterState | undefined {
    return this.byId.get(id);
  }

  must(id: string): ClusterState {
    const c = this.byId.get(id);
    if (!c) throw new EmulatorInputError(`cluster ${id} does not exist`, 404);
    return c;
  }

  /** Insertion order. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Newest first, as ListClustersDetails sorts them. */
  newestFirst(): ClusterState[] {
    return [...this.byId.values()].sort((a, b) => b.seq - a.seq);
  }

  // ---- the endpoint service ----------------------------------------------------------------

  /** Opens a closed service; re-enabling allocates a new endpoint-service IP, as the real service may. */
  openService(c: ClusterState, withDnsName: boolean): void {
    if (c.vpcepEnabled) return;
    c.vpcepIp = this.nextIp();
    c.vpcepEnabled = true;
    c.endpointWithDnsName = withDnsName;
  }

  /** Deletes the service with its whitelist and DNS name; connections stay. */
  closeService(c: ClusterState): void {
    c.vpcepEnabled = false;
    c.endpointWithDnsName = false;
    c.permissions = [];
  }

  setWhitelist(c: ClusterState, domainIds: readonly string[]): void {
    const at = nowIso();
    c.permissions = [...new Set(domainIds)].map((d) => ({ id: randomUUID(), domainId: d, createdAt: at }));
  }

  markBusy(c: ClusterState): void {
    c.busyUntil = performance.now() + this.options().busyMs;
  }

  isBusy(c: ClusterState): boolean {
    return c.busyUntil > performance.now();
  }

  // ---- connections ---------------------------------------------------------------------------

  addConnection(clusterId: string, conn: NewConnection): void {
    const c = this.must(clusterId);
    if (c.connections.has(conn.id)) throw new EmulatorInputError(`endpoint ${conn.id} is already connected to cluster ${clusterId}`, 409);
    const state: ConnectionState = {
      id: conn.id,
      status: conn.status ?? "pendingAcceptance",
      domainId: conn.domainId ?? stableDomainId(`consumer:${conn.id}`),
      vpcepIp: conn.vpcepIp ?? this.nextIp(),
      dnsName: conn.vpcepDnsName ?? `${conn.id}.vpcep.${this.region}.emulator.local`,
      createdAt: nowIso(),
      updatedAt: null,
    };
    if (conn.vpcepIpv6Address !== undefined) state.vpcepIpv6Address = conn.vpcepIpv6Address;
    c.connections.set(conn.id, state);
  }

  removeConnection(clusterId: string, endpointId: string): void {
    this.byId.get(clusterId)?.connections.delete(endpointId);
  }

  setStatus(clusterId: string, endpointId: string, status: ConnectionStatus): void {
    const conn = this.must(clusterId).connections.get(endpointId);
    if (!conn) throw new EmulatorInputError(`endpoint ${endpointId} is not connected to cluster ${clusterId}`, 404);
    conn.status = status;
    conn.updatedAt = nowIso();
  }

  /** Applies an accepted receive/reject to the endpoints still connected. */
  applyAction(c: ClusterState, endpointIds: readonly string[], status: ConnectionStatus): void {
    const at = nowIso();
    for (const id of endpointIds) {
      const conn = c.connections.get(id);
      if (!conn) continue;
      conn.status = status;
      conn.updatedAt = at;
    }
  }

  resetConnections(clusterId: string): void {
    for (const conn of this.must(clusterId).connections.values()) {
      conn.status = "pendingAcceptance";
      conn.updatedAt = null;
    }
  }

  status(clusterId: string, endpointId: string): ConnectionStatus | undefined {
    return this.byId.get(clusterId)?.connections.get(endpointId)?.status;
  }

  // ---- snapshots for callers (copies, never live state) ------------------------------------

  /** A connection as the owner sees it: the DNS name only while the service has one. */
  connectionView(c: ClusterState, x: ConnectionState): ConnectionInfo {
    const view: ConnectionInfo = {
      id: x.id,
      status: x.status,
      domainId: x.domainId,
      vpcepIp: x.vpcepIp,
      createdAt: x.createdAt,
      updatedAt: x.updatedAt,
    };
    if (c.endpointWithDnsName) view.vpcepDnsName = x.dnsName;
    if (x.vpcepIpv6Address !== undefined) view.vpcepIpv6Address = x.vpcepIpv6Address;
    return view;
  }

  connections(clusterId: string): ConnectionInfo[] {
    const c = this.byId.get(clusterId);
    return c ? [...c.connections.values()].map((x) => this.connectionView(c, x)) : [];
  }

  service(clusterId: string): ServiceState | undefined {
    const c = this.byId.get(clusterId);
    if (!c) return undefined;
    const state: ServiceState = {
      open: c.vpcepEnabled,
      whitelist: c.permissions.map((p) => p.domainId),
      endpointWithDnsName: c.endpointWithDnsName,
      vpcServiceName: c.vpcServiceName,
    };
    if (c.vpcepEnabled) state.vpcepIp = c.vpcepIp;
    return state;
  }

  info(id: string): ClusterInfo | undefined {
    const c = this.byId.get(id);
    if (!c) return undefined;
    return {
      id: c.id,
      name: c.name,
      vpcepEnabled: c.vpcepEnabled,
      endpointWithDnsName: c.endpointWithDnsName,
      accessDenied: c.accessDenied,
      available: c.available,
      vpcServiceName: c.vpcServiceName,
      vpcepIp: c.vpcepIp,
      permissions: c.permissions.map((p) => p.domainId),
      busyForMs: Math.max(0, Math.ceil(c.busyUntil - performance.now())),
      connections: this.connections(id),
    };
  }

  nextIp(): string {
    const n = this.ipCounter++;
    return `192.168.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
  }
}
