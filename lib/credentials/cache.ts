import { EventEmitter } from 'node:events';
import type { IssuedCredentials } from '../aws/types';
import { debug } from '../debug';
import { RedshiftIamError, isRedshiftIamError } from '../errors';
import { TemporaryCredentials } from './temporary-credentials';

/** What happened when a refresh finished. */
export interface RefreshEvent {
  readonly user: string;
  readonly expiresAt: Date;
  readonly refreshAt: Date;
  /** Milliseconds the AWS call took, retries included. */
  readonly durationMs: number;
  /** Attempts the SDK made. */
  readonly attempts: number;
  /** True when connections kept using the previous credentials meanwhile. */
  readonly background: boolean;
}

/** What happened when a refresh failed. */
export interface RefreshErrorEvent {
  readonly error: RedshiftIamError;
  /** True when valid credentials remain and connections go on using them. */
  readonly background: boolean;
}

/** Counters of one cache, shared by every pool and engine of the same target and identity. */
export interface CredentialsStats {
  /** AWS calls started (each may include SDK retries). */
  readonly fetches: number;
  /** AWS calls that failed after the SDK's retries. */
  readonly failures: number;
  /** Requests answered from fresh credentials. */
  readonly hits: number;
  /** Requests answered from credentials inside the refresh window while a refresh ran. */
  readonly staleHits: number;
  /** Requests that had to wait for AWS (cold cache or hard expiry). */
  readonly waits: number;
  /** Duration of the last AWS call in milliseconds. */
  readonly lastFetchMs: number | undefined;
  /** Expiry of the current credentials. */
  readonly expiresAt: Date | undefined;
  /** When the current credentials enter the refresh window. */
  readonly refreshAt: Date | undefined;
  /** The database user of the current credentials. */
  readonly user: string | undefined;
  /** Whether an AWS call is under way. */
  readonly refreshing: boolean;
}

/** How a credentials request was answered. */
export type CredentialsSource = 'hit' | 'stale' | 'fetched';

/** Settings of a {@link CredentialsCache}. */
export interface CredentialsCacheOptions {
  /** Calls AWS; rejects with a RedshiftIamError. */
  readonly fetch: (signal: AbortSignal) => Promise<IssuedCredentials>;
  /** The lifetime requested from AWS: the longest a password can live, whatever the clocks say. */
  readonly durationSeconds: number;
  /** Fixed refresh window; default the smaller of 60 s and a quarter of the lifetime. */
  readonly refreshWindowSeconds?: number | undefined;
  /** For messages and debug lines. */
  readonly description: string;
  /** The local clock; injectable for tests. */
  readonly now?: () => number;
}

const MAX_DEFAULT_WINDOW_MS = 60_000;
// A login needs a moment between taking a password and the server checking it.
const MAX_LOGIN_MARGIN_MS = 5_000;
// The Date header has whole seconds; assume the worst so a lifetime is never overestimated.
const DATE_HEADER_RESOLUTION_MS = 1_000;
// Clocks closer than this (beyond the Date header's own second) count as agreeing.
const CLOCK_AGREEMENT_MS = 2_000;

/**
 * One target's credentials: fresh -> (refresh window: stale-while-revalidate) -> expired.
 * Concurrent requests share one AWS call (single flight); no timers run, so an idle cache holds
 * nothing that keeps a process alive.
 */
export class CredentialsCache extends EventEmitter<{ refresh: [RefreshEvent]; refreshError: [RefreshErrorEvent] }> {
  readonly #options: CredentialsCacheOptions;
  readonly #now: () => number;
  #current: TemporaryCredentials | undefined;
  #usableUntil = 0;
  #inflight: Promise<TemporaryCredentials> | undefined;
  #abort: AbortController | undefined;
  #closed = false;
  #stats = { fetches: 0, failures: 0, hits: 0, staleHits: 0, waits: 0, lastFetchMs: undefined as number | undefined };

  constructor(options: CredentialsCacheOptions) {
    super();
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Credentials for a login, and how they were obtained. Waits for AWS only when it must. */
  async get(signal?: AbortSignal): Promise<{ credentials: TemporaryCredentials; source: CredentialsSource }> {
    this.#assertOpen();
    const now = this.#now();
    const current = this.#current;
    if (current !== undefined && now < current.refreshAt.getTime()) {
      this.#stats.hits++;
      // The hot path: format nothing unless debugging is on.
      if (debug.enabled) debug('cache hit for %s (user %s, expires %s)', this.#options.description, current.user, current.expiresAt.toISOString());
      return { credentials: current, source: 'hit' };
    }
    if (current !== undefined && now < this.#usableUntil) {
      this.#stats.staleHits++;
      if (this.#inflight === undefined) {
        debug('refresh window reached for %s; refreshing in the background', this.#options.description);
        this.#fetch(true).catch(() => undefined);
      }
      return { credentials: current, source: 'stale' };
    }
    this.#stats.waits++;
    debug('no usable credentials for %s; waiting for AWS', this.#options.description);
    const credentials = await abortable(this.#inflight ?? this.#fetch(false), signal, this.#options.description);
    return { credentials, source: 'fetched' };
  }

  /** Fetches new credentials now (joining a call under way) and returns them. */
  refresh(): Promise<TemporaryCredentials> {
    this.#assertOpen();
    return this.#inflight ?? this.#fetch(this.#current !== undefined);
  }

  /**
   * Drops the current credentials so the next request fetches new ones. With `expected`, drops
   * them only if they are still current, so many connections rejected together cause one fetch.
   */
  invalidate(expected?: TemporaryCredentials): boolean {
    if (this.#current === undefined || (expected !== undefined && expected !== this.#current)) return false;
    debug('invalidating credentials for %s (user %s)', this.#options.description, this.#current.user);
    this.#current = undefined;
    this.#usableUntil = 0;
    return true;
  }

  /** The current credentials, if any, without fetching. */
  peek(): TemporaryCredentials | undefined {
    return this.#current;
  }

  /** Counters and the current expiry. */
  stats(): CredentialsStats {
    return {
      ...this.#stats,
      expiresAt: this.#current?.expiresAt,
      refreshAt: this.#current?.refreshAt,
      user: this.#current?.user,
      refreshing: this.#inflight !== undefined,
    };
  }

  /** Forgets the credentials and aborts a call under way; later requests fail with `CLOSED`. */
  close(): void {
    this.#closed = true;
    this.#current = undefined;
    this.#abort?.abort();
    this.removeAllListeners();
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new RedshiftIamError('CLOSED', `The credentials engine for ${this.#options.description} is closed.`, {
        hint: 'It was closed by pool.end() or close(); create a new pool.',
      });
    }
  }

  #fetch(background: boolean): Promise<TemporaryCredentials> {
    const abort = new AbortController();
    this.#abort = abort;
    const started = this.#now();
    this.#stats.fetches++;
    debug('fetching credentials for %s', this.#options.description);
    const inflight = this.#options.fetch(abort.signal).then(
      (issued) => {
        const credentials = this.#store(issued, started);
        const event: RefreshEvent = {
          user: credentials.user,
          expiresAt: credentials.expiresAt,
          refreshAt: credentials.refreshAt,
          durationMs: this.#stats.lastFetchMs ?? 0,
          attempts: issued.attempts,
          background,
        };
        debug('fetched credentials for %s in %d ms (%d attempts): user %s, expires %s, refresh at %s',
          this.#options.description, event.durationMs, event.attempts, event.user, event.expiresAt.toISOString(), event.refreshAt.toISOString());
        this.emit('refresh', event);
        return credentials;
      },
      (cause: unknown) => {
        this.#stats.failures++;
        this.#stats.lastFetchMs = this.#now() - started;
        const error = this.#explain(cause);
        const stillValid = this.#current !== undefined && this.#now() < this.#usableUntil;
        debug('fetching credentials for %s failed after %d ms (%s); %s', this.#options.description, this.#stats.lastFetchMs,
          error.code, stillValid ? 'current credentials stay in use' : 'no valid credentials remain');
        this.emit('refreshError', { error, background: stillValid });
        throw error;
      },
    ).finally(() => {
      if (this.#inflight === inflight) {
        this.#inflight = undefined;
        this.#abort = undefined;
      }
    });
    this.#inflight = inflight;
    return inflight;
  }

  #store(issued: IssuedCredentials, started: number): TemporaryCredentials {
    const receivedAt = this.#now();
    this.#stats.lastFetchMs = receivedAt - started;
    const requestedMs = this.#options.durationSeconds * 1000;
    const reportedMs = clocksAgree(issued.serverDate, receivedAt)
      ? issued.expiration.getTime() - receivedAt
      // Expiration and Date are both AWS's clock, so their difference survives local clock skew.
      : issued.expiration.getTime() - issued.serverDate!.getTime() - DATE_HEADER_RESOLUTION_MS;
    const lifetimeMs = Math.max(0, Math.min(reportedMs, requestedMs));
    const windowMs = this.#options.refreshWindowSeconds !== undefined
      ? Math.min(this.#options.refreshWindowSeconds * 1000, lifetimeMs)
      : Math.min(MAX_DEFAULT_WINDOW_MS, lifetimeMs / 4);
    const expiresAt = receivedAt + lifetimeMs;
    const credentials = new TemporaryCredentials(issued.user, issued.password, {
      expiresAt,
      refreshAt: expiresAt - windowMs,
      fetchedAt: receivedAt,
    });
    if (!this.#closed) {
      this.#current = credentials;
      this.#usableUntil = expiresAt - Math.min(MAX_LOGIN_MARGIN_MS, lifetimeMs / 20);
    }
    return credentials;
  }

  #explain(cause: unknown): RedshiftIamError {
    const error = isRedshiftIamError(cause)
      ? cause
      : new RedshiftIamError('AWS_REQUEST_FAILED', `Fetching credentials for ${this.#options.description} failed: ${String(cause)}.`, { cause });
    const previous = this.#current;
    if (previous === undefined || this.#now() < this.#usableUntil) return error;
    // The constructor appends the hint to the message; keep it once, and as a property.
    const hint = error.hint;
    const detail = hint !== undefined && error.message.endsWith(` ${hint}`) ? error.message.slice(0, -hint.length - 1) : error.message;
    return new RedshiftIamError(
      error.code,
      `The temporary credentials for ${this.#options.description} expired at ${previous.expiresAt.toISOString()} and could not be refreshed: ${detail}`,
      { cause: error, hint, awsErrorName: error.awsErrorName, requestId: error.requestId, option: error.option },
    );
  }
}

/**
 * Whether the local clock matches AWS's within the `Date` header's precision (or there is no
 * header): then the local clock measures the lifetime to the millisecond.
 */
function clocksAgree(serverDate: Date | undefined, receivedAt: number): boolean {
  if (serverDate === undefined) return true;
  const localMinusServer = receivedAt - serverDate.getTime();
  return localMinusServer >= -CLOCK_AGREEMENT_MS && localMinusServer <= DATE_HEADER_RESOLUTION_MS + CLOCK_AGREEMENT_MS;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, description: string): Promise<T> {
  if (signal === undefined) return promise;
  const aborted = () => new RedshiftIamError('CONNECT_ABORTED', `The connection was ended or timed out while waiting for credentials for ${description}.`, {
    hint: 'The credentials call goes on and its result is cached; raise connectionTimeoutMillis if AWS is slow.',
    cause: signal.reason,
  });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
