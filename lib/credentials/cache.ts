import { EventEmitter } from 'node:events';
import type { IssuedCredentials } from '../aws/types';
import { debug } from '../debug';
import { RedshiftIamError, isRedshiftIamError } from '../errors';
import { backoffDelay, isTransient, WAITING_BACKOFF_MAX_MS } from './backoff';
import { withDeadline, type DeadlinedFetch } from './deadline';
import { lifetimeOf, planGeneration, type GenerationPlan } from './generation';
import { isUsable, phaseAt } from './phase';
import { TemporaryCredentials } from './temporary-credentials';
import { unrefTimers, type CacheTimers } from './timers';

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
  /** AWS calls that failed after the SDK's retries, timed out, or returned an unusable answer. */
  readonly failures: number;
  /** Requests answered from fresh credentials. */
  readonly hits: number;
  /** Requests answered from credentials inside the refresh window (a refresh runs or backs off). */
  readonly staleHits: number;
  /** Requests that had to wait for AWS (cold cache, login margin or hard expiry). */
  readonly waits: number;
  /** Logins waiting for AWS right now. */
  readonly waiting: number;
  /** Duration of the last AWS call in milliseconds. */
  readonly lastFetchMs: number | undefined;
  /** Expiry of the current credentials. */
  readonly expiresAt: Date | undefined;
  /**
   * When the current credentials start being refreshed: a point drawn at random within their
   * refresh window, so that many processes do not call AWS at the same moment.
   */
  readonly refreshAt: Date | undefined;
  /** The last moment the current credentials are handed to a login (the login margin before expiry). */
  readonly usableUntil: Date | undefined;
  /** The database user of the current credentials. */
  readonly user: string | undefined;
  /** Whether an AWS call is under way. */
  readonly refreshing: boolean;
  /** Failed fetches since the last successful one. */
  readonly consecutiveFailures: number;
  /**
   * After a failed fetch: no new fetch starts before this moment (except an explicit `refresh()`);
   * requests inside the refresh window keep using the current credentials. Undefined when no
   * back-off is in force.
   */
  readonly backoffUntil: Date | undefined;
  /**
   * The keep-warm timer: `off` (option `keepWarm: false`), `scheduled` (a timer will refresh at
   * `refreshAt`, or retry at `backoffUntil`), or `idle` (no timer: the cache was not used within
   * the credentials' lifetime, has no credentials yet, or a fetch is under way).
   */
  readonly keepWarm: 'off' | 'scheduled' | 'idle';
}

/** How a credentials request was answered. */
export type CredentialsSource = 'hit' | 'stale' | 'fetched';

/** Settings of a {@link CredentialsCache}. */
export interface CredentialsCacheOptions {
  /** Calls AWS; rejects with a RedshiftIamError. Should stop when `signal` aborts (it is released anyway). */
  readonly fetch: (signal: AbortSignal) => Promise<IssuedCredentials>;
  /** The lifetime requested from AWS: the longest a password can live, whatever the clocks say. */
  readonly durationSeconds: number;
  /** Fixed refresh window; default the smaller of 60 s and a quarter of the lifetime. */
  readonly refreshWindowSeconds?: number | undefined;
  /** The longest one fetch (SDK retries included) may take before it fails with `AWS_UNAVAILABLE`. Default 30. */
  readonly fetchTimeoutSeconds?: number | undefined;
  /** The longest a request waits when no credentials are usable, retrying transient failures. Default 60. */
  readonly waitTimeoutSeconds?: number | undefined;
  /** Refresh on a timer while the cache is in use. Default true. */
  readonly keepWarm?: boolean | undefined;
  /** For messages and debug lines. */
  readonly description: string;
  /** The local clock; injectable for tests. */
  readonly now?: () => number;
  /** Timers (unref'd by default); injectable for tests. */
  readonly timers?: CacheTimers;
  /** Uniform random numbers in [0, 1) for the refresh point and back-off; injectable for tests. */
  readonly random?: () => number;
}

/** Default of `fetchTimeoutSeconds`. */
export const DEFAULT_FETCH_TIMEOUT_SECONDS = 30;
/** Default of `waitTimeoutSeconds`. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 60;

interface Generation extends GenerationPlan {
  readonly credentials: TemporaryCredentials;
}

/** One fetch under way; there is never more than one. */
interface Attempt {
  readonly run: DeadlinedFetch<IssuedCredentials>;
  /** Settles with the stored credentials or the explained error. */
  readonly result: Promise<TemporaryCredentials>;
  /** Started while usable credentials remained (stale hit, keep-warm, refresh()). */
  readonly background: boolean;
  /** Someone other than the waiters needs its result (a background refresh or a `refresh()` call). */
  needed: boolean;
  /** Aborted because every waiter gave up: not a failure. */
  abandoned: boolean;
}

/** A request waiting for AWS. */
interface Waiter {
  readonly resolve: (credentials: TemporaryCredentials) => void;
  /** Rejects and detaches (signal listener, deadline timer). */
  readonly fail: (error: unknown) => void;
}

/**
 * One target's credentials through their phases (see {@link phaseAt}): fresh -> refresh window
 * (stale-while-revalidate) -> login margin -> expired. Concurrent requests share one AWS call
 * (single flight), each call has a deadline, failed refreshes back off, waiting logins retry
 * throttling and outages until their own deadline, and an optional keep-warm timer refreshes ahead
 * of use. Every timer is unref'd, so the cache never keeps a process alive.
 */
export class CredentialsCache extends EventEmitter<{ refresh: [RefreshEvent]; refreshError: [RefreshErrorEvent] }> {
  readonly #options: CredentialsCacheOptions;
  readonly #now: () => number;
  readonly #timers: CacheTimers;
  readonly #random: () => number;
  readonly #fetchTimeoutMs: number;
  readonly #waitTimeoutMs: number;
  readonly #keepWarm: boolean;
  #generation: Generation | undefined;
  #attempt: Attempt | undefined;
  readonly #waiters = new Set<Waiter>();
  #consecutiveFailures = 0;
  #backoffUntil = 0;
  #lastError: RedshiftIamError | undefined;
  #lastUsedAt = Number.NEGATIVE_INFINITY;
  // One timer serves both the retry of waiting requests and keep-warm; undefined when none is set.
  #timer: unknown;
  #closed = false;
  #stats = { fetches: 0, failures: 0, hits: 0, staleHits: 0, waits: 0, lastFetchMs: undefined as number | undefined };

  constructor(options: CredentialsCacheOptions) {
    super();
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? unrefTimers;
    this.#random = options.random ?? Math.random;
    this.#fetchTimeoutMs = (options.fetchTimeoutSeconds ?? DEFAULT_FETCH_TIMEOUT_SECONDS) * 1000;
    this.#waitTimeoutMs = (options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000;
    this.#keepWarm = options.keepWarm ?? true;
  }

  /**
   * Credentials for a login, and how they were obtained. Waits for AWS only when no usable
   * credentials remain, then at most `waitTimeoutSeconds` or until `signal` aborts.
   */
  async get(signal?: AbortSignal): Promise<{ credentials: TemporaryCredentials; source: CredentialsSource }> {
    if (this.#closed) throw this.#closedError();
    const now = this.#now();
    this.#lastUsedAt = now;
    const generation = this.#generation;
    if (generation !== undefined) {
      const phase = phaseAt(generation, now);
      if (phase === 'fresh') {
        this.#stats.hits++;
        if (this.#keepWarm && this.#timer === undefined) this.#schedule();
        // The hot path: format nothing unless debugging is on.
        if (debug.enabled) debug('cache hit for %s (user %s, expires %s)', this.#options.description, generation.credentials.user, generation.credentials.expiresAt.toISOString());
        return { credentials: generation.credentials, source: 'hit' };
      }
      if (phase === 'refresh') {
        this.#stats.staleHits++;
        if (this.#attempt === undefined && now >= this.#backoffUntil) {
          debug('refresh window reached for %s; refreshing in the background', this.#options.description);
          this.#start(true);
        } else if (this.#keepWarm && this.#timer === undefined) {
          this.#schedule();
        }
        return { credentials: generation.credentials, source: 'stale' };
      }
    }
    this.#stats.waits++;
    debug('no usable credentials for %s; waiting for AWS', this.#options.description);
    const credentials = await this.#wait(signal);
    return { credentials, source: 'fetched' };
  }

  /** Fetches new credentials now, whatever the back-off (joining a fetch under way), and returns them. */
  refresh(): Promise<TemporaryCredentials> {
    if (this.#closed) return Promise.reject(this.#closedError());
    const attempt = this.#attempt ?? this.#start(this.#usable(this.#now()));
    attempt.needed = true;
    return attempt.result;
  }

  /**
   * Drops the current credentials so the next request fetches new ones. With `expected`, drops
   * them only if they are still current, so many connections rejected together cause one fetch.
   */
  invalidate(expected?: TemporaryCredentials): boolean {
    const current = this.#generation?.credentials;
    if (current === undefined || (expected !== undefined && expected !== current)) return false;
    debug('invalidating credentials for %s (user %s)', this.#options.description, current.user);
    this.#generation = undefined;
    return true;
  }

  /** The current credentials, if any, without fetching. */
  peek(): TemporaryCredentials | undefined {
    return this.#generation?.credentials;
  }

  /** Counters, the current timing, back-off and keep-warm state. */
  stats(): CredentialsStats {
    const generation = this.#generation;
    return {
      ...this.#stats,
      waiting: this.#waiters.size,
      expiresAt: generation?.credentials.expiresAt,
      refreshAt: generation?.credentials.refreshAt,
      usableUntil: generation === undefined ? undefined : new Date(generation.usableUntil),
      user: generation?.credentials.user,
      refreshing: this.#attempt !== undefined,
      consecutiveFailures: this.#consecutiveFailures,
      backoffUntil: this.#backoffUntil > this.#now() ? new Date(this.#backoffUntil) : undefined,
      keepWarm: !this.#keepWarm ? 'off' : this.#timer !== undefined && this.#waiters.size === 0 ? 'scheduled' : 'idle',
    };
  }

  /**
   * Forgets the credentials, rejects every waiting request with `CLOSED` at once, aborts a fetch
   * under way and clears every timer; later requests fail with `CLOSED`. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#generation = undefined;
    this.#clearTimer();
    const error = this.#closedError();
    for (const waiter of [...this.#waiters]) waiter.fail(error);
    const attempt = this.#attempt;
    this.#attempt = undefined;
    attempt?.run.abort(error);
    this.removeAllListeners();
  }

  #closedError(): RedshiftIamError {
    return new RedshiftIamError('CLOSED', `The credentials engine for ${this.#options.description} is closed.`, {
      hint: 'It was closed by pool.end() or close(); create a new pool.',
    });
  }

  #usable(now: number): boolean {
    return this.#generation !== undefined && isUsable(phaseAt(this.#generation, now));
  }

  /** Queues a request until credentials arrive, a non-transient failure, its deadline or its signal. */
  #wait(signal: AbortSignal | undefined): Promise<TemporaryCredentials> {
    if (signal?.aborted) return Promise.reject(this.#abortedError(signal));
    return new Promise<TemporaryCredentials>((resolve, reject) => {
      const detach = () => {
        this.#waiters.delete(waiter);
        this.#timers.clear(deadline);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        resolve: (credentials) => {
          detach();
          resolve(credentials);
        },
        fail: (error) => {
          detach();
          reject(error);
        },
      };
      const giveUp = (error: RedshiftIamError) => {
        waiter.fail(error);
        this.#afterWaiterLeft();
      };
      const onAbort = () => giveUp(this.#abortedError(signal!));
      const deadline = this.#timers.set(() => giveUp(this.#waitTimeoutError()), this.#waitTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
      this.#pump();
    });
  }

  /** Starts a fetch for the waiting requests unless one runs or a back-off from a transient failure holds. */
  #pump(): void {
    if (this.#closed || this.#waiters.size === 0 || this.#attempt !== undefined) return;
    if (this.#now() < this.#backoffUntil && this.#lastError !== undefined && isTransient(this.#lastError)) {
      this.#schedule();
      return;
    }
    this.#start(false);
  }

  // Nothing may run on for callers that all gave up: a fetch only the waiters needed is aborted.
  #afterWaiterLeft(): void {
    if (this.#waiters.size > 0) return;
    const attempt = this.#attempt;
    if (attempt !== undefined && !attempt.needed) {
      debug('every request waiting for credentials for %s gave up; aborting the fetch', this.#options.description);
      attempt.abandoned = true;
      this.#attempt = undefined;
      attempt.run.abort(new Error('every request waiting for it gave up'));
    }
    this.#schedule();
  }

  #start(background: boolean, needed = background): Attempt {
    const started = this.#now();
    this.#stats.fetches++;
    debug('fetching credentials for %s', this.#options.description);
    const seconds = this.#fetchTimeoutMs / 1000;
    const run = withDeadline(
      this.#options.fetch,
      this.#fetchTimeoutMs,
      () => new RedshiftIamError('AWS_UNAVAILABLE', `AWS did not answer the credentials request for ${this.#options.description} within ${seconds} s (fetchTimeoutSeconds).`, {
        hint: 'Check the network path to the Redshift API (VPC endpoint, proxy, firewall); raise fetchTimeoutSeconds if AWS is this slow.',
      }),
      this.#timers,
    );
    const attempt: Attempt = {
      run,
      background,
      needed,
      abandoned: false,
      result: run.promise.then(
        (issued) => this.#succeed(attempt, issued, started),
        (cause: unknown) => this.#fail(attempt, cause, started),
      ),
    };
    // Waiters and events report the outcome; only refresh() callers read the promise itself.
    attempt.result.catch(() => undefined);
    this.#attempt = attempt;
    this.#clearTimer();
    return attempt;
  }

  #succeed(attempt: Attempt, issued: IssuedCredentials, started: number): TemporaryCredentials {
    if (this.#attempt === attempt) this.#attempt = undefined;
    if (this.#closed) throw this.#closedError();
    const receivedAt = this.#now();
    let plan: GenerationPlan;
    try {
      plan = planGeneration(lifetimeOf(issued, receivedAt, this.#options.durationSeconds * 1000, this.#options.description), receivedAt, this.#options.refreshWindowSeconds, this.#random);
    } catch (error) {
      // An unusable answer is a failed fetch: nothing is stored, and it backs off like any other.
      return this.#fail(attempt, error, started);
    }
    this.#stats.lastFetchMs = receivedAt - started;
    const credentials = new TemporaryCredentials(issued.user, issued.password, {
      expiresAt: plan.expiresAt,
      refreshAt: plan.refreshAt,
      fetchedAt: receivedAt,
    });
    // Spelled out: V8 gives a spread result a hidden class of its own, ~0.5 KiB per target.
    this.#generation = { lifetimeMs: plan.lifetimeMs, expiresAt: plan.expiresAt, usableUntil: plan.usableUntil, refreshAt: plan.refreshAt, credentials };
    this.#consecutiveFailures = 0;
    this.#backoffUntil = 0;
    this.#lastError = undefined;
    for (const waiter of [...this.#waiters]) waiter.resolve(credentials);
    const event: RefreshEvent = {
      user: credentials.user,
      expiresAt: credentials.expiresAt,
      refreshAt: credentials.refreshAt,
      durationMs: this.#stats.lastFetchMs,
      attempts: issued.attempts,
      background: attempt.background,
    };
    debug('fetched credentials for %s in %d ms (%d attempts): user %s, expires %s, refresh at %s',
      this.#options.description, event.durationMs, event.attempts, event.user, event.expiresAt.toISOString(), event.refreshAt.toISOString());
    this.#deliver('refresh', event);
    this.#schedule();
    return credentials;
  }

  #fail(attempt: Attempt, cause: unknown, started: number): never {
    if (this.#attempt === attempt) this.#attempt = undefined;
    if (this.#closed || attempt.abandoned) throw cause;
    const now = this.#now();
    this.#stats.failures++;
    this.#stats.lastFetchMs = now - started;
    const error = this.#explain(cause, now);
    const stillValid = this.#usable(now);
    this.#consecutiveFailures++;
    this.#lastError = error;
    // In the background, the pause ends well before the credentials become unusable; with none
    // usable, logins wait, so the pause stays short enough not to outlast an outage by much.
    const limit = stillValid ? (this.#generation!.usableUntil - now) / 2 : WAITING_BACKOFF_MAX_MS;
    this.#backoffUntil = now + backoffDelay(this.#consecutiveFailures, this.#random, limit);
    debug('fetching credentials for %s failed after %d ms (%s); %s; next fetch not before %d ms from now', this.#options.description, this.#stats.lastFetchMs,
      error.code, stillValid ? 'current credentials stay in use' : 'no valid credentials remain', this.#backoffUntil - now);
    if (!isTransient(error)) {
      for (const waiter of [...this.#waiters]) waiter.fail(error);
    }
    this.#deliver('refreshError', { error, background: stillValid });
    this.#schedule();
    throw error;
  }

  // A listener runs in its own tick: if it throws, that is an uncaught exception of its own, as with
  // any EventEmitter, and never the outcome of a fetch or of the requests waiting for it.
  #deliver<E extends 'refresh' | 'refreshError'>(name: E, event: E extends 'refresh' ? RefreshEvent : RefreshErrorEvent): void {
    process.nextTick(() => {
      if (!this.#closed) (this.emit as (name: string, event: unknown) => boolean)(name, event);
    });
  }

  /** Sets the one timer: the next retry for waiting requests, or the keep-warm refresh. */
  #schedule(): void {
    this.#clearTimer();
    if (this.#closed || this.#attempt !== undefined) return;
    const now = this.#now();
    let at: number | undefined;
    if (this.#waiters.size > 0) {
      at = this.#backoffUntil;
    } else if (this.#keepWarm && this.#generation !== undefined) {
      const due = Math.max(this.#generation.refreshAt, this.#backoffUntil, now);
      // Keep warm only while in use: an idle cache stops within one lifetime of its last request.
      // (The same test as in #tick, at the same moment, so a timer never fires to do nothing.)
      if (this.#lastUsedAt >= due - this.#generation.lifetimeMs) at = due;
    }
    if (at === undefined) return;
    this.#timer = this.#timers.set(() => this.#tick(), Math.max(0, at - now));
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#closed || this.#attempt !== undefined) return;
    if (this.#waiters.size > 0) {
      this.#pump();
      return;
    }
    const now = this.#now();
    const generation = this.#generation;
    if (generation !== undefined && phaseAt(generation, now) !== 'fresh' && now >= this.#backoffUntil && this.#lastUsedAt >= now - generation.lifetimeMs) {
      debug('keep-warm: refreshing credentials for %s', this.#options.description);
      this.#start(this.#usable(now), true);
      return;
    }
    this.#schedule();
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
  }

  #abortedError(signal: AbortSignal): RedshiftIamError {
    const last = this.#lastError === undefined ? '' : ` The last fetch failed with ${this.#lastError.code}: ${detailOf(this.#lastError)}`;
    return new RedshiftIamError('CONNECT_ABORTED', `The connection was ended or timed out while waiting for credentials for ${this.#options.description}.${last}`, {
      hint: 'Raise connectionTimeoutMillis if AWS is slow.',
      cause: signal.reason,
    });
  }

  #waitTimeoutError(): RedshiftIamError {
    const seconds = this.#waitTimeoutMs / 1000;
    const last = this.#lastError;
    if (last === undefined) {
      return new RedshiftIamError('AWS_UNAVAILABLE', `No credentials for ${this.#options.description} arrived within ${seconds} s (waitTimeoutSeconds).`, {
        hint: 'Check the network path to the Redshift API; raise waitTimeoutSeconds if AWS is this slow.',
      });
    }
    return new RedshiftIamError(last.code, `No credentials for ${this.#options.description} within ${seconds} s (waitTimeoutSeconds), retrying: ${detailOf(last)}`, {
      cause: last, hint: last.hint, awsErrorName: last.awsErrorName, requestId: last.requestId, option: last.option,
    });
  }

  #explain(cause: unknown, now: number): RedshiftIamError {
    const error = isRedshiftIamError(cause)
      ? cause
      : new RedshiftIamError('AWS_REQUEST_FAILED', `Fetching credentials for ${this.#options.description} failed: ${String(cause)}.`, { cause });
    const previous = this.#generation;
    if (previous === undefined || isUsable(phaseAt(previous, now))) return error;
    const when = phaseAt(previous, now) === 'expired' ? 'expired' : 'expire';
    return new RedshiftIamError(
      error.code,
      `The temporary credentials for ${this.#options.description} ${when} at ${previous.credentials.expiresAt.toISOString()} and could not be refreshed: ${detailOf(error)}`,
      { cause: error, hint: error.hint, awsErrorName: error.awsErrorName, requestId: error.requestId, option: error.option },
    );
  }
}

// The constructor appends the hint to the message; quote an error without it, so it appears once.
function detailOf(error: RedshiftIamError): string {
  const hint = error.hint;
  return hint !== undefined && error.message.endsWith(` ${hint}`) ? error.message.slice(0, -hint.length - 1) : error.message;
}
