import { setMaxListeners } from 'node:events';
import { Client as PgClient, type ClientConfig } from 'pg';
import type { RedshiftCredentials } from '../credentials/engine';
import type { TemporaryCredentials } from '../credentials/temporary-credentials';
import { debug } from '../debug';
import { RedshiftIamError } from '../errors';
import { canRebuildConnection, checkPgInternals, destroySocket, isEnding, replaceConnection, setAddress, setConnectTimeout, setLogin, socketOf } from './internals';

type ConnectCallback = (error: Error | null, client?: PgClient) => void;

/** A `pg.Client` class whose every connect logs in with IAM credentials from one engine. */
export type RedshiftClientClass = typeof PgClient & {
  /** The engine that supplies the credentials. */
  readonly credentials: RedshiftCredentials;
  /** Resolves once every connection this class opened has closed its socket. */
  allClosed(): Promise<void>;
  /**
   * Ends every login of this class under way and refuses later ones: a connect waiting for
   * credentials or still logging in rejects with `reason` (a `CLOSED` error by default) at once, so
   * no session opens after this call. Idempotent. `pool.end()` calls it.
   */
  endLogins(reason?: RedshiftIamError): void;
};

const REDSHIFT_PORT = 5439;

// PostgreSQL/Redshift codes for a login refused: invalid_password, invalid_authorization_specification.
const REJECTED_LOGIN = new Set(['28P01', '28000']);

/** Whether pg failed a login because the server refused the user or password. */
export function isRejectedLogin(error: unknown): boolean {
  return typeof error === 'object' && error !== null && REJECTED_LOGIN.has((error as { code?: string }).code ?? '');
}

/**
 * Builds a Client subclass bound to `engine`. pg sends the user in the startup message before it
 * asks for a password, so the subclass sets user and password together before `super.connect()`.
 * pg-pool passes `connectionTimeoutMillis` to each client; it bounds the credentials wait too.
 * Throws `INVALID_OPTION` (option `Client`) when `Base` is a pg that lacks an internal it needs.
 * When the engine discovers the address (no host), each connection goes there, on `configuredPort`
 * (the pool's own `port` setting) when given, else the endpoint's port: not the port an ORM fills in
 * per client (Sequelize sets 5432).
 */
export function redshiftClientClass(engine: RedshiftCredentials, Base: typeof PgClient = PgClient, configuredPort?: number): RedshiftClientClass {
  checkPgInternals(Base);
  // pg-pool forgets a client as soon as it asks it to end; the socket closes a little later.
  const open = new Set<RedshiftIamClient>();
  // Clients inside super.connect(): endLogins() destroys their sockets so that no login completes.
  const loggingIn = new Set<RedshiftIamClient>();
  const ended = new AbortController();
  // Every login waiting for credentials listens here and stops listening when its wait ends, so the
  // count follows the pool's concurrent connects; Node's default warning at 11 would be a false alarm.
  setMaxListeners(0, ended.signal);

  class RedshiftIamClient extends Base {
    static readonly credentials = engine;

    static async allClosed(): Promise<void> {
      await Promise.all([...open].map((client) => new Promise((resolve) => client.once('end', resolve))));
    }

    static endLogins(reason = new RedshiftIamError('CLOSED', 'The pool was ended while this connection was logging in.')): void {
      if (ended.signal.aborted) return;
      ended.abort(reason);
      for (const client of loggingIn) destroySocket(client);
    }

    readonly #config: string | ClientConfig | undefined;
    readonly #timeoutMillis: number;
    #loginAbort: AbortController | undefined;
    // pg reports the login done from inside its parser, which goes on with the rest of the same
    // chunk at once, while this class hands the client over a few ticks later (after its promise
    // chain). A backend terminated right after its login can put its FATAL in that chunk: pg emits
    // 'error' before pg-pool has attached its listener, an uncaught exception. Held here instead.
    #errorBeforeHandOver: Error | undefined;
    readonly #holdError = (error: Error) => {
      this.#errorBeforeHandOver ??= error;
    };

    constructor(config?: string | ClientConfig) {
      super(config);
      this.#config = config;
      this.#timeoutMillis = typeof config === 'object' ? Number(config.connectionTimeoutMillis ?? 0) : 0;
      this.on('end', () => open.delete(this));
    }

    override connect(): Promise<PgClient>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<PgClient> | void {
      const connected = this.#connectWithIam();
      if (callback === undefined) {
        return connected.then(() => {
          const lost = this.#handOver();
          if (lost !== undefined) throw lost;
          return this;
        });
      }
      connected.then(
        () => process.nextTick(() => {
          const lost = this.#handOver();
          if (lost !== undefined) callback(lost);
          else callback(null, this);
        }),
        (error: Error) => process.nextTick(callback, error),
      );
    }

    /** Stops holding errors for the caller; returns the one that ended the connection meanwhile, if any. */
    #handOver(): Error | undefined {
      const lost = this.#errorBeforeHandOver;
      if (lost === undefined) {
        this.off('error', this.#holdError);
        return undefined;
      }
      // The connect fails with it; the dead connection keeps the listener, as its later errors
      // ('Connection terminated unexpectedly') are the same failure, and its socket is closed.
      destroySocket(this);
      return lost;
    }

    override end(): Promise<void>;
    override end(callback: (error: Error) => void): void;
    override end(callback?: (error: Error) => void): Promise<void> | void {
      this.#loginAbort?.abort(new Error('client.end() was called'));
      return callback === undefined ? super.end() : super.end(callback);
    }

    async #connectWithIam(): Promise<void> {
      try {
        await this.#loginWithIam();
      } finally {
        setLogin(this, undefined, null);
      }
    }

    async #loginWithIam(): Promise<void> {
      const started = Date.now();
      const credentials = await this.#credentialsForLogin(started);
      this.#useCredentials(credentials);
      try {
        await this.#superConnect(started);
      } catch (error) {
        if (!isRejectedLogin(error) || credentials.fetchedAt.getTime() >= started || !canRebuildConnection(this.#config)) throw error;
        // Cached credentials were refused (revoked, or a clock skewed past expiry): fetch once more.
        debug('login as %s refused (%s); fetching fresh credentials and retrying once', credentials.user, (error as { code?: string }).code);
        engine.invalidate(credentials);
        // A new connection first: the wait for credentials watches the socket it will use.
        open.delete(this);
        replaceConnection(this, this.#config);
        const fresh = await this.#credentialsForLogin(started);
        if (fresh === credentials) throw error;
        this.#useCredentials(fresh);
        await this.#superConnect(started);
      }
    }

    async #credentialsForLogin(started: number): Promise<TemporaryCredentials> {
      this.#throwIfEnded();
      const abort = new AbortController();
      this.#loginAbort = abort;
      const socket = socketOf(this);
      // pg-pool's connection timeout destroys the socket; that must also end the credentials wait.
      const onClose = () => abort.abort(new Error('the socket was destroyed (connection timeout)'));
      socket.once('close', onClose);
      const onEnded = () => abort.abort(ended.signal.reason);
      ended.signal.addEventListener('abort', onEnded);
      const timer = this.#timeoutMillis > 0
        ? setTimeout(() => abort.abort(new Error(`connectionTimeoutMillis (${this.#timeoutMillis} ms) passed`)), Math.max(0, this.#timeoutMillis - (Date.now() - started)))
        : undefined;
      try {
        if (engine.discoversAddress) await this.#useDiscoveredAddress(abort.signal);
        const { credentials, source } = await engine.acquire({ signal: abort.signal });
        this.#throwIfEnded();
        if (abort.signal.aborted) {
          throw new RedshiftIamError('CONNECT_ABORTED', 'The connection was ended or timed out while waiting for credentials.', { cause: abort.signal.reason });
        }
        debug('connecting as %s with %s credentials', credentials.user, source === 'fetched' ? 'fresh' : 'cached');
        return credentials;
      } catch (error) {
        this.#throwIfEnded();
        throw error;
      } finally {
        clearTimeout(timer);
        socket.off('close', onClose);
        ended.signal.removeEventListener('abort', onEnded);
        this.#loginAbort = undefined;
      }
    }

    /**
     * No host was set: connect where the engine's lookup says (once per engine), with the pool's
     * port setting when it has one, else the endpoint's, else Redshift's 5439.
     */
    async #useDiscoveredAddress(signal: AbortSignal): Promise<void> {
      const { host, port } = await engine.address({ signal });
      setAddress(this, host, configuredPort ?? port ?? REDSHIFT_PORT);
    }

    // After endLogins() no connect may proceed, whatever the credentials wait returned.
    #throwIfEnded(): void {
      if (ended.signal.aborted) throw ended.signal.reason;
    }

    #useCredentials(credentials: TemporaryCredentials): void {
      setLogin(this, credentials.user, credentials.password);
    }

    #superConnect(started: number): Promise<void> {
      this.#throwIfEnded();
      if (isEnding(this)) {
        return Promise.reject(new RedshiftIamError('CONNECT_ABORTED', 'The connection was ended while waiting for credentials.'));
      }
      if (this.#timeoutMillis > 0) {
        // pg starts its own timer at connect(); give it only what is left of the caller's budget.
        setConnectTimeout(this, Math.max(1, this.#timeoutMillis - (Date.now() - started)));
      }
      open.add(this);
      loggingIn.add(this);
      return new Promise<void>((resolve, reject) => {
        super.connect((error: Error | null) => {
          loggingIn.delete(this);
          // A login that endLogins() cut short reports why; one that won the race is ended at once.
          if (ended.signal.aborted) {
            if (!error) destroySocket(this);
            reject(ended.signal.reason as Error);
          } else if (error) reject(error);
          else {
            // Synchronously, before pg parses the next message (see #errorBeforeHandOver).
            this.on('error', this.#holdError);
            resolve();
          }
        });
      });
    }
  }
  return RedshiftIamClient as unknown as RedshiftClientClass;
}
