import { readFileSync } from 'node:fs';
import type { Client as PgClient, ClientConfig } from 'pg';
import { RedshiftIamError } from '../errors';

// The one module that reads or writes pg's private Client and Connection fields. pg has no public
// way to set the login user after construction, to bound its connect timer, or to connect a client
// twice; the library needs all three. Every field below exists, with the same meaning, in every pg
// from 8.11.0 to 8.23.1 (checked in each release, and by the pool tests run against 8.11.0,
// 8.11.6, 8.16.3 and 8.23.1). `checkPgInternals` verifies them once per Client class, so that a pg
// that changes them fails at pool creation with a clear message, not mid-login.

/** The versions of pg whose internals this module was verified against. */
export const VERIFIED_PG_RANGE = '8.11.0 to 8.23.1';

interface SocketLike {
  destroy(): void;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

interface ConnectionInternals {
  constructor: new (config: ConnectionConfig) => ConnectionInternals;
  stream: SocketLike;
  removeAllListeners(): void;
  on(event: 'error', listener: () => void): void;
}

// What pg's Client constructor passes to its Connection (lib/client.js).
interface ConnectionConfig {
  stream: unknown;
  ssl: unknown;
  sslNegotiation: unknown;
  keepAlive: boolean;
  keepAliveInitialDelayMillis: number;
  encoding: string;
}

interface ClientInternals {
  connection: ConnectionInternals;
  password: string | null;
  connectionParameters: { user: string; password: string | null; host: string; port: number; client_encoding?: string; ssl?: unknown; sslnegotiation?: unknown };
  _connecting: boolean;
  _connected: boolean;
  _connectionError: boolean;
  _ending: boolean;
  _ended: boolean;
  _queryable: boolean;
  _connectionTimeoutMillis: number;
}

const BOOLEAN_FIELDS = ['_connecting', '_connected', '_connectionError', '_ending', '_ended', '_queryable'] as const;

function internals(client: PgClient): ClientInternals {
  return client as unknown as ClientInternals;
}

/**
 * Throws `INVALID_OPTION` (option `Client`) naming the pg version and the missing internal when
 * `Base` lacks one this module uses. Builds one probe client that never connects: most fields are
 * set by pg's constructor, so a class alone cannot show them.
 */
export function checkPgInternals(Base: typeof PgClient): void {
  const probeStream = { destroy() {}, once() {}, off() {} };
  let probe: ClientInternals;
  try {
    probe = internals(new Base({ stream: probeStream } as unknown as ClientConfig));
  } catch (error) {
    throw unsupported(Base, 'its constructor', error);
  }
  const missing = (name: string) => unsupported(Base, name);
  const connection = probe.connection as Partial<ConnectionInternals> | undefined;
  if (connection === undefined || connection === null || typeof connection !== 'object') throw missing('client.connection');
  if (connection.stream !== probeStream) throw missing('the stream option (client.connection.stream)');
  if (typeof connection.constructor !== 'function') throw missing('client.connection.constructor');
  if (typeof connection.removeAllListeners !== 'function') throw missing('client.connection.removeAllListeners');
  for (const field of BOOLEAN_FIELDS) {
    if (typeof probe[field] !== 'boolean') throw missing(`client.${field}`);
  }
  if (typeof probe._connectionTimeoutMillis !== 'number') throw missing('client._connectionTimeoutMillis');
  if (!Object.prototype.hasOwnProperty.call(probe, 'password')) throw missing('client.password');
  const parameters = probe.connectionParameters as Partial<ClientInternals['connectionParameters']> | undefined;
  if (parameters === undefined || parameters === null || typeof parameters !== 'object') throw missing('client.connectionParameters');
  for (const field of ['user', 'password', 'host', 'port', 'client_encoding', 'ssl'] as const) {
    if (!(field in parameters)) throw missing(`client.connectionParameters.${field}`);
  }
}

function unsupported(Base: typeof PgClient, what: string, cause?: unknown): RedshiftIamError {
  return new RedshiftIamError('INVALID_OPTION', `pg ${pgVersionOf(Base)} lacks ${what}, which pg-redshift-iam needs to log in with IAM.`, {
    option: 'Client',
    hint: `Use pg ${VERIFIED_PG_RANGE} (the versions verified), or report the pg version at the pg-redshift-iam issue tracker.`,
    cause,
  });
}

/** The version of the pg package that defines `Base` (or one of its ancestors), if it can be found. */
function pgVersionOf(Base: typeof PgClient): string {
  for (const module of Object.values(require.cache)) {
    const exported = module?.exports as { Client?: unknown } | undefined;
    if (module === undefined || typeof exported?.Client !== 'function' || !/[\\/]pg[\\/]lib[\\/]index\.js$/.test(module.filename)) continue;
    if (exported.Client !== Base && !(Base.prototype instanceof (exported.Client as typeof PgClient))) continue;
    try {
      return (JSON.parse(readFileSync(module.filename.replace(/lib[\\/]index\.js$/, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      break;
    }
  }
  return '(version unknown)';
}

/** The client's socket; pg-pool destroys it when its connection timeout passes. */
export function socketOf(client: PgClient): SocketLike {
  return internals(client).connection.stream;
}

/** Destroys the client's socket, failing a login under way (as pg-pool's connection timeout does). */
export function destroySocket(client: PgClient): void {
  internals(client).connection.stream.destroy();
}

/** Whether `end()` was called on the client. */
export function isEnding(client: PgClient): boolean {
  return internals(client)._ending;
}

/**
 * Sets the login user and password. pg sends `connectionParameters.user` in the startup message and
 * answers the password request from `client.password` (a copy of `connectionParameters.password`);
 * pg keeps both copies non-enumerable, so they stay out of logs and inspection. `null` forgets them.
 */
export function setLogin(client: PgClient, user: string | undefined, password: string | null): void {
  const state = internals(client);
  if (user !== undefined) {
    client.user = user;
    state.connectionParameters.user = user;
  }
  state.password = password;
  state.connectionParameters.password = password;
}

/**
 * Sets where the client connects, before `connect()`: pg reads `client.host` and `client.port` when
 * it opens the socket and verifies the TLS certificate against that host (it becomes `servername`).
 * `connectionParameters` keeps the same values, as pg's constructor sets them.
 */
export function setAddress(client: PgClient, host: string, port: number): void {
  const state = internals(client);
  client.host = host;
  client.port = port;
  state.connectionParameters.host = host;
  state.connectionParameters.port = port;
}

/** Sets the timer pg starts in `connect()`; pg reads it from the constructor config only. */
export function setConnectTimeout(client: PgClient, millis: number): void {
  internals(client)._connectionTimeoutMillis = millis;
}

/**
 * Whether a client built from `config` can get a new connection after a failed login: not when the
 * config hands pg a ready `connection`, or a `stream` that is one socket rather than a factory,
 * because that socket is spent (pass a function returning a new socket to keep the retry).
 */
export function canRebuildConnection(config: string | ClientConfig | undefined): boolean {
  if (typeof config !== 'object' || config === null) return true;
  const { connection, stream } = config as { connection?: unknown; stream?: unknown };
  return connection === undefined && (stream === undefined || typeof stream === 'function');
}

/**
 * Detaches the failed connection (so its late `end` event cannot reach the client) and gives the
 * client a new one built from the client's own constructor config exactly as pg's constructor
 * builds it, so `stream` (a socket factory, e.g. a tunnel), keep-alive, TLS and encoding all carry
 * over. Then resets the connect-state flags so that `connect()` may run again.
 */
export function replaceConnection(client: PgClient, config: string | ClientConfig | undefined): void {
  const state = internals(client);
  const old = state.connection;
  old.removeAllListeners();
  old.on('error', () => undefined);
  old.stream.destroy();
  const c = (typeof config === 'object' && config !== null ? config : {}) as ClientConfig & { stream?: unknown };
  const parameters = state.connectionParameters;
  state.connection = new old.constructor({
    stream: c.stream,
    ssl: parameters.ssl,
    sslNegotiation: parameters.sslnegotiation,
    keepAlive: c.keepAlive || false,
    keepAliveInitialDelayMillis: c.keepAliveInitialDelayMillis || 0,
    encoding: parameters.client_encoding || 'utf8',
  });
  state._connecting = false;
  state._connected = false;
  state._connectionError = false;
  state._ended = false;
  state._queryable = true;
}
