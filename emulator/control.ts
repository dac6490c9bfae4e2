/**
 * The /_emulator/... HTTP controls: the class API for out-of-process users of the CLI.
 * Built only on the emulator's public methods (the EmulatorControls interface), so HTTP and
 * in-process control cannot drift apart. No auth, not recorded; JSON in and out; errors are
 * {"error": "..."}.
 */
import type { ControlAnswer, EmulatorControls } from "./contract";
import { asStatus, EmulatorInputError, isObject, optionalBool, requireString, stringList } from "./options";
import type { ClusterInfo, ClusterOptions, EmulatorOptions, Fault, NewConnection, RequestFilter } from "./types";

export type { ControlAnswer } from "./contract";

/** Route table, for docs and the 404 message. */
export const CONTROL_ROUTES: readonly string[] = [
  "GET    /_emulator                                  summary: url, urls, projectId, options, cluster ids",
  "GET    /_emulator/options",
  "POST   /_emulator/options                          {partial options} (PATCH too); unknown keys are 400",
  "POST   /_emulator/reset                            constructor state again; log, faults, tokens, AK locks cleared",
  "POST   /_emulator/tokens/expire",
  "GET    /_emulator/listeners                        {urls}: every base URL serving this state",
  "POST   /_emulator/listeners                        {port?} -> {url}: serve the same state on one more port",
  "GET    /_emulator/clusters",
  "POST   /_emulator/clusters                         {id, endpoints?, connections?, name?, vpcepEnabled?, endpointWithDnsName?,",
  "                                                    whitelist?, accessDenied?, available?, vpcServiceName?}",
  "GET    /_emulator/clusters/{id}",
  "PATCH  /_emulator/clusters/{id}                    {vpcepEnabled?, endpointWithDnsName?, whitelist?, accessDenied?, available?}",
  "                                                   (PUT too; out of band: no busy window)",
  "GET    /_emulator/clusters/{id}/service            {open, whitelist, endpointWithDnsName, vpcServiceName, vpcepIp?}",
  "DELETE /_emulator/clusters/{id}",
  "POST   /_emulator/clusters/{id}/reset              every connection back to pendingAcceptance",
  "GET    /_emulator/clusters/{id}/connections",
  "POST   /_emulator/clusters/{id}/connections        {id, status?, domainId?, vpcepIp?, vpcepDnsName?, vpcepIpv6Address?}",
  "GET    /_emulator/clusters/{id}/connections/{eid}",
  "PUT    /_emulator/clusters/{id}/connections/{eid}  {status}  (out-of-band change)",
  "DELETE /_emulator/clusters/{id}/connections/{eid}",
  "GET    /_emulator/faults",
  "POST   /_emulator/faults                           {n?, fault: {...}} or {n?, ...fault fields}",
  "DELETE /_emulator/faults",
  "GET    /_emulator/requests?method=&pathIncludes=&pathEndsWith=&status=&clusterId=&auth=&via=   {count, requests}",
  "DELETE /_emulator/requests",
  "GET    /_emulator/count?<same filters>             {count}",
];

function requestFilter(rawQuery: string): RequestFilter {
  const p = new URLSearchParams(rawQuery);
  const f: RequestFilter = {};
  const method = p.get("method");
  if (method) f.method = method;
  const pathIncludes = p.get("pathIncludes");
  if (pathIncludes) f.pathIncludes = pathIncludes;
  const status = p.get("status");
  if (status) f.status = Number(status);
  const clusterId = p.get("clusterId");
  if (clusterId) f.clusterId = clusterId;
  const pathEndsWith = p.get("pathEndsWith");
  if (pathEndsWith) f.pathEndsWith = pathEndsWith;
  const via = p.get("via");
  if (via) f.via = via;
  const auth = p.get("auth");
  if (auth === "aksk" || auth === "token" || auth === "none" || auth === "failed") f.auth = auth;
  return f;
}

function optionalStrings(v: unknown, what: string): string[] | undefined {
  if (v === undefined) return undefined;
  const list = stringList(v);
  if (!list) throw new EmulatorInputError(`${what} must be a string array`);
  return list;
}

function clusterOptions(body: Record<string, unknown>): ClusterOptions {
  const o: ClusterOptions = {};
  if (body["name"] !== undefined) o.name = requireString(body["name"], "name");
  if (body["vpcServiceName"] !== undefined) o.vpcServiceName = requireString(body["vpcServiceName"], "vpcServiceName");
  for (const key of ["vpcepEnabled", "endpointWithDnsName", "accessDenied", "available"] as const) {
    const v = optionalBool(body[key], key);
    if (v !== undefined) o[key] = v;
  }
  const endpoints = optionalStrings(body["endpoints"], "endpoints");
  if (endpoints) o.endpoints = endpoints;
  const whitelist = optionalStrings(body["whitelist"], "whitelist");
  if (whitelist) o.whitelist = whitelist;
  if (body["connections"] !== undefined) {
    const list = body["connections"];
    if (!Array.isArray(list) || !list.every(isObject)) throw new EmulatorInputError("connections must be an array of objects");
    o.connections = list.map(newConnection);
  }
  return o;
}

function newConnection(body: Record<string, unknown>): NewConnection {
  const c: NewConnection = { id: requireString(body["id"], "id") };
  if (body["status"] !== undefined) c.status = asStatus(body["status"]);
  if (body["domainId"] !== undefined) c.domainId = requireString(body["domainId"], "domainId");
  if (body["vpcepIp"] !== undefined) c.vpcepIp = requireString(body["vpcepIp"], "vpcepIp");
  if (body["vpcepDnsName"] !== undefined) c.vpcepDnsName = requireString(body["vpcepDnsName"], "vpcepDnsName");
  if (body["vpcepIpv6Address"] !== undefined) c.vpcepIpv6Address = requireString(body["vpcepIpv6Address"], "vpcepIpv6Address");
  return c;
}

export async function handleControl(
  emu: EmulatorControls,
  method: string,
  path: string,
  rawQuery: string,
  raw: Buffer,
): Promise<ControlAnswer> {
  const ok = (body: unknown, status = 200): ControlAnswer => ({ status, body });
  try {
    let parsed: unknown = {};
    if (raw.length > 0) {
      try {
        parsed = JSON.parse(raw.toString("utf8")) as unknown;
      } catch {
        throw new EmulatorInputError("body is not JSON");
      }
    }
    if (!isObject(parsed)) throw new EmulatorInputError("body must be a JSON object");
    const body = parsed;
    const s = path
      .split("/")
      .slice(2)
      .filter((x) => x !== "")
      .map((x) => decodeURIComponent(x));
    // Ids become ":" so one switch covers every cluster/endpoint.
    const op = `${method} ${s.map((x, i) => (s[0] === "clusters" && i % 2 === 1 ? ":" : x)).join("/")}`;
    const cid = s[1] ?? "";
    const eid = s[3] ?? "";
    const needCluster = (): ClusterInfo => {
      const info = emu.cluster(cid);
      if (!info) throw new EmulatorInputError(`cluster ${cid} does not exist`, 404);
      return info;
    };
    const needConnection = (): void => {
      needCluster();
      if (emu.status(cid, eid) === undefined) throw new EmulatorInputError(`endpoint ${eid} is not connected to cluster ${cid}`, 404);
    };

    switch (op) {
      case "GET ":
        return ok({ url: emu.url, urls: emu.urls, projectId: emu.projectId, options: emu.options, clusters: emu.clusters().map((c) => c.id) });
      case "GET options":
        return ok(emu.options);
      case "POST options":
      case "PATCH options": {
        // Typos would otherwise be silently ignored.
        const current = emu.options;
        const unknown = Object.keys(body).filter((k) => !(k in current));
        if (unknown.length > 0) throw new EmulatorInputError(`unknown option ${unknown.join(", ")}`);
        emu.configure(body as Partial<EmulatorOptions>);
        return ok(emu.options);
      }
      case "POST reset":
        emu.reset();
        return ok({ ok: true });
      case "POST tokens/expire":
        emu.expireTokens();
        return ok({ ok: true });
      case "GET listeners":
        return ok({ urls: emu.urls });
      case "POST listeners": {
        const port = body["port"] ?? 0;
        if (typeof port !== "number" || !Number.isInteger(port) || port < 0) throw new EmulatorInputError("port must be an integer >= 0");
        return ok({ url: await emu.listenAlso(port), urls: emu.urls }, 201);
      }
      case "GET requests": {
        const list = emu.findRequests(requestFilter(rawQuery));
        return ok({ count: list.length, requests: list });
      }
      case "DELETE requests":
        emu.clearRequests();
        return ok({ ok: true });
      case "GET count":
        return ok({ count: emu.count(requestFilter(rawQuery)) });
      case "GET faults":
        return ok(emu.pendingFaults());
      case "POST faults": {
        const n = body["n"] ?? body["count"] ?? 1;
        if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new EmulatorInputError("n must be an integer >= 1");
        const fault = isObject(body["fault"])
          ? body["fault"]
          : Object.fromEntries(Object.entries(body).filter(([k]) => k !== "n" && k !== "count"));
        emu.failNext(n, fault as Fault);
        return ok(emu.pendingFaults(), 201);
      }
      case "DELETE faults":
        emu.clearFaults();
        return ok({ ok: true });
      case "GET clusters":
        return ok(emu.clusters());
      case "POST clusters": {
        const id = requireString(body["id"], "id");
        if (emu.cluster(id)) throw new EmulatorInputError(`cluster ${id} already exists`, 409);
        emu.addCluster(id, clusterOptions(body));
        return ok(emu.cluster(id), 201);
      }
      case "GET clusters/:":
        return ok(needCluster());
      case "PATCH clusters/:":
      case "PUT clusters/:": {
        const before = needCluster();
        const enabled = optionalBool(body["vpcepEnabled"], "vpcepEnabled");
        const withDns = optionalBool(body["endpointWithDnsName"], "endpointWithDnsName");
        const whitelist = optionalStrings(body["whitelist"], "whitelist");
        const denied = optionalBool(body["accessDenied"], "accessDenied");
        const available = optionalBool(body["available"], "available");
        if (enabled !== undefined || withDns !== undefined) {
          emu.setVpcepEnabled(cid, enabled ?? before.vpcepEnabled, withDns === undefined ? {} : { endpointWithDnsName: withDns });
        }
        if (whitelist) emu.setWhitelist(cid, whitelist);
        if (denied !== undefined) emu.setAccessDenied(cid, denied);
        if (available !== undefined) emu.setClusterAvailable(cid, available);
        return ok(needCluster());
      }
      case "GET clusters/:/service":
        needCluster();
        return ok(emu.serviceState(cid));
      case "DELETE clusters/:":
        needCluster();
        emu.removeCluster(cid);
        return ok({ ok: true });
      case "POST clusters/:/reset":
        needCluster();
        emu.resetConnections(cid);
        return ok(needCluster());
      case "GET clusters/:/connections":
        return ok(needCluster().connections);
      case "POST clusters/:/connections": {
        needCluster();
        const conn = newConnection(body);
        if (emu.status(cid, conn.id) !== undefined) throw new EmulatorInputError(`endpoint ${conn.id} is already connected`, 409);
        emu.addConnection(cid, conn);
        return ok(emu.connections(cid).find((x) => x.id === conn.id), 201);
      }
      case "GET clusters/:/connections/:":
        needConnection();
        return ok(emu.connections(cid).find((x) => x.id === eid));
      case "PUT clusters/:/connections/:":
        needConnection();
        emu.setStatus(cid, eid, asStatus(body["status"]));
        return ok(emu.connections(cid).find((x) => x.id === eid));
      case "DELETE clusters/:/connections/:":
        needConnection();
        emu.removeConnection(cid, eid);
        return ok({ ok: true });
      default:
        return { status: 404, body: { error: `no emulator control ${method} ${path}`, routes: CONTROL_ROUTES } };
    }
  } catch (err) {
    if (err instanceof EmulatorInputError) return { status: err.status, body: { error: err.message } };
    return { status: 400, body: { error: err instanceof Error ? err.message : String(err) } };
  }
}
