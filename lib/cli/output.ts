import type { DatabaseLogin } from './login';

/** The libpq environment variables of a login, password included: only for `env` and the `exec` child. */
export function loginVariables(login: DatabaseLogin): Record<string, string> {
  return {
    PGHOST: login.host,
    PGPORT: String(login.port),
    PGDATABASE: login.database,
    PGUSER: login.credentials.user,
    PGPASSWORD: login.credentials.password,
    PGSSLMODE: login.sslmode,
  };
}

/**
 * Quotes `value` for POSIX shells: single quotes keep everything literal (`$`, `:`, `"`,
 * backslashes, newlines); a single quote itself closes, escapes and reopens.
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `export NAME='value'` lines for `eval "$(pg-redshift-iam env ...)"`, and when the password expires. */
export function shellExports(login: DatabaseLogin): string {
  const lines = Object.entries(loginVariables(login)).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  lines.push(`# The password expires at ${login.credentials.expiresAt.toISOString()}.`);
  return `${lines.join('\n')}\n`;
}

/** The login as one JSON object, for scripts and for pasting into tools such as DBeaver. */
export function loginJson(login: DatabaseLogin): string {
  const json = {
    host: login.host,
    port: login.port,
    database: login.database,
    user: login.credentials.user,
    password: login.credentials.password,
    sslmode: login.sslmode,
    expiresAt: login.credentials.expiresAt.toISOString(),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
