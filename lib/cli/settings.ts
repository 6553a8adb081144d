import { isRedshiftIamError } from '../errors';
import { classifyHost } from '../host';
import type { RedshiftCredentialsOptions } from '../options/types';
import { planTarget } from '../options/validate';
import { connectionDefaults } from '../pg/connection-defaults';
import type { CliFlags } from './arguments';
import { invalidOptionMessage, type SettingSources } from './flag-names';
import { UsageError } from './usage-error';

/** Environment variables as `process.env` has them. */
export type CliEnvironment = Readonly<Record<string, string | undefined>>;

/** libpq's `sslmode` values. */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/** One of libpq's `sslmode` values. */
export type SslMode = (typeof SSL_MODES)[number];

/** Everything needed to fetch credentials and describe the login to libpq. */
export interface LoginSettings {
  /** Undefined when a named cluster or workgroup's address is to be looked up. */
  readonly host: string | undefined;
  readonly port: number;
  /** Whether `--port` or `PGPORT` set the port (it then wins over a looked-up endpoint's). */
  readonly portGiven: boolean;
  readonly database: string;
  readonly sslmode: SslMode;
  /** Options for `createRedshiftCredentials`, host and database included; already validated. */
  readonly iam: RedshiftCredentialsOptions;
  /** Where host, port, database and sslmode came from (`--host` or `PGHOST`). */
  readonly sources: SettingSources;
}

const POSTGRES_PORT = 5432;
const REDSHIFT_PORT = 5439;

/**
 * Combines flags with the `PG*` variables (flags win), applies the library's connection defaults
 * and validates with the library's rules. Throws a {@link UsageError} naming the flag or variable
 * at fault; touches no network.
 */
export function resolveLoginSettings(flags: CliFlags, env: CliEnvironment): LoginSettings {
  const host = pick(flags.host, '--host', env, 'PGHOST');
  const port = pick(flags.port, '--port', env, 'PGPORT');
  const database = pick(flags.database, '--database', env, 'PGDATABASE');
  const sslmode = pick(flags.sslmode, '--sslmode', env, 'PGSSLMODE');
  const sources: SettingSources = { host: host.source, port: port.source, database: database.source, sslmode: sslmode.source };

  if (host.value === undefined && flags.clusterIdentifier === undefined && flags.workgroupName === undefined) {
    throw new UsageError('--host: no host is set. Pass --host with the cluster or workgroup endpoint (or a tunnel), set PGHOST, or name the cluster or workgroup (--cluster-identifier, --workgroup-name) to look its address up.');
  }
  const iam = withoutUndefined({
    clusterIdentifier: flags.clusterIdentifier,
    workgroupName: flags.workgroupName,
    region: flags.region,
    dbUser: flags.dbUser,
    autoCreate: flags.autoCreate,
    dbGroups: flags.dbGroups,
    customDomainName: flags.customDomainName,
    durationSeconds: parseWholeNumber(flags.durationSeconds, '--duration-seconds'),
    profile: flags.profile,
    endpoint: flags.endpoint,
    roleArn: flags.roleArn,
    externalId: flags.externalId,
    roleSessionName: flags.roleSessionName,
    stsEndpoint: flags.stsEndpoint,
  });
  const portNumber = parsePort(port.value, port.source);
  const mode = parseSslMode(sslmode.value, sslmode.source) ?? defaultSslMode(host.value, iam.customDomainName);
  try {
    const defaults = connectionDefaults({ host: host.value, port: portNumber, database: database.value }, iam, env);
    const options = withoutUndefined({ ...iam, host: host.value, database: defaults.database });
    // Validation only: a VPC endpoint or custom domain is looked up when the credentials are fetched.
    planTarget(options);
    // Without a host the looked-up endpoint gives the port; 5439 if AWS gives none.
    const fallbackPort = host.value === undefined ? REDSHIFT_PORT : POSTGRES_PORT;
    return { host: host.value, port: defaults.port ?? fallbackPort, portGiven: portNumber !== undefined, database: defaults.database, sslmode: mode, iam: options, sources };
  } catch (error) {
    if (isRedshiftIamError(error, 'INVALID_OPTION')) throw new UsageError(invalidOptionMessage(error, sources));
    throw error;
  }
}

/**
 * Redshift endpoints (VPC endpoints included) and custom domains carry publicly trusted ACM
 * certificates, so verify them (as the library does for pg); so does an address looked up from AWS
 * (no host). A tunnel or a local stand-in gets libpq's own default, `prefer`, written out so the
 * printed variables say what psql will do.
 */
function defaultSslMode(host: string | undefined, customDomainName: string | undefined): SslMode {
  const kind = classifyHost(host);
  return kind === undefined || kind.type !== 'tunnel' || customDomainName !== undefined ? 'verify-full' : 'prefer';
}

function pick(flag: string | undefined, flagName: string, env: CliEnvironment, variable: string): { value: string | undefined; source: string } {
  if (flag !== undefined) return { value: flag, source: flagName };
  // An empty variable counts as unset, as it does for most tools.
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: variable };
  return { value: undefined, source: flagName };
}

function parsePort(value: string | undefined, source: string): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`${source}: "${value}" is not a port number. Use a number from 1 to 65535.`);
  return port;
}

function parseWholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag}: "${value}" is not a whole number of seconds.`);
  return Number(value);
}

function parseSslMode(value: string | undefined, source: string): SslMode | undefined {
  if (value === undefined) return undefined;
  const mode = SSL_MODES.find((candidate) => candidate === value);
  if (mode === undefined) throw new UsageError(`${source}: "${value}" is not an sslmode. Use one of ${SSL_MODES.join(', ')}.`);
  return mode;
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
