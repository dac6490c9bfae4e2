/**
 * Cluster state: clusters, their connections, the endpoint-service whitelist and busy windows.
 * No HTTP here; the CSS routes and the in-process API both change state through this store.
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
} from "./types";

export interface PermissionState {
  id: string;
  domainId: string;
  createdAt: string;
}

export interface ClusterState {
  id: string;
  name: string;
  vpcepEnabled: boolean;
  available: boolean;
  vpcServiceName: string;
  vpcepIp: string;
  permissions: PermissionState[];
  /** performance.now() until which POST/PUT answer 409. */
  busyUntil: number;
  createdAt: string;
  connections: Map<string, ConnectionInfo>;
}

/** A stable, made-up account id for a seed string. */
export function stableDomainId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 32);
}

export class ClusterStore {
  private readonly byId = new Map<string, ClusterState>();
  private ipCounter = 10;

  constructor(private readonly options: () => ResolvedEmulatorOptions) {}

  private get region(): string {
    return this.options().regions[0] ?? "eu-de";
  }

  add(id: string, opts: ClusterOptions = {}): void {
    if (this.byId.has(id)) throw new EmulatorInputError(`cluster ${id} already exists`, 409);
    this.byId.set(id, {
      id,
      name: opts.name ?? `css-${id.slice(0, 8)}`,
      vpcepEnabled: opts.vpcepEnabled ?? true,
      available: opts.available ?? true,
      vpcServiceName: opts.vpcServiceName ?? `${this.region}.css-op-no-delete.${randomUUID()}`,
      vpcepIp: this.nextIp(),
      permissions: [],
      busyUntil: 0,
      createdAt: nowIso(),
      connections: new Map(),
    });
    for (const e of opts.endpoints ?? []) this.addConnection(id, { id: e });
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

  ids(): string[] {
    return [...this.byId.keys()];
  }

  // ---- the endpoint service ----------------------------------------------------------------

  /** Re-enabling allocates a new endpoint-service IP, as the real service may. */
  setVpcepEnabled(c: ClusterState, enabled: boolean): void {
    if (enabled && !c.vpcepEnabled) c.vpcepIp = this.nextIp();
    c.vpcepEnabled = enabled;
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
    c.connections.set(conn.id, {
      id: conn.id,
      status: conn.status ?? "pendingAcceptance",
      domainId: conn.domainId ?? stableDomainId(`consumer:${conn.id}`),
      vpcepIp: conn.vpcepIp ?? this.nextIp(),
      vpcepDnsName: conn.vpcepDnsName ?? `${conn.id}.vpcep.${this.region}.emulator.local`,
      createdAt: nowIso(),
      updatedAt: null,
    });
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

  connections(clusterId: string): ConnectionInfo[] {
    const c = this.byId.get(clusterId);
    return c ? [...c.connections.values()].map((x) => ({ ...x })) : [];
  }

  info(id: string): ClusterInfo | undefined {
    const c = this.byId.get(id);
    if (!c) return undefined;
    return {
      id: c.id,
      name: c.name,
      vpcepEnabled: c.vpcepEnabled,
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
