/**
 * Username/password to a project-scoped IAM token (POST {iam}/v3/auth/tokens, token in X-Subject-Token).
 * Tokens are cached per provider process (never serialized, never in state) and renewed before
 * expiry, or once on a 401.
 */
import type { Credentials } from "../settings";

export type PasswordCredentials = Extract<Credentials, { kind: "password" }>;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Renew this long before IAM's stated expiry. */
const RENEW_MARGIN_MS = 5 * 60 * 1000;
/** When IAM gives no expires_at: its documented validity is 24 h; assume less. */
const DEFAULT_VALIDITY_MS = 60 * 60 * 1000;

// Process-wide: every resource in the provider process shares one token per user and project. Kept on
// globalThis (created at run time), so the serialized provider never carries a token.
const STATE_KEY = "__pulumiCssVpcepTokens";
function cache(): Map<string, CachedToken> {
  const g = globalThis as unknown as Record<string, Map<string, CachedToken> | undefined>;
  return (g[STATE_KEY] ??= new Map());
}

export function tokenCacheKey(authUrl: string, creds: PasswordCredentials, projectId: string): string {
  return [authUrl, creds.domainName, creds.username, projectId].join("|");
}

export function cachedToken(key: string, now: number = Date.now()): string | undefined {
  const hit = cache().get(key);
  return hit && hit.expiresAt - RENEW_MARGIN_MS > now ? hit.token : undefined;
}

export function storeToken(key: string, token: string, expiresAt: string | undefined, now: number = Date.now()): void {
  const parsed = expiresAt ? Date.parse(expiresAt) : NaN;
  cache().set(key, { token, expiresAt: Number.isNaN(parsed) ? now + DEFAULT_VALIDITY_MS : parsed });
}

export function forgetToken(key: string): void {
  cache().delete(key);
}

/** The token request body: password identity, scoped to the project. */
export function tokenRequestBody(creds: PasswordCredentials, projectId: string): string {
  return JSON.stringify({
    auth: {
      identity: {
        methods: ["password"],
        password: { user: { name: creds.username, password: creds.password, domain: { name: creds.domainName } } },
      },
      scope: { project: { id: projectId } },
    },
  });
}
