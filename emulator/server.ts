/**
 * A local HTTP emulator of the CSS VPC-endpoint API (DESIGN.md section 6): the five VPCEP calls,
 * GET cluster and IAM POST /v3/auth/tokens, with AK/SK and token auth, busy windows, fault
 * injection and a request log.
 *
 * CssEmulator is the public face; the work is done by:
 * - http.ts: listening sockets and the request pipeline (faults.ts, request-log.ts),
 * - iam.ts: tokens, signatures, AK lock,
 * - css-routes.ts: the CSS calls and their checks,
 * - state.ts: clusters, connections, whitelist, busy windows,
 * - control.ts: the /_emulator HTTP controls, built on the public methods below.
 *
 * Choices where the real API is undocumented:
 * - path project id != the emulator's (or X-Project-Id differs): 403 CSS.0010;
 * - unknown route or wrong method: 404 APIG.0101 (gateway shape), before auth;
 * - disabling the service keeps its connections; re-enabling allocates a new vpcepIp;
 * - `start` (the old 1-based paging parameter) is ignored, like the current API.
 */
import type { ControlAnswer, EmulatorControls } from "./contract";
import { handleControl } from "./control";
import { CssRoutes } from "./css-routes";
import { FaultQueue } from "./faults";
import { HttpFront } from "./http";
import { IamAuthority } from "./iam";
import { checkOptions, defaultOptions } from "./options";
import { RequestLog } from "./request-log";
import { ClusterStore } from "./state";
import { Timers } from "./timers";
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
} from "./types";

export class CssEmulator implements EmulatorControls {
  private readonly initial: ResolvedEmulatorOptions;
  private opts: ResolvedEmulatorOptions;
  private baseUrl = "";
  private readonly timers = new Timers();
  private readonly store: ClusterStore;
  private readonly iam: IamAuthority;
  private readonly faults = new FaultQueue();
  private readonly log = new RequestLog();
  private readonly front: HttpFront;

  constructor(opts: EmulatorOptions = {}) {
    this.initial = { ...defaultOptions(), ...checkOptions(opts) };
    this.opts = structuredClone(this.initial);
    const options = (): ResolvedEmulatorOptions => this.opts;
    this.store = new ClusterStore(options);
    this.iam = new IamAuthority(options);
    this.front = new HttpFront({
      options,
      timers: this.timers,
      log: this.log,
      faults: this.faults,
      iam: this.iam,
      routes: new CssRoutes(this.store, options, this.timers),
      control: (method, path, rawQuery, body): Promise<ControlAnswer> => handleControl(this, method, path, rawQuery, body),
    });
    this.seedClusters();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Starts listening; resolves the base URL, e.g. http://127.0.0.1:PORT. */
  async start(): Promise<string> {
    if (this.front.listening) return this.baseUrl;
    this.baseUrl = await this.front.listen(this.opts.host, this.opts.port);
    return this.baseUrl;
  }

  /** Closes the server and destroys every socket, including idle keep-alive ones. */
  async stop(): Promise<void> {
    await this.front.close();
  }

  get url(): string {
    if (!this.baseUrl) throw new Error("CssEmulator: start() has not been called");
    return this.baseUrl;
  }

  get projectId(): string {
    return this.opts.projectId;
  }

  /** A copy of the current options. */
  get options(): ResolvedEmulatorOptions {
    return structuredClone(this.opts);
  }

  /** Change behaviour at runtime (busyMs, bodyStyle, maxLimit, latencyMs, keys...). host/port apply at the next start(). */
  configure(partial: Partial<EmulatorOptions>): void {
    this.opts = { ...this.opts, ...checkOptions(partial) };
  }

  /** Back to the constructor's options and seeded clusters; clears the log, faults, tokens and AK locks. */
  reset(): void {
    this.timers.cancelPending();
    this.opts = structuredClone(this.initial);
    this.store.clear();
    this.iam.clear();
    this.faults.clear();
    this.log.clear();
    this.seedClusters();
  }

  // ---- clusters --------------------------------------------------------------------------

  addCluster(id: string, opts: ClusterOptions = {}): void {
    this.store.add(id, opts);
  }

  removeCluster(id: string): void {
    this.store.remove(id);
  }

  /** Out-of-band change; does not start a busy window. */
  setVpcepEnabled(id: string, enabled: boolean): void {
    this.store.setVpcepEnabled(this.store.must(id), enabled);
  }

  setClusterAvailable(id: string, available: boolean): void {
    this.store.must(id).available = available;
  }

  cluster(id: string): ClusterInfo | undefined {
    return this.store.info(id);
  }

  clusters(): ClusterInfo[] {
    return this.store.ids().map((id) => this.store.info(id) as ClusterInfo);
  }

  // ---- connections -----------------------------------------------------------------------

  addConnection(clusterId: string, conn: NewConnection): void {
    this.store.addConnection(clusterId, conn);
  }

  removeConnection(clusterId: string, endpointId: string): void {
    this.store.removeConnection(clusterId, endpointId);
  }

  /** Out-of-band change (someone clicked in the console); does not start a busy window. */
  setStatus(clusterId: string, endpointId: string, status: ConnectionStatus): void {
    this.store.setStatus(clusterId, endpointId, status);
  }

  /** Every connection of the cluster back to pendingAcceptance. */
  resetConnections(clusterId: string): void {
    this.store.resetConnections(clusterId);
  }

  status(clusterId: string, endpointId: string): ConnectionStatus | undefined {
    return this.store.status(clusterId, endpointId);
  }

  /** Connections in insertion order; [] for an unknown cluster. */
  connections(clusterId: string): ConnectionInfo[] {
    return this.store.connections(clusterId);
  }

  // ---- faults, tokens, request log -------------------------------------------------------

  /** The next n matching API calls (after successful auth) get this fault. */
  failNext(n: number, fault: Fault): void {
    this.faults.add(n, fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  pendingFaults(): { remaining: number; fault: Fault }[] {
    return this.faults.pending();
  }

  /** Every issued token now answers 401 "token expired". */
  expireTokens(): void {
    this.iam.expireTokens();
  }

  get requests(): RecordedRequest[] {
    return this.log.entries;
  }

  clearRequests(): void {
    this.log.clear();
  }

  /** Recorded requests matching the filter (all when none). */
  findRequests(filter: RequestFilter = {}): RecordedRequest[] {
    return this.log.find(filter);
  }

  count(filter: RequestFilter = {}): number {
    return this.log.find(filter).length;
  }

  private seedClusters(): void {
    for (const seed of this.opts.clusters) {
      const { id, ...rest } = seed;
      this.store.add(id, rest);
    }
  }
}
