/**
 * A local HTTP emulator of the CSS VPC-endpoint API (DESIGN.md section 6): the five VPCEP calls,
 * GET cluster, the clusters list and IAM POST /v3/auth/tokens, with AK/SK and token auth, busy
 * windows, fault injection and a request log. The same state can be served on more than one
 * URL (listenAlso), as a real cluster is reachable through more than one endpoint.
 *
 * CssEmulator is the public face; the work is done by:
 * - http.ts: listening sockets and the request pipeline (faults.ts, request-log.ts),
 * - iam.ts: tokens, signatures, AK lock,
 * - css-routes.ts: the CSS calls and their checks, vpcep-calls.ts: the five vpcepservice calls,
 * - state.ts: clusters, connections, the endpoint service, busy windows,
 * - control.ts: the /_emulator HTTP controls, built on the public methods below.
 *
 * Choices where the real API is undocumented:
 * - path project id != the emulator's (or X-Project-Id differs): 403 CSS.0010;
 * - unknown route or wrong method: 404 APIG.0101 (gateway shape), before auth;
 * - a cluster with access denied answers 403 CSS.0015 to every call but stays in the list;
 * - closing the service drops its whitelist and DNS name and keeps its connections; re-enabling
 *   allocates a new vpcepIp; opening an open service is a 200 that changes nothing;
 * - connections list: `start` (the old 1-based paging parameter) is ignored, like the current API.
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
  ServiceState,
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

  /**
   * Serves the same state on one more port (default: a free one) of the same host; resolves its
   * base URL. For tests that reach the same clusters through another endpoint URL. stop() closes it.
   */
  async listenAlso(port = 0): Promise<string> {
    if (!this.front.listening) throw new Error("CssEmulator: call start() before listenAlso()");
    return this.front.listen(this.opts.host, port);
  }

  /** Closes every listener and destroys every socket, including idle keep-alive ones. */
  async stop(): Promise<void> {
    await this.front.close();
  }

  get url(): string {
    if (!this.baseUrl) throw new Error("CssEmulator: start() has not been called");
    return this.baseUrl;
  }

  /** Base URLs being served: url first, then those from listenAlso(); [] when stopped. */
  get urls(): string[] {
    return this.front.urls;
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

  /**
   * Opens or closes the endpoint service out of band (the console); no busy window. Opening
   * gives it a private DNS name unless endpointWithDnsName is false; on an open service that
   * option alone changes the DNS setting. Closing drops the whitelist, as the API's close does.
   */
  setVpcepEnabled(id: string, enabled: boolean, opts: { endpointWithDnsName?: boolean } = {}): void {
    const c = this.store.must(id);
    if (!enabled) this.store.closeService(c);
    else if (!c.vpcepEnabled) this.store.openService(c, opts.endpointWithDnsName ?? true);
    else if (opts.endpointWithDnsName !== undefined) c.endpointWithDnsName = opts.endpointWithDnsName;
  }

  /** Replaces the whitelist out of band; no busy window. */
  setWhitelist(clusterId: string, domainIds: readonly string[]): void {
    this.store.setWhitelist(this.store.must(clusterId), domainIds);
  }

  /** While denied, every call on the cluster answers 403 CSS.0015; the clusters list still shows it. */
  setAccessDenied(clusterId: string, denied: boolean): void {
    this.store.must(clusterId).accessDenied = denied;
  }

  setClusterAvailable(id: string, available: boolean): void {
    this.store.must(id).available = available;
  }

  /** The endpoint service: open, whitelist, DNS name setting, service name; undefined for an unknown cluster. */
  serviceState(clusterId: string): ServiceState | undefined {
    return this.store.service(clusterId);
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
