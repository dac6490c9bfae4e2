/**
 * The provider plugin face (preview; issue 17). A gRPC ResourceProvider server of our own
 * over the protos that @pulumi/pulumi ships, because the SDK's `provider.main` drops Configure's
 * variables and fails on import (a Read without properties). Every operation goes to the same
 * handlers as the dynamic resources, with the config from Configure instead of the dynamic host's.
 */
import * as path from "path";
import { handlers as approvalHandlers } from "../approval/handlers";
import { serviceHandlers } from "../service/handlers";
import type { ResourceHandlers } from "../core/context";
import { readStackConfig, secretValues } from "../core/settings";
import type { StackConfig } from "../core/settings";
import { approvalImportInputs, serviceImportInputs } from "./import";
import { secretKeysOf, unwrapSecrets, wrapSecrets } from "./secrets";
import { SENSITIVE_INPUTS } from "../approval/types";
import { SERVICE_SENSITIVE_INPUTS } from "../service/types";
import { lookupWith } from "../lookup/operations";
import type { GetVpcepConnectionsArgs } from "../lookup/types";
import { createLogger } from "../core/log";

type Props = Record<string, unknown>;
type Loose = Record<string, (...args: unknown[]) => unknown>;

// The SDK's own copies, so the messages match the engine it was built for.
const sdkRoot = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromSdk = (m: string): unknown => require(require.resolve(m, { paths: [sdkRoot] }));
/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = fromSdk("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as Record<string, unknown>;
const provproto = require("@pulumi/pulumi/proto/provider_pb") as Record<string, new () => Loose>;
const DIFF_CHANGES = (provproto.DiffResponse as unknown as { DiffChanges: Record<string, number> }).DiffChanges;
const pluginproto = require("@pulumi/pulumi/proto/plugin_pb") as Record<string, new () => Loose>;
const structproto = fromSdk("google-protobuf/google/protobuf/struct_pb.js") as { Struct: { fromJavaScript(v: unknown): unknown } };
const emptyproto = fromSdk("google-protobuf/google/protobuf/empty_pb.js") as { Empty: new () => unknown };
const anyproto = fromSdk("google-protobuf/google/protobuf/any_pb.js") as { Any: new () => Loose };
const statusproto = require("@pulumi/pulumi/proto/status_pb") as Record<string, new () => Loose>;

export const PACKAGE = "css-vpcep";
interface ResourceFace {
  handlers: ResourceHandlers<unknown>;
  /** Inputs the core redacts and keeps out of the id when they are secret (its `secretInputs`). */
  sensitive: readonly string[];
}
const TYPES: Record<string, ResourceFace> = {
  [`${PACKAGE}:index:VpcepConnectionApproval`]: { handlers: approvalHandlers as unknown as ResourceHandlers<unknown>, sensitive: SENSITIVE_INPUTS },
  [`${PACKAGE}:index:VpcepService`]: { handlers: serviceHandlers as unknown as ResourceHandlers<unknown>, sensitive: SERVICE_SENSITIVE_INPUTS },
};

export const LOOKUP_TOKEN = `${PACKAGE}:index:getVpcepConnections`;

/** The resource type of a URN: urn:pulumi:stack::project::[parent$]type::name. */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

/** The logical name at the end of a URN. */
export function nameOfUrn(urn: string): string {
  return urn.split("::").pop() ?? "";
}

interface Call {
  request: Loose;
}
type Callback = (err: unknown, value?: unknown) => void;

export class PluginServer {
  private config: StackConfig = {};

  constructor(private readonly schema: string, private readonly version: string) {}

  private faceFor(urn: string): ResourceFace {
    const face = TYPES[typeOfUrn(urn)];
    if (!face) throw new Error(`css-vpcep: unknown resource type ${typeOfUrn(urn)}`);
    return face;
  }

  private handlersFor(urn: string): ResourceHandlers<unknown> {
    return this.faceFor(urn).handlers;
  }

  /** An import: the inputs from the id, checked like a program's, then read; a service is adopted as found. */
  private async importRead(urn: string, id: string): Promise<{ id?: string; props?: unknown; inputs?: unknown }> {
    const type = typeOfUrn(urn);
    const service = type.endsWith(":VpcepService");
    const h = this.handlersFor(urn);
    const checked = await h.check(this.config, {}, service ? serviceImportInputs(id) : approvalImportInputs(id));
    if (checked.failures?.length) throw new Error(`cannot import ${type} "${id}": ${checked.failures.map((f) => f.reason).join("; ")}`);
    const result = await h.read(this.config, id, checked.inputs as Props);
    if (!result.id) throw new Error(`cannot import ${type} "${id}": the cluster was not found`);
    if (!service) return result;
    // What destroy restores is what was there at import; the whitelist is managed as it is now.
    const outs = result.props as Props;
    const found = { open: outs.open, whitelist: outs.observedWhitelist };
    const inputs = { ...(result.inputs as Props), whitelist: outs.observedWhitelist };
    return { id, props: { ...outs, ...inputs, found }, inputs };
  }

  private rpc(fn: (req: Loose) => Promise<unknown>) {
    return (call: Call, callback: Callback) => {
      fn(call.request).then(
        (resp) => callback(null, resp),
        (err: unknown) => callback(grpcError(err)),
      );
    };
  }

  service(): Record<string, unknown> {
    // Struct cannot hold undefined: drop such keys (JSON round trip does exactly that).
    const struct = (v: unknown) => structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(v ?? {})));
    const js = (s: unknown): Props => ((s as { toJavaScript?: () => Props } | undefined)?.toJavaScript?.() ?? {}) as Props;
    return {
      getPluginInfo: this.rpc(async () => {
        const info = new pluginproto.PluginInfo();
        info.setVersion(this.version);
        return info;
      }),
      getSchema: this.rpc(async () => {
        const resp = new provproto.GetSchemaResponse();
        resp.setSchema(this.schema);
        return resp;
      }),
      checkConfig: this.rpc(async (req) => {
        const resp = new provproto.CheckResponse();
        resp.setInputs(req.getNews());
        return resp;
      }),
      // A config change (another endpoint, region or key) is never a replacement: it changes nothing in
      // the cloud, and a replaced provider would replace every resource it serves.
      diffConfig: this.rpc(async (req) => {
        const resp = new provproto.DiffResponse();
        const same = JSON.stringify(js(req.getOlds())) === JSON.stringify(js(req.getNews()));
        resp.setChanges(same ? DIFF_CHANGES.DIFF_NONE : DIFF_CHANGES.DIFF_SOME);
        return resp;
      }),
      configure: this.rpc(async (req) => {
        // Explicit providers and stack config both arrive here, keyed `css-vpcep:<key>`.
        // `args` holds them by bare key (secrets wrapped); the legacy variables map keys them `css-vpcep:config:<key>`.
        const args = unwrapSecrets(js(req.getArgs())).values;
        const vars = (req.getVariablesMap as () => { get(k: string): string | undefined })();
        this.config = readStackConfig((k) => {
          const bare = k.slice(`${PACKAGE}:`.length);
          const v = args[bare] ?? vars.get(`${PACKAGE}:config:${bare}`);
          return v === undefined || v === null ? undefined : String(v);
        });
        const resp = new provproto.ConfigureResponse();
        resp.setAcceptsecrets(true);
        // No preview support: the engine then never calls create or update during a preview.
        resp.setSupportspreview(false);
        return resp;
      }),
      check: this.rpc(async (req) => {
        const { values: news, secretKeys } = unwrapSecrets(js(req.getNews()));
        const face = this.faceFor(String(req.getUrn()));
        // The core is told which of its sensitive inputs are secret (redaction, ids); every secret goes back wrapped.
        const secretInputs = secretKeys.filter((k) => face.sensitive.includes(k));
        // The logical name, as the TypeScript resource classes pass it: claims keep one approval from
        // undoing another (renames, endpoints moved between approvals).
        const resourceName = news.resourceName ?? nameOfUrn(String(req.getUrn()));
        const result = await face.handlers.check(this.config, unwrapSecrets(js(req.getOlds())).values, {
          ...news,
          resourceName,
          secretInputs: secretInputs.length ? secretInputs : undefined,
        });
        const resp = new provproto.CheckResponse();
        resp.setInputs(struct(wrapSecrets(result.inputs as Props, secretKeys)));
        resp.setFailuresList(
          (result.failures ?? []).map((f) => {
            const failure = new provproto.CheckFailure();
            failure.setProperty(f.property);
            failure.setReason(f.reason);
            return failure;
          }),
        );
        return resp;
      }),
      diff: this.rpc(async (req) => {
        const olds = unwrapSecrets(js(req.getOlds())).values;
        const news = unwrapSecrets(js(req.getNews())).values;
        const result = await this.handlersFor(String(req.getUrn())).diff(this.config, String(req.getId()), olds, news);
        const resp = new provproto.DiffResponse();
        const changes = DIFF_CHANGES;
        resp.setChanges(result.changes === true ? changes.DIFF_SOME : result.changes === false ? changes.DIFF_NONE : changes.DIFF_UNKNOWN);
        resp.setReplacesList(result.replaces ?? []);
        resp.setDeletebeforereplace(result.deleteBeforeReplace === true);
        return resp;
      }),
      create: this.rpc(async (req) => {
        const unwrapped = unwrapSecrets(js(req.getProperties()));
        const { values } = unwrapped;
        const keys = secretKeysOf(unwrapped);
        const result = await this.handlersFor(String(req.getUrn())).create(this.config, values).catch((err: unknown) => Promise.reject(secretPartial(err, keys)));
        const resp = new provproto.CreateResponse();
        resp.setId(result.id);
        resp.setProperties(struct(wrapSecrets(result.outs as Props, keys)));
        return resp;
      }),
      read: this.rpc(async (req) => {
        const unwrapped = unwrapSecrets(js(req.getProperties()));
        const { values } = unwrapped;
        const keys = secretKeysOf(unwrapped);
        const id = String(req.getId());
        const urn = String(req.getUrn());
        const result = Object.keys(values).length === 0 ? await this.importRead(urn, id) : await this.handlersFor(urn).read(this.config, id, values);
        const resp = new provproto.ReadResponse();
        resp.setId(result.id ?? "");
        if (result.props) resp.setProperties(struct(wrapSecrets(result.props as Props, keys)));
        if (result.inputs) resp.setInputs(struct(wrapSecrets(result.inputs as Props, keys)));
        return resp;
      }),
      update: this.rpc(async (req) => {
        const olds = unwrapSecrets(js(req.getOlds())).values;
        const unwrapped = unwrapSecrets(js(req.getNews()));
        const news = unwrapped.values;
        const keys = secretKeysOf(unwrapped);
        const result = await this.handlersFor(String(req.getUrn()))
          .update(this.config, String(req.getId()), olds, news)
          .catch((err: unknown) => Promise.reject(secretPartial(err, keys)));
        const resp = new provproto.UpdateResponse();
        resp.setProperties(struct(wrapSecrets(result.outs as Props, keys)));
        return resp;
      }),
      delete: this.rpc(async (req) => {
        const { values } = unwrapSecrets(js(req.getProperties()));
        await this.handlersFor(String(req.getUrn())).delete(this.config, String(req.getId()), values);
        return new emptyproto.Empty();
      }),
      // getVpcepConnections: the program's lookup with the provider's config; secret arguments are scrubbed from errors and logs.
      invoke: this.rpc(async (req) => {
        const tok = String(req.getTok());
        if (tok !== LOOKUP_TOKEN) throw new Error(`css-vpcep: unknown function ${tok}`);
        const { values, secretKeys } = unwrapSecrets(js(req.getArgs()));
        const hidden = secretKeys.map((k) => values[k]).filter((v): v is string => typeof v === "string");
        const log = createLogger(() => [...hidden, ...secretValues(this.config, process.env)]);
        const result = await lookupWith(values as unknown as GetVpcepConnectionsArgs, this.config, log, hidden);
        const resp = new provproto.InvokeResponse();
        resp.setReturn(struct(result));
        return resp;
      }),
      cancel: this.rpc(async () => new emptyproto.Empty()),
    };
  }
}

/** Serve on a free loopback port and print it: the engine reads the port from stdout. */
export async function serve(schema: string, version: string): Promise<void> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(provrpc.ResourceProviderService as never, new PluginServer(schema, version).service() as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  process.stdout.write(`${port}\n`);
}

/**
 * A failure as gRPC sends it. One that carries `id` and `properties` (the core's partial failure: the
 * resource exists, e.g. a service opened before its whitelist failed) goes as ErrorResourceInitFailed,
 * so the engine keeps the resource in state instead of losing track of what was changed.
 */
function grpcError(err: unknown): { code: number; details: string; metadata?: unknown } {
  const message = err instanceof Error ? err.message : String(err);
  const partial = err as { id?: unknown; properties?: Record<string, unknown>; reasons?: string[] };
  if (typeof partial.id !== "string" || !partial.id) return { code: grpc.status.UNKNOWN, details: message };
  const detail = new provproto.ErrorResourceInitFailed();
  detail.setId(partial.id);
  const { __provider: _dropped, ...properties } = partial.properties ?? {};
  detail.setProperties(structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(properties))));
  detail.setReasonsList(partial.reasons ?? [message]);
  const any = new anyproto.Any();
  any.pack((detail.serializeBinary as () => Uint8Array)(), "pulumirpc.ErrorResourceInitFailed");
  const status = new statusproto.Status();
  status.setCode(grpc.status.UNKNOWN);
  status.setMessage(message);
  status.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from((status.serializeBinary as () => Uint8Array)()));
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

/** A partial failure's outputs go to state too: send the secret inputs among them as secrets. */
function secretPartial(err: unknown, keys: readonly string[]): unknown {
  const partial = err as { properties?: Props };
  if (partial && typeof partial === "object" && partial.properties) partial.properties = wrapSecrets(partial.properties, keys);
  return err;
}
