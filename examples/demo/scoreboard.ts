import { performance } from 'node:perf_hooks';
import type { RedshiftPool } from '../../lib';
import type { RedshiftEmulator } from '../../lib/testing';

/** The demo's counters at one moment. */
export interface Snapshot {
  /** Since the demo started to log in. */
  readonly elapsedMs: number;
  readonly queries: number;
  /** Physical connections opened (pool `connect` events). */
  readonly connections: number;
  /** Requests the emulator received, i.e. what AWS would have billed and throttled. */
  readonly awsCalls: number;
  /** New credentials that arrived, the first login's included. */
  readonly refreshes: number;
  /** Refreshes during which connections went on logging in with the cached credentials. */
  readonly backgroundRefreshes: number;
  /** Logins that had to wait for AWS after the first login: the number this library keeps at 0. */
  readonly waitsAfterFirstLogin: number;
  /** The users queries ran as (`SELECT current_user`). */
  readonly users: readonly string[];
  /** Until the cached password expires; undefined before the first login. */
  readonly expiresInMs: number | undefined;
  /** Until the next login starts a background refresh (negative: the next login will). */
  readonly refreshInMs: number | undefined;
}

/** Counts what the pool, its credentials engine and the emulator do. */
export class Scoreboard {
  readonly #startedAt = performance.now();
  readonly #pool: RedshiftPool;
  readonly #emulator: RedshiftEmulator;
  readonly #users = new Set<string>();
  #queries = 0;
  #connections = 0;
  #refreshes = 0;
  #backgroundRefreshes = 0;
  #waitsBeforeFirstLogin: number | undefined;

  constructor(pool: RedshiftPool, emulator: RedshiftEmulator) {
    this.#pool = pool;
    this.#emulator = emulator;
    pool.on('connect', () => this.#connections++);
    pool.credentials.on('refresh', (event) => {
      this.#refreshes++;
      if (event.background) this.#backgroundRefreshes++;
    });
  }

  /** Milliseconds since the scoreboard was created. */
  elapsedMs(): number {
    return performance.now() - this.#startedAt;
  }

  /** Counts one query that ran as `user`. */
  recordQuery(user: string): void {
    this.#queries++;
    this.#users.add(user);
  }

  /** From now on, every login that waits for AWS counts against the claim. */
  markFirstLogin(): void {
    this.#waitsBeforeFirstLogin = this.#pool.credentials.stats().waits;
  }

  /** The counters now. */
  snapshot(): Snapshot {
    const stats = this.#pool.credentials.closed ? undefined : this.#pool.credentials.stats();
    const now = Date.now();
    return {
      elapsedMs: this.elapsedMs(),
      queries: this.#queries,
      connections: this.#connections,
      awsCalls: this.#emulator.calls.length,
      refreshes: this.#refreshes,
      backgroundRefreshes: this.#backgroundRefreshes,
      waitsAfterFirstLogin: stats === undefined || this.#waitsBeforeFirstLogin === undefined ? 0 : stats.waits - this.#waitsBeforeFirstLogin,
      users: [...this.#users],
      expiresInMs: stats?.expiresAt === undefined ? undefined : stats.expiresAt.getTime() - now,
      refreshInMs: stats?.refreshAt === undefined ? undefined : stats.refreshAt.getTime() - now,
    };
  }
}
