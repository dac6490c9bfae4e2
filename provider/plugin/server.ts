/**
 * SPIKE (issue 17, not released): the provider plugin face. A gRPC ResourceProvider server of our own
 * over the protos that @pulumi/pulumi ships, because the SDK's `provider.main` drops Configure's
 * variables and fails on import (a Read without properties). Every operation goes to the same
 * handlers as the dynamic resources, with the config from Configure instead of the dynamic host's.
 */
import * as path from "path";
import { handlers as approvalHandlers } from "../approval/handlers";
import { serviceHandlers } from "../service/handlers";
import type { ResourceHandlers } from "../core/context";
import { readStackConfig } from "../core/settings";
import type { StackConfig } from "../core/settings";
import { approvalImportInputs, serviceImportInputs } from "./import";
import { unwrapSecrets, wrapSecrets } from "./secrets";

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

export const PACKAGE = "css-vpcep";
const TYPES: Record<string, ResourceHandlers<unknown>> = {
  [`${PACKAGE}:index:VpcepConnectionApproval`]: approvalHandlers as unknown as ResourceHandlers<unknown>,
  [`${PACKAGE}:index:VpcepService`]: serviceHandlers as unknown as ResourceHandlers<unknown>,
};

/** The resource type of a URN: urn:pulumi:stack::project::[parent$]type::name. */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? "";
}

interface Call {
  request: Loose;
}
type Callback = (err: unknown, value?: unknown) => void;

export class PluginServer {
  private config: StackConfig = {};

  constructor(private readonly schema: string, private readonly version: string) {}

  private handlersFor(urn: string): ResourceHandlers<unknown> {
    const h = TYPES[typeOfUrn(urn)];
    if (!h) throw new Error(`css-vpcep: unknown resource type ${typeOfUrn(urn)}`);
    return h;
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
        (err: unknown) => callback({ code: grpc.status.UNKNOWN, details: err instanceof Error ? err.message : String(err) }),
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
      diffConfig: this.rpc(async () => new provproto.DiffResponse()),
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
        resp.setSupportspreview(true);
        return resp;
      }),
      check: this.rpc(async (req) => {
        const { values: news, secretKeys } = unwrapSecrets(js(req.getNews()));
        const result = await this.handlersFor(String(req.getUrn())).check(this.config, unwrapSecrets(js(req.getOlds())).values, { ...news, secretInputs: secretKeys.length ? secretKeys : undefined });
        const resp = new provproto.CheckResponse();
        resp.setInputs(struct(result.inputs));
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
        const { values } = unwrapSecrets(js(req.getProperties()));
        const result = await this.handlersFor(String(req.getUrn())).create(this.config, values);
        const resp = new provproto.CreateResponse();
        resp.setId(result.id);
        resp.setProperties(struct(wrapSecrets(result.outs as Props, values)));
        return resp;
      }),
      read: this.rpc(async (req) => {
        const { values } = unwrapSecrets(js(req.getProperties()));
        const id = String(req.getId());
        const urn = String(req.getUrn());
        const result = Object.keys(values).length === 0 ? await this.importRead(urn, id) : await this.handlersFor(urn).read(this.config, id, values);
        const resp = new provproto.ReadResponse();
        resp.setId(result.id ?? "");
        if (result.props) resp.setProperties(struct(wrapSecrets(result.props as Props, values)));
        if (result.inputs) resp.setInputs(struct(wrapSecrets(result.inputs as Props, values)));
        return resp;
      }),
      update: this.rpc(async (req) => {
        const olds = unwrapSecrets(js(req.getOlds())).values;
        const news = unwrapSecrets(js(req.getNews())).values;
        const result = await this.handlersFor(String(req.getUrn())).update(this.config, String(req.getId()), olds, news);
        const resp = new provproto.UpdateResponse();
        resp.setProperties(struct(wrapSecrets(result.outs as Props, news)));
        return resp;
      }),
      delete: this.rpc(async (req) => {
        const { values } = unwrapSecrets(js(req.getProperties()));
        await this.handlersFor(String(req.getUrn())).delete(this.config, String(req.getId()), values);
        return new emptyproto.Empty();
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
