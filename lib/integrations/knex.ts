import type { ClientConfig } from 'pg';
import type { RedshiftCredentials } from '../credentials/engine';
import type { TemporaryCredentials } from '../credentials/temporary-credentials';
import { redshiftPoolConfig, type RedshiftClientConfig } from '../pg/pool';
import { rejectConnectionString } from './connection-string';

/**
 * Connection settings for Knex's `pg` client, as one evaluation of {@link knexConnection} returns
 * them. (`types` is left out of the type only: Knex and `@types/pg` declare it differently.)
 */
export type KnexPgConnectionSettings = Omit<ClientConfig, 'types'> & {
  readonly user: string;
  /** Not enumerable, like Knex's own static passwords, so logging the settings does not show it. */
  readonly password: string;
  /** Knex evaluates the `connection` function again once this returns true. */
  expirationChecker(): boolean;
};

/** An async `connection` option for Knex, carrying the credentials engine behind it. */
export interface KnexConnectionProvider {
  (): Promise<KnexPgConnectionSettings>;
  /** The credentials engine. Close it after `knex.destroy()`. */
  readonly credentials: RedshiftCredentials;
}

/** pg settings and IAM options for {@link knexConnection}; `connectionString` is not supported. */
export type KnexRedshiftConfig = Omit<RedshiftClientConfig, 'connectionString'>;

const REDSHIFT_PORT = 5439;

// After a failed background refresh, how soon Knex should ask again (the old password still works).
const RETRY_AFTER_FAILED_REFRESH_MS = 1_000;

/**
 * Returns a function for Knex's `connection` option (`client: 'pg'`): each evaluation resolves
 * host, port, database, TLS and a fresh IAM user and password, with an `expirationChecker` that
 * turns true when the credentials enter their refresh window, so Knex asks again before they
 * expire. Without a host (the options name the cluster or workgroup) the settings carry the
 * address looked up once per provider. Works with every Knex version that accepts a `connection` function (0.95+). Validates
 * synchronously (throws `INVALID_OPTION`); no AWS call until Knex first connects.
 *
 * @example
 * const connection = knexConnection({ host, database: 'dev', iam: { region: 'us-east-1' } });
 * const db = knex({ client: 'pg', connection });
 * // ...
 * await db.destroy();
 * await connection.credentials.close();
 */
export function knexConnection(config: KnexRedshiftConfig): KnexConnectionProvider {
  rejectConnectionString(config, 'knexConnection');
  // redshiftPoolConfig validates and fills in the Redshift defaults; Knex builds its own clients.
  const { Client: _unused, credentials, ...settings } = redshiftPoolConfig(config);
  const provider = async (): Promise<KnexPgConnectionSettings> => {
    // Knex builds its own pg clients: without a host, they get the looked-up address here.
    const address = credentials.discoversAddress ? await credentials.address() : undefined;
    const { login, checkAgainAt } = await credentialsForKnex(credentials);
    const where = address === undefined ? {} : { host: address.host, port: settings.port ?? address.port ?? REDSHIFT_PORT };
    const result = { ...settings, ...where, user: login.user, expirationChecker: () => Date.now() >= checkAgainAt };
    Object.defineProperty(result, 'password', { value: login.password, enumerable: false });
    return result as KnexPgConnectionSettings;
  };
  Object.defineProperty(provider, 'credentials', { value: credentials, enumerable: false });
  return provider as KnexConnectionProvider;
}

async function credentialsForKnex(engine: RedshiftCredentials): Promise<{ login: TemporaryCredentials; checkAgainAt: number }> {
  const { credentials, source } = await engine.acquire();
  if (source !== 'stale') return { login: credentials, checkAgainAt: credentials.refreshAt.getTime() };
  // Inside the refresh window these credentials would make Knex ask again at once (Knex 3.3
  // even throws when a fresh evaluation reports expired), so wait for the refresh just started.
  try {
    const fresh = await engine.refresh();
    return { login: fresh, checkAgainAt: fresh.refreshAt.getTime() };
  } catch {
    // The engine reports the failure ('refreshError'); the current password still works.
    return { login: credentials, checkAgainAt: Math.min(Date.now() + RETRY_AFTER_FAILED_REFRESH_MS, credentials.expiresAt.getTime()) };
  }
}
