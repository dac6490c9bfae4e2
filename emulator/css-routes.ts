/**
 * The CSS API: which call a path is, the checks every call shares, cluster detail and the
 * clusters list; the five vpcepservice calls are in vpcep-calls.ts. Auth and faults have
 * already been handled when a call gets here.
 *
 * Check order: project (403 CSS.0010) -> [clusters list: denyClusterList (403 CSS.0015) -> page]
 * -> cluster gone (goneStyle) -> access denied (403 CSS.0015) -> POST/PUT only: unavailable
 * (412 CSS.0011) -> busy (409 CSS.0029) -> service disabled (400 CSS.5182; not for open) ->
 * body validation (400/404) -> apply. GET calls are never busy.
 *
 * The clusters list (ListClustersDetails) answers {"totalSize": N, "clusters": [...]} newest
 * first, as the OTC API reference `querying_the_cluster_list.rst` documents it (field names also
 * in huaweicloud-sdk-go-v3 `model_cluster_list.go`). It pages with `offset` (1-based there, see
 * ClusterListOffset) or the older 1-based `start`, and `limit` (default 10).
 */
import { cssError, json, type Answer, type ParsedBody } from "./answers";
import type { JsonObject } from "./options";
import type { ClusterState, ClusterStore } from "./state";
import type { Timers } from "./timers";
import type { ResolvedEmulatorOptions } from "./types";
import { VpcepCalls } from "./vpcep-calls";

type ClusterCall = "cluster" | "connections" | "open" | "close" | "permissions";

export type ApiRoute = { kind: "clusters"; projectId: string } | { kind: ClusterCall; projectId: string; clusterId: string };

const ACCESS_DENIED = "Resource not found or access denied";

/** The route for decoded path segments (without the leading ""); "iam" for the token call. */
export function routeFor(method: string, s: readonly string[]): ApiRoute | "iam" | undefined {
  if (s.length === 3 && s[0] === "v3" && s[1] === "auth" && s[2] === "tokens") return method === "POST" ? "iam" : undefined;
  if (s[0] !== "v1.0" || s[2] !== "clusters" || !s[1]) return undefined;
  if (s.length === 3) return method === "GET" ? { kind: "clusters", projectId: s[1] } : undefined;
  if (!s[3]) return undefined;
  const base = { projectId: s[1], clusterId: s[3] };
  if (s.length === 4) return method === "GET" ? { kind: "cluster", ...base } : undefined;
  if (s.length !== 6 || s[4] !== "vpcepservice") return undefined;
  const op = `${method} ${s[5]}`;
  if (op === "GET connections" || op === "POST connections") return { kind: "connections", ...base };
  if (op === "POST open") return { kind: "open", ...base };
  if (op === "PUT close") return { kind: "close", ...base };
  if (op === "POST permissions") return { kind: "permissions", ...base };
  return undefined;
}

/** One API call as the routes see it. */
export interface ApiCall {
  method: string;
  route: ApiRoute;
  /** Lower-case names. */
  headers: Record<string, string>;
  query: Record<string, string>;
  raw: Buffer;
  parsed: ParsedBody;
}

export class CssRoutes {
  private readonly vpcep: VpcepCalls;

  constructor(
    private readonly store: ClusterStore,
    private readonly options: () => ResolvedEmulatorOptions,
    timers: Timers,
  ) {
    this.vpcep = new VpcepCalls(store, options, timers);
  }

  answer(call: ApiCall): Answer {
    const { method, route } = call;
    const opts = this.options();
    // 403 (not 404): the project exists somewhere, these credentials just are not for it.
    if (route.projectId !== opts.projectId) {
      return cssError(403, "CSS.0010", `Not authorized for project ${route.projectId}: the credentials are scoped to another project`);
    }
    const xProject = call.headers["x-project-id"];
    if (xProject !== undefined && xProject !== opts.projectId) {
      return cssError(403, "CSS.0010", `X-Project-Id ${xProject} does not match project ${opts.projectId}`);
    }
    if (route.kind === "clusters") return this.clusterList(call.query);

    const c = this.store.get(route.clusterId);
    if (!c) return this.goneAnswer(route.clusterId);
    if (c.accessDenied) return cssError(403, "CSS.0015", ACCESS_DENIED);
    if (route.kind === "cluster") return json(200, this.clusterBody(c));

    if (method !== "GET") {
      if (!c.available) {
        return cssError(412, "CSS.0011", `Cluster ${c.id} is not available (status 303); wait until it is available and retry`);
      }
      if (this.store.isBusy(c)) {
        return cssError(409, "CSS.0029", "Another operation is in progress on the cluster, try again later");
      }
    }
    if (route.kind === "open") return this.vpcep.open(c, call);
    if (!c.vpcepEnabled) return cssError(400, "CSS.5182", "VPC endpoint service is not enabled");
    if (route.kind === "close") return this.vpcep.close(c);
    if (route.kind === "permissions") return this.vpcep.permissions(c, call);
    return method === "GET" ? this.vpcep.list(c, call) : this.vpcep.action(c, call);
  }

  private goneAnswer(clusterId: string): Answer {
    const msg = `Cluster ${clusterId} does not exist or has been deleted`;
    switch (this.options().goneStyle) {
      case "css3027":
        return cssError(404, "CSS.3027", msg);
      case "css0047":
        return cssError(400, "CSS.0047", msg);
      case "plain404":
        return json(404, { message: msg });
      case "css0015":
        return cssError(403, "CSS.0015", ACCESS_DENIED);
    }
  }

  /** Fields both the detail and the list show. */
  private clusterSummary(c: ClusterState): JsonObject {
    return {
      id: c.id,
      name: c.name,
      status: c.available ? "200" : "303",
      created: c.createdAt,
      updated: c.createdAt,
      datastore: { type: "elasticsearch", version: "7.10.2" },
    };
  }

  private clusterBody(c: ClusterState): JsonObject {
    const body: JsonObject = { ...this.clusterSummary(c), supportVpcep: c.vpcepEnabled };
    if (c.vpcepEnabled) body["vpcepIp"] = c.vpcepIp;
    return body;
  }

  private clusterList(query: Record<string, string>): Answer {
    const opts = this.options();
    if (opts.denyClusterList) {
      return cssError(403, "CSS.0015", "Access denied: the credentials may not list clusters (css:cluster:list)");
    }
    const int = (name: string): number | undefined | "bad" => {
      const v = query[name];
      if (v === undefined || v === "") return undefined;
      return /^\d+$/.test(v) ? Number(v) : "bad";
    };
    const offset = int("offset");
    const start = int("start");
    const limit = int("limit") ?? 10;
    if (offset === "bad" || start === "bad") return cssError(400, "CSS.0001", "Invalid parameter: offset/start must be a non-negative integer");
    if (limit === "bad" || limit < 1) return cssError(400, "CSS.0001", "Invalid parameter: limit must be an integer >= 1");
    // Index of the first cluster: `offset` wins over `start`; 1-based values below 1 read as 1.
    const first =
      offset !== undefined
        ? opts.clusterListOffset === "zero-based"
          ? offset
          : Math.max(offset, 1) - 1
        : Math.max(start ?? 1, 1) - 1;
    const all = this.store.newestFirst();
    const page = all.slice(first, first + Math.min(limit, opts.maxLimit));
    return json(200, {
      totalSize: all.length,
      clusters: page.map((c) => ({
        ...this.clusterSummary(c),
        actions: [],
        actionProgress: {},
        httpsEnable: false,
        authorityEnable: false,
      })),
    });
  }
}
