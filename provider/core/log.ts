/**
 * Diagnostics for the provider process. The dynamic provider's stderr reaches the engine's logs
 * (`pulumi.log` is only console there). Every line passes through the redactor: a credential value
 * or an auth header never reaches a log, even with debug on (CSS_VPCEP_DEBUG=1).
 */
import { redactSecrets } from "./errors";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

// Header name (optionally quoted, as in JSON or util.inspect output), then the value: a quoted string,
// or everything up to the end of the line, a quote or a brace.
const AUTH_HEADERS = /\b(authorization|x-auth-token|x-security-token|x-subject-token)['"]?\s*[:=]\s*("[^"]*"|'[^']*'|[^\n"'}]*)/gi;

/** Redact auth headers wherever they appear in a line, then every known secret value. */
export function redactLine(line: string, secrets: readonly (string | undefined)[]): string {
  return redactSecrets(line.replace(AUTH_HEADERS, (_m, name: string) => `${name}: ***`), secrets);
}

export function createLogger(
  secrets: () => readonly (string | undefined)[],
  sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  debugEnabled: boolean = /^(1|true|yes)$/i.test(process.env.CSS_VPCEP_DEBUG ?? ""),
): Logger {
  const emit = (level: string, message: string) => sink(redactLine(`[css-vpcep] ${level}: ${message}`, secrets()));
  return {
    debug: (m) => {
      if (debugEnabled) emit("debug", m);
    },
    info: (m) => emit("info", m),
    warn: (m) => emit("warning", m),
  };
}
