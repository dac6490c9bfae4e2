/**
 * Pulumi's wire form of secrets (pure). With acceptSecrets the engine sends a secret value as
 * `{ [SIG]: SECRET_SIG, value }`; the core works on plain values and is told which inputs were secret.
 */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Props = Record<string, unknown>;

function isSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Props)[SIG] === SECRET_SIG;
}

function plain(v: unknown): unknown {
  if (isSecret(v)) return plain(v.value);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function containsSecret(v: unknown): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecret);
  return false;
}

/** Plain values, and the top-level keys that held a secret anywhere inside. */
export function unwrapSecrets(props: Props): { values: Props; secretKeys: string[] } {
  const secretKeys = Object.keys(props).filter((k) => containsSecret(props[k]));
  return { values: plain(props) as Props, secretKeys };
}

/** The keys to send back as secrets: those that arrived as secrets, and those the inputs name in `secretInputs`. */
export function secretKeysOf(unwrapped: { values: Props; secretKeys: string[] }): string[] {
  const named = Array.isArray(unwrapped.values.secretInputs) ? (unwrapped.values.secretInputs as unknown[]).filter((k): k is string => typeof k === "string") : [];
  return [...new Set([...unwrapped.secretKeys, ...named])];
}

/** Values with each of `keys` sent as a secret. */
export function wrapSecrets(outs: Props, keys: readonly string[]): Props {
  return Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, keys.includes(k) && v !== undefined ? { [SIG]: SECRET_SIG, value: v } : v]));
}
