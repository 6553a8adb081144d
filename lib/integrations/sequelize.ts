import pg = require('pg');
import type { RedshiftCredentials } from '../credentials/engine';
import type { RedshiftClientClass } from '../pg/client';
import { redshiftPoolConfig, type RedshiftClientConfig } from '../pg/pool';
import { rejectConnectionString } from './connection-string';

/** pg settings and IAM options for {@link sequelizeOptions}; `connectionString` is not supported. */
export type SequelizeRedshiftConfig = Omit<RedshiftClientConfig, 'connectionString'>;

/** Sequelize constructor options for postgres, as {@link sequelizeOptions} returns them. */
export interface SequelizeRedshiftOptions {
  readonly dialect: 'postgres';
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly database: string | undefined;
  /** TLS and the other pg settings. Sequelize passes on only those it knows (ssl, statement_timeout, ...). */
  readonly dialectOptions: Omit<pg.ClientConfig, 'host' | 'port' | 'database' | 'user' | 'password' | 'connectionString'>;
  /** pg with a `Client` that logs in with IAM credentials. */
  readonly dialectModule: Omit<typeof pg, 'Client'> & { Client: RedshiftClientClass };
  /** The credentials engine (not enumerable). Close it after `sequelize.close()`. */
  readonly credentials: RedshiftCredentials;
}

/** The part of Sequelize's connection config that {@link sequelizeBeforeConnect} writes. */
export interface SequelizeConnectionConfig {
  username?: string;
  password?: string | null;
}

/**
 * Returns Sequelize (v6) options for postgres whose every connection, the version check included,
 * logs in with fresh IAM credentials: `dialectModule` is pg with an IAM `Client`, so the password
 * never sits on Sequelize's shared config, and a refused cached password is replaced once.
 * Spread them into your options. Validates synchronously (throws `INVALID_OPTION`); no AWS call
 * until Sequelize connects. Not for `native: true` (pg-native): use {@link sequelizeBeforeConnect}.
 *
 * @example
 * const options = sequelizeOptions({ host, database: 'dev' });
 * const sequelize = new Sequelize({ ...options, logging: false });
 * // ...
 * await sequelize.close();
 * await options.credentials.close();
 */
export function sequelizeOptions(config: SequelizeRedshiftConfig): SequelizeRedshiftOptions {
  rejectConnectionString(config, 'sequelizeOptions');
  const { Client, credentials, host, port, database, ...dialectOptions } = redshiftPoolConfig(config);
  const options = { dialect: 'postgres', host, port, database, dialectOptions, dialectModule: { ...pg, Client } };
  Object.defineProperty(options, 'credentials', { value: credentials, enumerable: false });
  return options as SequelizeRedshiftOptions;
}

/**
 * Returns a `beforeConnect` hook for Sequelize that sets `username` and `password` to fresh IAM
 * credentials from `credentials` (see `createRedshiftCredentials`) before each connection. Use it
 * where Sequelize must keep its own pg module (e.g. `native: true`); set host, port, database and
 * `dialectOptions.ssl` yourself. Prefer {@link sequelizeOptions} otherwise.
 *
 * @example
 * const credentials = createRedshiftCredentials({ host, database: 'dev' });
 * const sequelize = new Sequelize({ dialect: 'postgres', host, port: 5439, database: 'dev',
 *   dialectOptions: { ssl: { rejectUnauthorized: true } }, hooks: { beforeConnect: sequelizeBeforeConnect(credentials) } });
 */
export function sequelizeBeforeConnect(credentials: RedshiftCredentials): (config: SequelizeConnectionConfig) => Promise<void> {
  return async (config) => {
    const { user, password } = await credentials.get();
    // Sequelize shares this one config object between concurrent connects: set the pair with
    // no await in between. The password stays out of logs and util.inspect of the config.
    config.username = user;
    Object.defineProperty(config, 'password', { value: password, enumerable: false, writable: true, configurable: true });
  };
}
