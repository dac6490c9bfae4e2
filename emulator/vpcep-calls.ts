/**
 * The five vpcepservice calls on one cluster (css-vpcep-api.md section 1). css-routes.ts has
 * already checked project, cluster, access and, for changes, availability and the busy window.
 *
 * - POST /open on a service that is already open answers 200 {"action":"createVpcepservice"} and
 *   changes nothing (DNS name, IP, whitelist stay): the API reference documents no error for it,
 *   and an idempotent open is what a client that retries after a lost answer needs. It still
 *   starts a busy window, like every accepted change.
 * - `endpoint_with_dns_name` is optional: a spelling the configured bodyStyle does not accept is
 *   ignored (a server that does not know a field drops it), so the service opens without DNS.
 * - PUT /close on a closed service: 400 CSS.5182, like every call but open.
 * - Every accepted change (open, close, permissions, receive, reject) starts the busy window.
 */
import { cssError, emptyOk, json, type Answer, type ParsedBody } from "./answers";
import { isObject, stringList, type JsonObject } from "./options";
import type { ClusterState, ClusterStore } from "./state";
import type { Timers } from "./timers";
import type { ConnectionStatus, ResolvedEmulatorOptions } from "./types";

/** The request parts a vpcepservice call reads. */
export interface CallInput {
  query: Record<string, string>;
  raw: Buffer;
  parsed: ParsedBody;
}

export class VpcepCalls {
  constructor(
    private readonly store: ClusterStore,
    private readonly options: () => ResolvedEmulatorOptions,
    private readonly timers: Timers,
  ) {}

  /** The field in the configured spelling; undefined when absent in that spelling. */
  private styled(obj: JsonObject, snake: string, camel: string): unknown {
    const style = this.options().bodyStyle;
    if (style !== "camel" && obj[snake] !== undefined) return obj[snake];
    if (style !== "snake" && obj[camel] !== undefined) return obj[camel];
    return undefined;
  }

  /** A required field in the configured spelling, or the 400 to send. */
  private required(obj: JsonObject, snake: string, camel: string): { value: unknown; error?: Answer } {
    const value = this.styled(obj, snake, camel);
    if (value !== undefined) return { value };
    const wanted = this.options().bodyStyle === "camel" ? camel : snake;
    return { value, error: cssError(400, "CSS.0001", `Invalid parameter: ${wanted} is required`) };
  }

  /** The JSON object body of a call that needs one, or the 400 to send. */
  private objectBody(input: CallInput, optional = false): { body?: JsonObject; error?: Answer } {
    if (input.raw.length === 0) return optional ? { body: {} } : { error: cssError(400, "CSS.0006", "The request body is empty") };
    if (!input.parsed.ok || !isObject(input.parsed.value)) {
      return { error: cssError(400, "CSS.0001", "Invalid parameter: the request body is not a JSON object") };
    }
    return { body: input.parsed.value };
  }

  /** GET /connections, paged with offset (0-based) and limit; `start` is ignored like the current API. */
  list(c: ClusterState, input: CallInput): Answer {
    const int = (v: string | undefined, def: number): number | undefined =>
      v === undefined || v === "" ? def : /^\d+$/.test(v) ? Number(v) : undefined;
    const offset = int(input.query["offset"], 0);
    const limit = int(input.query["limit"], 10);
    if (offset === undefined) return cssError(400, "CSS.0001", "Invalid parameter: offset must be an integer >= 0");
    if (limit === undefined || limit < 1) return cssError(400, "CSS.0001", "Invalid parameter: limit must be an integer >= 1");
    const all = [...c.connections.values()];
    const page = all.slice(offset, offset + Math.min(limit, this.options().maxLimit));
    return json(200, {
      connections: page.map((x) => {
        const view = this.store.connectionView(c, x);
        const item: JsonObject = {
          id: view.id,
          status: view.status,
          maxSession: "3000",
          specificationName: "default",
          created_at: view.createdAt,
          update_at: view.updatedAt,
          domain_id: view.domainId,
          vpcepIp: view.vpcepIp,
        };
        if (view.vpcepIpv6Address !== undefined) item["vpcepIpv6Address"] = view.vpcepIpv6Address;
        if (view.vpcepDnsName !== undefined) item["vpcepDnsName"] = view.vpcepDnsName;
        return item;
      }),
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

  /** POST /connections: receive or reject a list of connected endpoints. */
  action(c: ClusterState, input: CallInput): Answer {
    const { body, error } = this.objectBody(input);
    if (!body) return error as Answer;
    const list = this.required(body, "endpoint_id_list", "endpointIdList");
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

  /** POST /open; the body and its fields are optional. */
  open(c: ClusterState, input: CallInput): Answer {
    const { body, error } = this.objectBody(input, true);
    if (!body) return error as Answer;
    const withDns = this.styled(body, "endpoint_with_dns_name", "endpointWithDnsName");
    if (withDns !== undefined && typeof withDns !== "boolean") {
      return cssError(400, "CSS.0001", "Invalid parameter: endpoint_with_dns_name must be a boolean");
    }
    this.store.openService(c, withDns === true);
    this.store.markBusy(c);
    return json(200, { action: "createVpcepservice" });
  }

  /** PUT /close (the caller has checked that the service is open). */
  close(c: ClusterState): Answer {
    this.store.closeService(c);
    this.store.markBusy(c);
    return json(200, { action: "deleteVpcepservice" });
  }

  /** POST /permissions: the whole whitelist each time. */
  permissions(c: ClusterState, input: CallInput): Answer {
    const { body, error } = this.objectBody(input);
    if (!body) return error as Answer;
    const field = this.required(body, "vpc_permissions", "vpcPermissions");
    if (field.error) return field.error;
    const domains = stringList(field.value);
    if (!domains) return cssError(400, "CSS.0001", "Invalid parameter: the permission list must be an array of strings");
    this.store.setWhitelist(c, domains);
    this.store.markBusy(c);
    return emptyOk();
  }
}
