import { Client as PgClient, Pool as PgPool, type ClientConfig, type PoolClient, type PoolConfig } from 'pg';
import { RedshiftCredentials } from '../credentials/engine';
import { invalidOption, RedshiftIamError } from '../errors';
import type { RedshiftIamOptions } from '../options/types';
import { planTarget, type TargetPlan } from '../options/validate';
import { redshiftClientClass, type RedshiftClientClass } from './client';
import { connectionDefaults } from './connection-defaults';

/** pg's Pool settings without user and password, plus how to log in with IAM. */
export type RedshiftPoolConfig = Omit<PoolConfig, 'user' | 'password' | 'Client'> & {
  /** IAM options; may be omitted when `host` is a Redshift endpoint. */
  iam?: RedshiftIamOptions;
  /** A pg Client class to extend (e.g. from another copy of pg). Default: this package's pg. */
  Client?: typeof PgClient;
};

/** pg's Client settings without user and password, plus how to log in with IAM. */
export type RedshiftClientConfig = Omit<ClientConfig, 'user' | 'password'> & {
  /** IAM options; may be omitted when `host` is a Redshift endpoint. */
  iam?: RedshiftIamOptions;
};

/** A plain pg PoolConfig whose `Client` logs in with IAM, plus the engine behind it. */
export type RedshiftPoolOptions = PoolConfig & {
  Client: RedshiftClientClass;
  /** The credentials engine (not enumerable, so pg never copies it). Close it when done. */
  readonly credentials: RedshiftCredentials;
};

/** What {@link redshiftPoolSettings} works out from a pool config. */
export interface RedshiftPoolSettings {
  /** The pg settings with the Redshift defaults filled in. */
  readonly pg: PoolConfig;
  /** The target, or the lookup that finds it, for the engine. */
  readonly plan: TargetPlan;
  /** No host is set: each connection goes to the address the engine looks up. */
  readonly discoverAddress: boolean;
}

/**
 * Validates a pool config and fills in the Redshift defaults (host, port, database, TLS), without
 * creating anything: the pg settings, plus the target plan for an engine. Without a host (and no
 * `PGHOST`) the options must name the cluster or workgroup, whose address is looked up at the
 * first connect.
 */
export function redshiftPoolSettings(config: RedshiftPoolConfig = {}): RedshiftPoolSettings {
  checkConfigShape(config);
  const { iam, Client: _base, ...pgConfig } = config;
  const defaults = connectionDefaults(pgConfig, iam);
  return {
    pg: { ...pgConfig, host: defaults.host, port: defaults.port, database: defaults.database, ssl: defaults.ssl },
    plan: planTarget({ ...iam, ...(defaults.host === undefined ? {} : { host: defaults.host }), database: defaults.database }, 'iam.'),
    discoverAddress: defaults.host === undefined,
  };
}

/**
 * Returns a plain `PoolConfig` for `new Pool(...)` from your own copy of pg: host, port,
 * database and TLS defaults for Redshift, and a `Client` class that logs every new connection in
 * with fresh IAM credentials. Validates synchronously; no AWS call until the first connect.
 */
export function redshiftPoolConfig(config: RedshiftPoolConfig = {}): RedshiftPoolOptions {
  const settings = redshiftPoolSettings(config);
  const engine = new RedshiftCredentials(settings.plan, config.iam ?? {}, { discoverAddress: settings.discoverAddress });
  const options = { ...settings.pg, Client: redshiftClientClass(engine, config.Client, settings.pg.port) };
  Object.defineProperty(options, 'credentials', { value: engine, enumerable: false });
  return options as RedshiftPoolOptions;
}

/** pg-pool's callback form of `connect()`: an error, or a client and the function that releases it. */
export type PoolConnectCallback = (error: Error | undefined, client: PoolClient | undefined, release: (release?: unknown) => void) => void;

/**
 * A `pg.Pool` that, when it ends, rejects every pending connect with `CLOSED` at once, lets no
 * login start or finish afterwards, waits for its sockets to close and releases its credentials.
 */
export class RedshiftPool extends PgPool {
  /** The credentials engine shared by this pool's connections. */
  readonly credentials: RedshiftCredentials;
  readonly #Client: RedshiftClientClass;
  // pg-pool keeps a connect queued for a free slot even after end(); these settle it themselves.
  readonly #pending = new Set<(error: Error) => void>();

  constructor(config: RedshiftPoolConfig = {}) {
    const options = redshiftPoolConfig(config);
    super(options);
    this.credentials = options.credentials;
    this.#Client = options.Client;
    Object.defineProperty(this, 'credentials', { enumerable: false });
  }

  /** Checks out a client, as pg-pool does; after `end()` it fails with `CLOSED`. */
  override connect(): Promise<PoolClient>;
  /** The callback form of {@link connect}. */
  override connect(callback: PoolConnectCallback): void;
  override connect(callback?: PoolConnectCallback): Promise<PoolClient> | void {
    const connected = new Promise<[PoolClient, (release?: unknown) => void]>((resolve, reject) => {
      if (this.ending) {
        reject(new RedshiftIamError('CLOSED', 'Cannot use a pool after calling end on the pool.', { hint: 'Create a new pool.' }));
        return;
      }
      let settled = false;
      const fail = (error: Error) => {
        settled = true;
        this.#pending.delete(fail);
        reject(error);
      };
      this.#pending.add(fail);
      super.connect((error: Error | undefined, client: PoolClient | undefined, release: (release?: unknown) => void) => {
        if (settled) {
          // end() already rejected this connect; give back what pg-pool hands out late.
          if (client !== undefined) release(true);
          return;
        }
        this.#pending.delete(fail);
        if (error !== undefined || client === undefined) reject(error ?? new Error('pg-pool returned no client'));
        else resolve([client, release]);
      });
    });
    if (callback === undefined) return connected.then(([client]) => client);
    connected.then(
      ([client, release]) => callback(undefined, client, release),
      (error: Error) => callback(error, undefined, () => undefined),
    );
  }

  /**
   * Rejects every pending connect with `CLOSED`, ends the pool, resolves once every socket has
   * closed, then releases the credentials.
   */
  override end(): Promise<void>;
  /** The callback form of {@link end}. */
  override end(callback: () => void): void;
  override end(callback?: () => void): Promise<void> | void {
    const reason = new RedshiftIamError('CLOSED', 'The pool was ended before this connect completed.', { hint: 'Create a new pool.' });
    // First refuse logins (and abort the credentials waits), so that none completes after end().
    this.#Client.endLogins(reason);
    for (const fail of [...this.#pending]) fail(reason);
    // Resolve only when every socket is closed, so that nothing outlives the pool.
    const ended = super.end()
      .then(() => this.#Client.allClosed())
      .finally(() => this.credentials.close());
    if (callback === undefined) return ended;
    ended.then(callback, callback);
  }
}

/**
 * Creates a `pg.Pool` whose every new physical connection logs in with IAM-based temporary
 * Redshift credentials, cached and shared per target and identity. Synchronous: validates the
 * options (throws `INVALID_OPTION`) and makes no AWS call until the first connect.
 */
export function createRedshiftPool(config: RedshiftPoolConfig = {}): RedshiftPool {
  return new RedshiftPool(config);
}

/**
 * Creates one `pg.Client` that logs in with IAM credentials (scripts, migrations). `client.end()`
 * also releases its credentials engine.
 */
export function createRedshiftClient(config: RedshiftClientConfig = {}): PgClient {
  // A client's settings are a subset of a pool's, so the same defaults and validation apply.
  const settings = redshiftPoolSettings(config as RedshiftPoolConfig);
  const engine = new RedshiftCredentials(settings.plan, config.iam ?? {}, { discoverAddress: settings.discoverAddress });
  const Client = redshiftClientClass(engine, PgClient, settings.pg.port);
  const client = new Client(settings.pg);
  const end = client.end.bind(client) as (callback?: (error: Error) => void) => Promise<void> | void;
  const endAndRelease = (callback?: (error: Error) => void) => {
    Client.endLogins(new RedshiftIamError('CLOSED', 'The client was ended before its connect completed.'));
    const ended = Promise.resolve(end()).finally(() => engine.close());
    if (callback === undefined) return ended;
    ended.then(() => callback(undefined as unknown as Error), callback);
  };
  Object.defineProperty(client, 'end', { value: endAndRelease, enumerable: false, configurable: true, writable: true });
  return client;
}

/** Rejects what destructuring or `class extends` would otherwise fail on with a TypeError. */
function checkConfigShape(config: unknown): void {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw invalidOption('config', 'expected an object of pg settings plus iam');
  }
  const { iam, Client } = config as { iam?: unknown; Client?: unknown };
  if (iam !== undefined && (iam === null || typeof iam !== 'object' || Array.isArray(iam))) {
    throw invalidOption('iam', 'expected an object of IAM options');
  }
  for (const setting of ['host', 'database'] as const) {
    // In a pool's iam they would be silently overridden by the pg setting of the same name.
    if (iam !== undefined && setting in (iam as object)) {
      throw invalidOption(`iam.${setting}`, `${setting} is a pg setting here, not an IAM option`, `Move it out of iam: set the top-level ${setting} (or PG${setting === 'host' ? 'HOST' : 'DATABASE'}).`);
    }
  }
  if (Client !== undefined && (typeof Client !== 'function' || typeof (Client as { prototype?: { connect?: unknown } }).prototype?.connect !== 'function')) {
    throw invalidOption('Client', 'expected a pg Client class', 'Pass the Client of the copy of pg you use, or leave it out.');
  }
}
