import type { ConnectionOptions } from 'node:tls';
import { invalidOption } from '../errors';
import { classifyHost } from '../host';
import type { RedshiftIamOptions } from '../options/types';

/** The pg settings this library reads or fills in; everything else passes through untouched. */
export interface PgConnectionSettings {
  host?: string | undefined;
  port?: number | undefined;
  database?: string | undefined;
  user?: string | undefined;
  password?: unknown;
  ssl?: boolean | ConnectionOptions | undefined;
  connectionString?: string | undefined;
}

/** What a pg config needs so that every login uses IAM credentials. */
export interface ConnectionDefaults {
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly database: string;
  readonly ssl: boolean | ConnectionOptions | undefined;
}

const REDSHIFT_PORT = 5439;

/**
 * Host, port, database and TLS for a Redshift login. Redshift endpoints, managed VPC endpoints and
 * custom domains default to port 5439 and verified TLS; so does no host at all when the options name
 * the cluster or workgroup (the port then comes from the address lookup); other hosts (tunnels,
 * local stand-ins) keep pg's defaults.
 * `env` supplies the PG* variables (the CLI passes its own environment).
 */
export function connectionDefaults(
  config: PgConnectionSettings,
  iam: RedshiftIamOptions | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConnectionDefaults {
  if (config.user !== undefined) {
    throw invalidOption('user', 'the user comes from AWS with each password', 'Remove user; for GetClusterCredentials set iam.dbUser.');
  }
  if (config.password !== undefined) {
    throw invalidOption('password', 'the password comes from AWS', 'Remove password.');
  }
  if (config.host !== undefined && typeof config.host !== 'string') throw invalidOption('host', 'expected a non-empty string');
  const fromUrl = parseConnectionString(config.connectionString);
  const host = config.host ?? fromUrl.host ?? env.PGHOST;
  const database = config.database ?? fromUrl.database ?? env.PGDATABASE;
  if (database === undefined || database === '') {
    throw invalidOption('database', 'no database is set', 'Set database (Redshift creates "dev" by default) or PGDATABASE.');
  }
  const redshift = isRedshiftAddress(host, iam);
  // Without a host the port comes from the address lookup (or stays 5439 when AWS gives none).
  const port = config.port ?? fromUrl.port ?? (redshift && host !== undefined && env.PGPORT === undefined ? REDSHIFT_PORT : undefined);
  const sslFromEnvOrUrl = env.PGSSLMODE !== undefined || fromUrl.hasSslMode;
  const ssl = config.ssl ?? (redshift && !sslFromEnvOrUrl ? { rejectUnauthorized: true } : undefined);
  return { host, port, database, ssl };
}

/**
 * Whether the connection goes to Redshift itself, whose ACM certificates are publicly trusted: a
 * Redshift endpoint or managed VPC endpoint, a custom domain (named in `host` or in
 * `iam.customDomainName`), or no host at all when the options name the cluster or workgroup (its
 * address is looked up). Tunnels (`localhost`, IP addresses, single-label names) are not.
 */
export function isRedshiftAddress(host: string | undefined, iam: RedshiftIamOptions | undefined): boolean {
  if (iam?.customDomainName !== undefined) return true;
  const kind = classifyHost(host);
  if (kind === undefined) return iam?.clusterIdentifier !== undefined || iam?.workgroupName !== undefined;
  return kind.type !== 'tunnel';
}

function parseConnectionString(connectionString: string | undefined): { host?: string; port?: number; database?: string; hasSslMode: boolean } {
  if (connectionString === undefined) return { hasSslMode: false };
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw invalidOption('connectionString', 'not a postgres:// URL');
  }
  if (url.password !== '' || url.searchParams.has('password')) {
    throw invalidOption('connectionString', 'it contains a password, but the password comes from AWS', 'Remove the password from the URL.');
  }
  if (url.username !== '' || url.searchParams.has('user')) {
    throw invalidOption('connectionString', 'it contains a user, but the user comes from AWS', 'Remove the user from the URL.');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    ...(url.hostname === '' ? {} : { host: decodeURIComponent(url.hostname) }),
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    ...(database === '' ? {} : { database }),
    hasSslMode: url.searchParams.has('sslmode') || url.searchParams.has('ssl'),
  };
}
