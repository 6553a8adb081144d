import type { Client } from 'pg';

// pg's Client has no public way to connect twice, yet the pool already holds this instance when a
// login is rejected; so a retry swaps in a new Connection and resets the connect-state flags.
// These fields have been stable across pg 8.x; the integration tests exercise this path.
interface ClientInternals {
  connection: ConnectionInternals;
  _connecting: boolean;
  _connected: boolean;
  _connectionError: boolean;
  _ending: boolean;
  _ended: boolean;
  _queryable: boolean;
  connectionParameters: { client_encoding?: string };
}

interface ConnectionInternals {
  constructor: new (config: object) => ConnectionInternals;
  stream: { destroy(): void; destroyed?: boolean };
  ssl: unknown;
  sslNegotiation?: string;
  _keepAlive?: boolean;
  _keepAliveInitialDelayMillis?: number;
  removeAllListeners(): void;
  on(event: string, listener: () => void): void;
}

/** Whether this pg version exposes what {@link replaceConnection} needs. */
export function canReplaceConnection(client: Client): boolean {
  const internals = client as unknown as Partial<ClientInternals>;
  return typeof internals.connection?.stream?.destroy === 'function' && typeof internals._connecting === 'boolean';
}

/**
 * Detaches the failed connection (so its late `end` event cannot reach the client) and gives the
 * client a new one with the same socket settings, ready for another `connect()`.
 */
export function replaceConnection(client: Client): void {
  const internals = client as unknown as ClientInternals;
  const old = internals.connection;
  old.removeAllListeners();
  old.on('error', () => undefined);
  old.stream.destroy();
  internals.connection = new old.constructor({
    ssl: old.ssl,
    sslNegotiation: old.sslNegotiation,
    keepAlive: old._keepAlive,
    keepAliveInitialDelayMillis: old._keepAliveInitialDelayMillis,
    encoding: internals.connectionParameters.client_encoding || 'utf8',
  });
  internals._connecting = false;
  internals._connected = false;
  internals._connectionError = false;
  internals._ended = false;
  internals._queryable = true;
}
