/**
 * What the /_emulator controls need from the emulator. CssEmulator implements it; control.ts
 * depends only on this interface, so control.ts and server.ts import no circle.
 */
import type {
  ClusterInfo,
  ClusterOptions,
  ConnectionInfo,
  ConnectionStatus,
  EmulatorOptions,
  Fault,
  NewConnection,
  RecordedRequest,
  RequestFilter,
  ResolvedEmulatorOptions,
  ServiceState,
} from "./types";

export interface ControlAnswer {
  status: number;
  body: unknown;
}

export interface EmulatorControls {
  readonly url: string;
  readonly urls: string[];
  listenAlso(port?: number): Promise<string>;
  readonly projectId: string;
  readonly options: ResolvedEmulatorOptions;
  configure(partial: Partial<EmulatorOptions>): void;
  reset(): void;
  expireTokens(): void;

  addCluster(id: string, opts?: ClusterOptions): void;
  removeCluster(id: string): void;
  cluster(id: string): ClusterInfo | undefined;
  clusters(): ClusterInfo[];
  setVpcepEnabled(id: string, enabled: boolean, opts?: { endpointWithDnsName?: boolean }): void;
  setWhitelist(clusterId: string, domainIds: readonly string[]): void;
  setAccessDenied(clusterId: string, denied: boolean): void;
  setClusterAvailable(id: string, available: boolean): void;
  serviceState(clusterId: string): ServiceState | undefined;
  resetConnections(clusterId: string): void;

  addConnection(clusterId: string, conn: NewConnection): void;
  removeConnection(clusterId: string, endpointId: string): void;
  setStatus(clusterId: string, endpointId: string, status: ConnectionStatus): void;
  status(clusterId: string, endpointId: string): ConnectionStatus | undefined;
  connections(clusterId: string): ConnectionInfo[];

  failNext(n: number, fault: Fault): void;
  clearFaults(): void;
  pendingFaults(): { remaining: number; fault: Fault }[];

  findRequests(filter?: RequestFilter): RecordedRequest[];
  count(filter?: RequestFilter): number;
  clearRequests(): void;
}
