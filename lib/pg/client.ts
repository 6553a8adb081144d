import { Client as PgClient, type ClientConfig } from 'pg';
import type { RedshiftCredentials } from '../credentials/engine';
import type { TemporaryCredentials } from '../credentials/temporary-credentials';
import { debug } from '../debug';
import { RedshiftIamError } from '../errors';
import { canReplaceConnection, replaceConnection } from './fresh-connection';

type ConnectCallback = (error: Error | null, client?: PgClient) => void;

/** A `pg.Client` class whose every connect logs in with IAM credentials from one engine. */
export type RedshiftClientClass = typeof PgClient & {
  /** The engine that supplies the credentials. */
  readonly credentials: RedshiftCredentials;
  /** Resolves once every connection this class opened has closed its socket. */
  allClosed(): Promise<void>;
};

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
 */
export function redshiftClientClass(engine: RedshiftCredentials, Base: typeof PgClient = PgClient): RedshiftClientClass {
  // pg-pool forgets a client as soon as it asks it to end; the socket closes a little later.
  const open = new Set<RedshiftIamClient>();

  class RedshiftIamClient extends Base {
    static readonly credentials = engine;

    static async allClosed(): Promise<void> {
      await Promise.all([...open].map((client) => new Promise((resolve) => client.once('end', resolve))));
    }
    readonly #timeoutMillis: number;
    #loginAbort: AbortController | undefined;

    constructor(config?: string | ClientConfig) {
      super(config);
      this.#timeoutMillis = typeof config === 'object' ? Number(config.connectionTimeoutMillis ?? 0) : 0;
    }

    override connect(): Promise<PgClient>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<PgClient> | void {
      const connected = this.#connectWithIam();
      if (callback === undefined) return connected.then(() => this);
      connected.then(
        () => process.nextTick(callback, null, this),
        (error: Error) => process.nextTick(callback, error),
      );
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
        this.#forgetPassword();
      }
      open.add(this);
      this.once('end', () => open.delete(this));
    }

    async #loginWithIam(): Promise<void> {
      const started = Date.now();
      const credentials = await this.#credentialsForLogin(started);
      this.#useCredentials(credentials);
      try {
        await this.#superConnect(started);
      } catch (error) {
        if (!isRejectedLogin(error) || credentials.fetchedAt.getTime() >= started || !canReplaceConnection(this)) throw error;
        // Cached credentials were refused (revoked, or a clock skewed past expiry): fetch once more.
        debug('login as %s refused (%s); fetching fresh credentials and retrying once', credentials.user, (error as { code?: string }).code);
        engine.invalidate(credentials);
        // A new connection first: the wait for credentials watches the socket it will use.
        replaceConnection(this);
        const fresh = await this.#credentialsForLogin(started);
        if (fresh === credentials) throw error;
        this.#useCredentials(fresh);
        await this.#superConnect(started);
      }
    }

    async #credentialsForLogin(started: number): Promise<TemporaryCredentials> {
      const abort = new AbortController();
      this.#loginAbort = abort;
      const stream = (this as unknown as { connection?: { stream?: NodeJS.EventEmitter } }).connection?.stream;
      // pg-pool's connection timeout destroys the socket; that must also end the credentials wait.
      const onClose = () => abort.abort(new Error('the socket was destroyed (connection timeout)'));
      stream?.once('close', onClose);
      const timer = this.#timeoutMillis > 0
        ? setTimeout(() => abort.abort(new Error(`connectionTimeoutMillis (${this.#timeoutMillis} ms) passed`)), Math.max(0, this.#timeoutMillis - (Date.now() - started)))
        : undefined;
      try {
        const { credentials, source } = await engine.acquire({ signal: abort.signal });
        if (abort.signal.aborted) {
          throw new RedshiftIamError('CONNECT_ABORTED', 'The connection was ended or timed out while waiting for credentials.', { cause: abort.signal.reason });
        }
        debug('connecting as %s with %s credentials', credentials.user, source === 'fetched' ? 'fresh' : 'cached');
        return credentials;
      } finally {
        clearTimeout(timer);
        stream?.off('close', onClose);
        this.#loginAbort = undefined;
      }
    }

    #useCredentials(credentials: TemporaryCredentials): void {
      this.user = credentials.user;
      this.#parameters().user = credentials.user;
      this.#setPassword(credentials.password);
    }

    // pg needs the password only during the login; afterwards it would just sit on the client,
    // where pg-pool hands the client out with every idle-connection error.
    #forgetPassword(): void {
      this.#setPassword(null);
    }

    // pg keeps both copies non-enumerable, so they stay out of logs and inspection.
    #setPassword(password: string | null): void {
      (this as unknown as { password: string | null }).password = password;
      this.#parameters().password = password;
    }

    #parameters(): { user: string; password: string | null } {
      return (this as unknown as { connectionParameters: { user: string; password: string | null } }).connectionParameters;
    }

    #superConnect(started: number): Promise<void> {
      if (this.#timeoutMillis > 0) {
        // pg starts its own timer at connect(); give it only what is left of the caller's budget.
        (this as unknown as { _connectionTimeoutMillis: number })._connectionTimeoutMillis = Math.max(1, this.#timeoutMillis - (Date.now() - started));
      }
      return new Promise((resolve, reject) => {
        super.connect((error: Error | null) => (error ? reject(error) : resolve()));
      });
    }
  }
  return RedshiftIamClient as unknown as RedshiftClientClass;
}
