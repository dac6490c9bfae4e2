/**
 * The CSS API calls: cluster detail and the five vpcepservice calls, answered from the
 * cluster store. Auth and faults have already been handled when a call gets here.
 *
 * Check order: project (403 CSS.0010) -> cluster gone (goneStyle) -> POST/PUT only: unavailable
 * (412 CSS.0011) -> busy (409 CSS.0029) -> service disabled (400 CSS.5182) -> body validation
 * (400/404) -> apply. GET calls are never busy.
 */
import { cssError, emptyOk, json, type Answer, type ParsedBody } from "./answers";
import { isObject, stringList, type JsonObject } from "./options";
import type { ClusterState, ClusterStore } from "./state";
import type { Timers } from "./timers";
import type { ConnectionStatus, ResolvedEmulatorOptions } from "./types";

export type ApiRoute =
  | { kind: "cluster"; projectId: string; clusterId: string }
  | { kind: "connections"; projectId: string; clusterId: string }
  | { kind: "open"; projectId: string; clusterId: string }
  | { kind: "close"; projectId: string; clusterId: string }
  | { kind: "permissions"; projectId: string; clusterId: string };

/** The route for decoded path segments (without the leading ""); "iam" for the token call. */
export function routeFor(method: string, s: readonly string[]): ApiRoute | "iam" | undefined {
  if (s.length === 3 && s[0] === "v3" && s[1] === "auth" && s[2] === "tokens") return method === "POST" ? "iam" : undefined;
  if (s[0] !== "v1.0" || s[2] !== "clusters" || !s[1] || !s[3]) return undefined;
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
  constructor(
    private readonly store: ClusterStore,
    private readonly options: () => ResolvedEmulatorOptions,
    private readonly timers: Timers,
  ) {}

  answer(call: ApiCall): Answer {
    const { method, route } = call;
    const pid = this.options().projectId;
    // 403 (not 404): the project exists somewhere, these credentials just are not for it.
    if (route.projectId !== pid) {
      return cssError(403, "CSS.0010", `Not authorized for project ${route.projectId}: the credentials are scoped to another project`);
    }
    const xProject = call.headers["x-project-id"];
    if (xProject !== undefined && xProject !== pid) {
      return cssError(403, "CSS.0010", `X-Project-Id ${xProject} does not match project ${pid}`);
    }
    const c = this.store.get(route.clusterId);
    if (!c) return this.goneAnswer(route.clusterId);

    if (route.kind === "cluster") return json(200, this.clusterBody(c));

    if (method !== "GET") {
      if (!c.available) {
        return cssError(412, "CSS.0011", `Cluster ${c.id} is not available (status 303); wait until it is available and retry`);
      }
      if (this.store.isBusy(c)) {
        return cssError(409, "CSS.0029", "Another operation is in progress on the cluster, try again later");
      }
    }
    if (route.kind === "open") return this.open(c, call);
    if (!c.vpcepEnabled) return cssError(400, "CSS.5182", "VPC endpoint service is not enabled");
    if (route.kind === "close") {
      this.store.setVpcepEnabled(c, false);
      this.store.markBusy(c);
      return json(200, { action: "deleteVpcepservice" });
    }
    if (route.kind === "permissions") return this.permissions(c, call);
    return method === "GET" ? this.list(c, call.query) : this.action(c, call);
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
        return cssError(403, "CSS.0015", "Resource not found or access denied");
    }
  }

  private clusterBody(c: ClusterState): JsonObject {
    const body: JsonObject = {
      id: c.id,
      name: c.name,
      status: c.available ? "200" : "303",
      created: c.createdAt,
      updated: c.createdAt,
      datastore: { type: "elasticsearch", version: "7.10.2" },
      supportVpcep: c.vpcepEnabled,
    };
    if (c.vpcepEnabled) body["vpcepIp"] = c.vpcepIp;
    return body;
  }

  /** The field in the configured spelling, or the 400 to send. */
  private styled(obj: JsonObject, snake: string, camel: string): { value: unknown; error?: Answer } {
    const style = this.options().bodyStyle;
    if (style !== "camel" && obj[snake] !== undefined) return { value: obj[snake] };
    if (style !== "snake" && obj[camel] !== undefined) return { value: obj[camel] };
    const wanted = style === "camel" ? camel : snake;
    return { value: undefined, error: cssError(400, "CSS.0001", `Invalid parameter: ${wanted} is required`) };
  }

  /** The JSON object body of a call that needs one, or the 400 to send. */
  private objectBody(call: ApiCall): { body?: JsonObject; error?: Answer } {
    if (call.raw.length === 0) return { error: cssError(400, "CSS.0006", "The request body is empty") };
    if (!call.parsed.ok || !isObject(call.parsed.value)) {
      return { error: cssError(400, "CSS.0001", "Invalid parameter: the request body is not a JSON object") };
    }
    return { body: call.parsed.value };
  }

  private list(c: ClusterState, query: Record<string, string>): Answer {
    // `start` (the pre-2025 1-based parameter) is ignored, as the current API does.
    const int = (v: string | undefined, def: number): number | undefined =>
      v === undefined || v === "" ? def : /^\d+$/.test(v) ? Number(v) : undefined;
    const offset = int(query["offset"], 0);
    const limit = int(query["limit"], 10);
    if (offset === undefined) return cssError(400, "CSS.0001", "Invalid parameter: offset must be an integer >= 0");
    if (limit === undefined || limit < 1) return cssError(400, "CSS.0001", "Invalid parameter: limit must be an integer >= 1");
    const all = [...c.connections.values()];
    const page = all.slice(offset, offset + Math.min(limit, this.options().maxLimit));
    return json(200, {
      connections: page.map((x) => ({
        id: x.id,
        status: x.status,
        maxSession: "3000",
        specificationName: "default",
        created_at: x.createdAt,
        update_at: x.updatedAt,
        domain_id: x.domainId,
        vpcepIp: x.vpcepIp,
        vpcepDnsName: x.vpcepDnsName,
      })),
      vpcServiceName: c.vpcServiceName,
      permissions: c.permissions.map((p) => ({
        id: p.id,
        permission: `iam:domain::${p.domainId}`,
        permission_type: "domainId",
        created_at: p.createdAt,
      })),
      vpcepUpdateSwitch: false,
      total_count: all.length,
    });
  }

  private action(c: ClusterState, call: ApiCall): Answer {
    const { body, error } = this.objectBody(call);
    if (!body) return error as Answer;
    const list = this.styled(body, "endpoint_id_list", "endpointIdList");
    if (list.error) return list.error;
    const action = body["action"];
    if (action !== "receive" && action !== "reject") {
      return cssError(400, "CSS.0001", `Invalid parameter: action must be "receive" or "reject", got ${JSON.stringify(action)}`);
    }
    const ids = stringList(list.value);
    if (!ids) return cssError(400, "CSS.0001", "Invalid parameter: the endpoint id list must be an array of strings");
    if (ids.length === 0) return cssError(400, "CSS.0006", "The endpoint id list is empty");
    const unknown = [...new Set(ids.filter((id) => !c.connections.has(id)))];
    if (unknown.length > 0) {
      return cssError(404, "CSS.0016", `VPC endpoint ${unknown.join(", ")} is not connected to cluster ${c.id}`);
    }
    const target: ConnectionStatus = action === "receive" ? "accepted" : "rejected";
    const opts = this.options();
    if (!opts.freezeStatuses) {
      const apply = (): void => this.store.applyAction(c, ids, target);
      if (opts.applyDelayMs > 0) this.timers.later(opts.applyDelayMs, apply);
      else apply();
    }
    this.store.markBusy(c);
    return emptyOk();
  }

  private open(c: ClusterState, call: ApiCall): Answer {
    if (call.raw.length > 0 && (!call.parsed.ok || !isObject(call.parsed.value))) {
      return cssError(400, "CSS.0001", "Invalid parameter: the request body is not a JSON object");
    }
    this.store.setVpcepEnabled(c, true);
    this.store.markBusy(c);
    return json(200, { action: "createVpcepservice" });
  }

  private permissions(c: ClusterState, call: ApiCall): Answer {
    const { body, error } = this.objectBody(call);
    if (!body) return error as Answer;
    const field = this.styled(body, "vpc_permissions", "vpcPermissions");
    if (field.error) return field.error;
    const domains = stringList(field.value);
    if (!domains) return cssError(400, "CSS.0001", "Invalid parameter: the permission list must be an array of strings");
    this.store.setWhitelist(c, domains);
    this.store.markBusy(c);
    return emptyOk();
  }
}
