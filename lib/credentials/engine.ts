import { EventEmitter, setMaxListeners } from 'node:events';
import { inspect } from 'node:util';
import { leaseDiscoveryClients, type DiscoveryClientsLease } from '../aws/discovery-clients';
import { createTargetResolver, type CnameResolver, type TargetResolver } from '../discovery';
import { RedshiftIamError } from '../errors';
import type { RedshiftCredentialsOptions, ResolvedTarget } from '../options/types';
import { planTarget, type TargetPlan } from '../options/validate';
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

/** Where a connection goes when the pg settings have no host: the looked-up endpoint. */
export interface RedshiftAddress {
  readonly host: string;
  /** The endpoint's port, when AWS gave one. */
  readonly port: number | undefined;
}

/** @internal How an engine resolves its target; the pg glue and the CLI set it. */
export interface EngineSetup {
  /** Look up the endpoint address and port (`DescribeClusters` / `GetWorkgroup`): the pg settings have no host. */
  readonly discoverAddress?: boolean;
  /** CNAME resolution for custom domains (tests inject one); default `dns.promises`. */
  readonly resolveCname?: CnameResolver;
}

/**
 * The credentials engine: temporary Redshift credentials, cached and shared per target and AWS
 * identity across the process, fetched once for any number of concurrent requests and refreshed
 * in the background inside the refresh window. When the options leave the target to a lookup
 * (a managed VPC endpoint or custom domain host) or the address is to be discovered (no host), the
 * engine looks it up once, at the first `acquire()`, and leases the shared cache then.
 */
export class RedshiftCredentials extends EventEmitter<RedshiftCredentialsEvents> {
  readonly #options: RedshiftCredentialsOptions;
  // Only for a target or address left to a lookup: a named target with a host needs neither.
  readonly #resolver: TargetResolver | undefined;
  readonly #discovery: DiscoveryClientsLease | undefined;
  readonly #discoversAddress: boolean;
  readonly #keepWarm: boolean;
  #closed = false;
  // Aborted by close(): ends every wait for the lookup with CLOSED (only an engine that looks up has one).
  readonly #closing: AbortController | undefined;
  #target: RedshiftTarget | undefined;
  #lease: CacheLease | undefined;
  #waitingForTarget = 0;
  // Each engine delivers in a tick of its own, so a throwing listener of one engine surfaces as its
  // own uncaught exception and cannot keep the event from other engines sharing the cache.
  readonly #forward = {
    refresh: (event: RefreshEvent) => process.nextTick(() => this.emit('refresh', event)),
    refreshError: (event: RefreshErrorEvent) => process.nextTick(() => this.emit('refreshError', event)),
  };

  /** @internal Use {@link createRedshiftCredentials}. */
  constructor(plan: TargetPlan, options: RedshiftCredentialsOptions, setup: EngineSetup = {}) {
    super();
    this.#options = options;
    this.#keepWarm = options.keepWarm ?? true;
    this.#discoversAddress = setup.discoverAddress === true && plan.host === undefined;
    if (plan.target !== undefined && !this.#discoversAddress) {
      this.#useTarget(plan.target);
      return;
    }
    this.#closing = new AbortController();
    // Each connect waiting for the target lookup listens here until its wait ends.
    setMaxListeners(0, this.#closing.signal);
    // The lookups use the SDK clients (and the AWS identity, an assumed role included) that the
    // credentials calls of the same identity use; none is created before a lookup runs.
    this.#discovery = leaseDiscoveryClients(options, options.endpoint);
    this.#resolver = createTargetResolver(plan, {
      clients: this.#discovery.clients,
      discoverAddress: this.#discoversAddress,
      // The lookups are one step of a login, as a credentials fetch is: the same deadline.
      timeoutMs: (options.fetchTimeoutSeconds ?? 30) * 1000,
      ...(setup.resolveCname === undefined ? {} : { resolveCname: setup.resolveCname }),
    });
    const target = plan.target ?? this.#resolver.resolved?.target;
    if (target !== undefined) this.#useTarget(target);
  }

  /**
   * What this engine logs in to; `undefined` until the lookup of a managed VPC endpoint's or a custom
   * domain's cluster or workgroup has run (at the first `acquire()`).
   */
  get target(): RedshiftTarget | undefined {
    return this.#target;
  }

  /** Whether connections take their host and port from {@link address} (the pg settings have no host). */
  get discoversAddress(): boolean {
    return this.#discoversAddress;
  }

  /**
   * The endpoint address and port of the cluster or workgroup, looked up once (`DescribeClusters` /
   * `GetWorkgroup`) when the engine discovers its address; the same answer for every later call.
   * Rejects with `INVALID_OPTION` when the engine has a host, `CLOSED` after {@link close}, and
   * `CONNECT_ABORTED` when `signal` aborts; the lookup itself has the `fetchTimeoutSeconds` deadline.
   */
  async address(options: { signal?: AbortSignal } = {}): Promise<RedshiftAddress> {
    if (!this.#discoversAddress) {
      throw new RedshiftIamError('INVALID_OPTION', 'This engine has a host; it looks up no address.', { option: 'host' });
    }
    const resolved = await this.#resolve(options.signal);
    return { host: resolved.address as string, port: resolved.port };
  }

  /** Resolves `{ user, password, expiresAt }`, from cache when possible. */
  async get(options: { signal?: AbortSignal } = {}): Promise<TemporaryCredentials> {
    return (await this.acquire(options)).credentials;
  }

  /** Like {@link get}, and says whether the credentials came from cache or a fresh AWS call. */
  async acquire(options: { signal?: AbortSignal } = {}): Promise<AcquiredCredentials> {
    return (await this.#leased(options.signal)).cache.get(options.signal);
  }

  /** Resolves the password only: handy as pg's `password` function where the user is fixed. */
  async password(): Promise<string> {
    return (await this.get()).password;
  }

  /** Fetches new credentials now (joining a fetch under way; after the target lookup when it is pending). */
  async refresh(): Promise<TemporaryCredentials> {
    return (await this.#leased(undefined)).cache.refresh();
  }

  /**
   * Drops the cached credentials so the next request fetches new ones; with `expected`, only if
   * those are still the cached ones. Returns whether anything was dropped (nothing before the target
   * lookup). Throws `CLOSED` after {@link close}.
   */
  invalidate(expected?: TemporaryCredentials): boolean {
    this.#throwIfClosed();
    return this.#lease?.cache.invalidate(expected) ?? false;
  }

  /**
   * Counters and state of the shared cache: fetches, failures, hits, waits, current expiry and
   * refresh point, back-off and keep-warm. Before the target lookup: zeros, with `waiting` counting
   * the requests that wait for it. Throws `CLOSED` after {@link close}.
   */
  stats(): CredentialsStats {
    this.#throwIfClosed();
    if (this.#lease !== undefined) return this.#lease.cache.stats();
    return {
      fetches: 0, failures: 0, hits: 0, staleHits: 0, waits: 0, waiting: this.#waitingForTarget, lastFetchMs: undefined,
      expiresAt: undefined, refreshAt: undefined, usableUntil: undefined, user: undefined, refreshing: false,
      consecutiveFailures: 0, backoffUntil: undefined, keepWarm: this.#keepWarm ? 'idle' : 'off',
    };
  }

  /**
   * Releases the shared cache (the last engine to release it closes it) and the lookups' SDK clients;
   * requests waiting for the target lookup reject with `CLOSED` at once. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing?.abort(closedError());
    const lease = this.#lease;
    this.#lease = undefined;
    this.#discovery?.release();
    if (lease === undefined) return;
    lease.cache.off('refresh', this.#forward.refresh);
    lease.cache.off('refreshError', this.#forward.refreshError);
    lease.release();
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** JSON shows the target only. */
  toJSON(): { target: RedshiftTarget | undefined } {
    return { target: this.target };
  }

  /** What `util.inspect` shows: the target only. */
  [inspect.custom](): string {
    return this.target === undefined ? 'RedshiftCredentials (target not looked up yet)' : `RedshiftCredentials ${inspect(this.target)}`;
  }

  #throwIfClosed(): void {
    if (this.closed) throw closedError();
  }

  #useTarget(resolved: ResolvedTarget): CacheLease {
    this.#target = Object.freeze({
      api: resolved.api,
      clusterIdentifier: resolved.clusterIdentifier,
      workgroupName: resolved.workgroupName,
      customDomainName: resolved.customDomainName,
      database: resolved.database,
      dbUser: resolved.dbUser,
      region: resolved.region,
    });
    const lease = leaseCache(resolved, this.#options);
    lease.cache.on('refresh', this.#forward.refresh);
    lease.cache.on('refreshError', this.#forward.refreshError);
    this.#lease = lease;
    return lease;
  }

  /** The cache lease, after the target lookup when one is needed. */
  async #leased(signal: AbortSignal | undefined): Promise<CacheLease> {
    this.#throwIfClosed();
    if (this.#lease !== undefined) return this.#lease;
    const resolved = await this.#resolve(signal);
    // close() may have run while the lookup finished: lease nothing then.
    this.#throwIfClosed();
    return this.#lease ?? this.#useTarget(resolved.target);
  }

  /** The resolver's answer; close() ends the wait with CLOSED, `signal` with CONNECT_ABORTED. */
  async #resolve(signal: AbortSignal | undefined) {
    this.#throwIfClosed();
    // Only an engine that looks something up gets here: any other has its lease from the start.
    const resolver = this.#resolver as TargetResolver;
    const resolved = resolver.resolved;
    if (resolved !== undefined) return resolved;
    const closing = (this.#closing as AbortController).signal;
    const wait = signal === undefined ? closing : AbortSignal.any([signal, closing]);
    this.#waitingForTarget++;
    try {
      return await resolver.resolve(wait);
    } catch (error) {
      this.#throwIfClosed();
      throw error;
    } finally {
      this.#waitingForTarget--;
    }
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
  return new RedshiftCredentials(planTarget(options), options);
}
