import pg = require('pg');
import { RedshiftPool, redshiftPoolSettings, type RedshiftPoolConfig } from '../pg/pool';

/** The part of pg's module that TypeORM's postgres driver uses, with an IAM-aware `Pool`. */
export type TypeormPgDriver = Omit<typeof pg, 'Pool'> & {
  /** Builds a {@link RedshiftPool} from the options TypeORM assembles. */
  Pool: new (options: pg.PoolConfig) => RedshiftPool;
};

/** TypeORM `DataSource` options for postgres, as {@link typeormOptions} returns them. */
export interface TypeormRedshiftOptions {
  readonly type: 'postgres';
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly database: string | undefined;
  /**
   * TLS (`ssl`) and the remaining pg settings; TypeORM merges `extra` last into the pool options.
   * `ssl` lives here because TypeORM types its own `ssl` as server `TlsOptions`, pg as client ones.
   */
  readonly extra: Omit<pg.PoolConfig, 'host' | 'port' | 'database' | 'user' | 'password'>;
  /** pg with a `Pool` that logs every connection in with IAM and releases its credentials on `end()`. */
  readonly driver: TypeormPgDriver;
}

/**
 * Returns TypeORM `DataSource` options (`type: 'postgres'`) whose pool logs every new connection
 * in with fresh IAM credentials. Spread them into your options and add entities and the rest.
 *
 * TypeORM builds its pool with `new driver.Pool(...)`; the `driver` returned here is pg with a
 * {@link RedshiftPool} in place of `Pool`, so each pool TypeORM creates (one per replica, and a
 * new one when a destroyed DataSource is initialized again) holds its own credentials engine and
 * releases it when `dataSource.destroy()` ends the pool. TLS (`ssl`) and other pg settings go into
 * `extra`, which TypeORM merges last; add your own with `extra: { ...options.extra, ... }`.
 * Validates synchronously (throws `INVALID_OPTION`); no AWS call until `initialize()`.
 *
 * @example
 * const dataSource = new DataSource({ ...typeormOptions({ host, database: 'dev' }), entities: [User] });
 */
export function typeormOptions(config: RedshiftPoolConfig): TypeormRedshiftOptions {
  const { iam, Client: Base } = config;
  // Validate now and take the Redshift defaults; each pool TypeORM builds creates its own engine.
  const { host, port, database, ...rest } = redshiftPoolSettings(config).pg;
  class TypeormRedshiftPool extends RedshiftPool {
    constructor(options: pg.PoolConfig) {
      // TypeORM passes user and password as undefined unless they are configured; then
      // RedshiftPool rejects them. A Client in TypeORM's `extra` wins over the configured one.
      super({ ...(Base === undefined ? {} : { Client: Base }), ...options, iam } as RedshiftPoolConfig);
    }
  }
  return {
    type: 'postgres',
    host,
    port,
    database,
    // Unset values would override TypeORM's own settings (e.g. its top-level `ssl`) in the merge.
    extra: Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
    driver: { ...pg, Pool: TypeormRedshiftPool },
  };
}
