import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { RedshiftIamError } from '../errors';
import type { RedshiftCredentialsOptions, ResolvedTarget } from '../options/types';
import { resolveTarget } from '../options/validate';
import type { CredentialsSource, CredentialsStats, RefreshErrorEvent, RefreshEvent } from './cache';
import { leaseCache, type CacheLease } from './registry';
import type { TemporaryCredentials } from './temporary-credentials';

/** What an engine logs in to, without secrets. */
export type RedshiftTarget = Pick<
  ResolvedTarget,
  'api' | 'clusterIdentifier' | 'workgroupName' | 'customDomainName' | 'database' | 'dbUser' | 'region'
>;

/** Events of a {@link RedshiftCredentials} engine. */
export interface RedshiftCredentialsEvents {
  /** New credentials arrived. */
  refresh: [RefreshEvent];
  /** A fetch failed; `background` says whether valid credentials remain in use. */
  refreshError: [RefreshErrorEvent];
}

/** Credentials for one login and how they were obtained. */
export interface AcquiredCredentials {
  readonly credentials: TemporaryCredentials;
  /** `hit`: fresh from cache; `stale`: from cache while a refresh runs; `fetched`: waited for AWS. */
  readonly source: CredentialsSource;
}

/**
 * The credentials engine: temporary Redshift credentials, cached and shared per target and AWS
 * identity across the process, fetched once for any number of concurrent requests and refreshed
 * in the background inside the refresh window.
 */
export class RedshiftCredentials extends EventEmitter<RedshiftCredentialsEvents> {
  /** What this engine logs in to. */
  readonly target: RedshiftTarget;
  #lease: CacheLease | undefined;
  // Each engine delivers in a tick of its own, so a throwing listener of one engine surfaces as its
  // own uncaught exception and cannot keep the event from other engines sharing the cache.
  readonly #forward = {
    refresh: (event: RefreshEvent) => process.nextTick(() => this.emit('refresh', event)),
    refreshError: (event: RefreshErrorEvent) => process.nextTick(() => this.emit('refreshError', event)),
  };

  /** @internal Use {@link createRedshiftCredentials}. */
  constructor(resolved: ResolvedTarget, options: RedshiftCredentialsOptions) {
    super();
    this.target = Object.freeze({
      api: resolved.api,
      clusterIdentifier: resolved.clusterIdentifier,
      workgroupName: resolved.workgroupName,
      customDomainName: resolved.customDomainName,
      database: resolved.database,
      dbUser: resolved.dbUser,
      region: resolved.region,
    });
    this.#lease = leaseCache(resolved, options);
    this.#lease.cache.on('refresh', this.#forward.refresh);
    this.#lease.cache.on('refreshError', this.#forward.refreshError);
  }

  /** Resolves `{ user, password, expiresAt }`, from cache when possible. */
  async get(options: { signal?: AbortSignal } = {}): Promise<TemporaryCredentials> {
    return (await this.acquire(options)).credentials;
  }

  /** Like {@link get}, and says whether the credentials came from cache or a fresh AWS call. */
  acquire(options: { signal?: AbortSignal } = {}): Promise<AcquiredCredentials> {
    const lease = this.#lease;
    return lease === undefined ? Promise.reject(closedError()) : lease.cache.get(options.signal);
  }

  /** Resolves the password only: handy as pg's `password` function where the user is fixed. */
  async password(): Promise<string> {
    return (await this.get()).password;
  }

  /** Fetches new credentials now (joining a fetch under way). */
  refresh(): Promise<TemporaryCredentials> {
    const lease = this.#lease;
    return lease === undefined ? Promise.reject(closedError()) : lease.cache.refresh();
  }

  /**
   * Drops the cached credentials so the next request fetches new ones; with `expected`, only if
   * those are still the cached ones. Returns whether anything was dropped. Throws `CLOSED` after
   * {@link close}.
   */
  invalidate(expected?: TemporaryCredentials): boolean {
    return this.#cache().invalidate(expected);
  }

  /**
   * Counters and state of the shared cache: fetches, failures, hits, waits, current expiry and
   * refresh point, back-off and keep-warm. Throws `CLOSED` after {@link close}.
   */
  stats(): CredentialsStats {
    return this.#cache().stats();
  }

  /** Releases the shared cache; the last engine to release it closes it. Idempotent. */
  async close(): Promise<void> {
    const lease = this.#lease;
    if (lease === undefined) return;
    this.#lease = undefined;
    lease.cache.off('refresh', this.#forward.refresh);
    lease.cache.off('refreshError', this.#forward.refreshError);
    lease.release();
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#lease === undefined;
  }

  /** JSON shows the target only. */
  toJSON(): { target: RedshiftTarget } {
    return { target: this.target };
  }

  /** What `util.inspect` shows: the target only. */
  [inspect.custom](): string {
    return `RedshiftCredentials ${inspect(this.target)}`;
  }

  // For the synchronous methods; the promise-returning ones reject instead of throwing.
  #cache() {
    if (this.#lease === undefined) throw closedError();
    return this.#lease.cache;
  }
}

function closedError(): RedshiftIamError {
  return new RedshiftIamError('CLOSED', 'This Redshift credentials engine is closed.', { hint: 'Create a new one (or a new pool).' });
}

/**
 * Creates the credentials engine on its own, e.g. for scripts or a driver other than pg. Validates
 * the options synchronously (throws `INVALID_OPTION`) and makes no AWS call until the first `get()`.
 */
export function createRedshiftCredentials(options: RedshiftCredentialsOptions): RedshiftCredentials {
  return new RedshiftCredentials(resolveTarget(options), options);
}
