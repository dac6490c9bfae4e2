/**
 * Who may call: IAM password tokens (POST /v3/auth/tokens), AK/SK signature checks through
 * verifier.ts, and the AK lock after repeated signature failures (css-vpcep-api.md section 2).
 */
import type { IncomingHttpHeaders } from "http";
import { randomBytes } from "crypto";
import { performance } from "perf_hooks";
import { gatewayError, iamError, json, nowIso, type Answer, type ParsedBody } from "./answers";
import { isObject, stringList } from "./options";
import { stableDomainId } from "./state";
import type { AuthKind, ResolvedEmulatorOptions } from "./types";
import { headerValue, verifyRequest } from "./verifier";

/** Consecutive signature failures after which an AK is locked. */
export const AK_LOCK_THRESHOLD = 5;

interface TokenState {
  expiresAt: number;
  revoked: boolean;
}

interface AkState {
  failures: number;
  lockedUntil: number;
}

/** The parts of a request a signature covers. */
export interface SignedParts {
  method: string;
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class IamAuthority {
  private readonly tokens = new Map<string, TokenState>();
  private readonly akState = new Map<string, AkState>();

  constructor(private readonly options: () => ResolvedEmulatorOptions) {}

  /** Forgets every token and AK lock. */
  clear(): void {
    this.tokens.clear();
    this.akState.clear();
  }

  /** Every issued token now answers 401 "token expired". */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  /** The caller's auth kind, with the 401 to send when it failed. */
  authenticate(req: SignedParts, requestId: string): { kind: AuthKind; answer?: Answer } {
    const opts = this.options();
    const deny = (msg: string): { kind: AuthKind; answer: Answer } => ({
      kind: "failed",
      answer: gatewayError(401, "APIG.0301", `Incorrect IAM authentication information: ${msg}`, requestId),
    });
    const authorization = headerValue(req.headers, "authorization");
    if (authorization) {
      const ak = /Access=([^,\s]+)/.exec(authorization)?.[1];
      const now = performance.now();
      const st = ak !== undefined ? this.akState.get(ak) : undefined;
      if (ak !== undefined && st && st.lockedUntil > now) {
        return deny(`AK locked after ${AK_LOCK_THRESHOLD} failed attempts, try again in ${Math.ceil((st.lockedUntil - now) / 1000)} s`);
      }
      const result = verifyRequest(
        { method: req.method, path: req.path, query: req.rawQuery, headers: req.headers, body: req.body },
        { keys: opts.keys, clockSkewMs: opts.clockSkewMs },
      );
      if (result.ok) {
        this.akState.delete(result.accessKey);
        return { kind: "aksk" };
      }
      if (ak !== undefined) {
        // A lock that has run out starts a fresh count.
        const s = !st || st.lockedUntil > 0 ? { failures: 0, lockedUntil: 0 } : st;
        s.failures++;
        if (s.failures >= AK_LOCK_THRESHOLD) s.lockedUntil = now + opts.lockMs;
        this.akState.set(ak, s);
      }
      return deny(result.message);
    }
    const token = headerValue(req.headers, "x-auth-token");
    if (token) {
      const t = this.tokens.get(token);
      if (!t) return deny("token is invalid");
      if (t.revoked || t.expiresAt <= Date.now()) return deny("token expired");
      return { kind: "token" };
    }
    return deny("neither Authorization nor X-Auth-Token was sent");
  }

  /** POST /v3/auth/tokens with a password identity and a project scope. */
  issueToken(parsed: ParsedBody): Answer {
    const opts = this.options();
    const bad = (m: string): Answer => iamError(400, m, "Bad Request");
    if (!parsed.ok || !isObject(parsed.value)) return bad("The request body is not valid JSON.");
    const auth = parsed.value["auth"];
    const identity = isObject(auth) ? auth["identity"] : undefined;
    const password = isObject(identity) ? identity["password"] : undefined;
    const user = isObject(password) ? password["user"] : undefined;
    const methods = isObject(identity) ? stringList(identity["methods"]) : undefined;
    if (!isObject(user) || !methods?.includes("password")) return bad("Only password authentication is supported.");
    const domain = user["domain"];
    const match = opts.users.find(
      (u) => u.name === user["name"] && u.password === user["password"] && isObject(domain) && u.domainName === domain["name"],
    );
    if (!match) return iamError(401, "The username or password is wrong.", "Unauthorized");

    const scope = isObject(auth) ? auth["scope"] : undefined;
    const project = isObject(scope) ? scope["project"] : undefined;
    if (!isObject(project)) return bad("A project scope (scope.project.id or scope.project.name) is required.");
    const okId = project["id"] === opts.projectId;
    const okName = typeof project["name"] === "string" && opts.regions.includes(project["name"]);
    if (!okId && !okName) {
      return iamError(403, `No access to project ${String(project["id"] ?? project["name"])}.`, "Forbidden");
    }

    const token = "MIIemu" + randomBytes(48).toString("base64url");
    const expiresAt = Date.now() + opts.tokenTtlMs;
    this.tokens.set(token, { expiresAt, revoked: false });
    const domainRef = { id: stableDomainId(`domain:${match.domainName}`), name: match.domainName };
    return json(
      201,
      {
        token: {
          expires_at: new Date(expiresAt).toISOString(),
          issued_at: nowIso(),
          methods: ["password"],
          project: {
            id: opts.projectId,
            name: okName ? (project["name"] as string) : (opts.regions[0] ?? "eu-de"),
            domain: domainRef,
          },
          user: { id: stableDomainId(`user:${match.name}`), name: match.name, domain: domainRef },
          catalog: [],
        },
      },
      { "X-Subject-Token": token },
    );
  }
}
