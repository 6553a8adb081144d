import type { RedshiftCredentialsOptions } from '../lib';
import type { EmulatorIdentity } from '../lib/testing';

/** One fleet run as one child process plays its share of it. */
export interface FleetRunRequest {
  readonly type: 'run';
  /** Options shared by every cache; each cache adds its own `credentials` (its AWS identity). */
  readonly options: RedshiftCredentialsOptions;
  /** One AWS identity per cache held by this child: what makes the caches independent. */
  readonly identities: readonly EmulatorIdentity[];
  /** `Date.now()` at which every cache of the fleet makes its first connect. */
  readonly startAt: number;
  /** How long the caches keep connecting, from `startAt`, in ms. */
  readonly durationMs: number;
  /** Interval between two connects of one cache, in ms (the first after a random phase). */
  readonly connectIntervalMs: number;
  /** Deadline of one connect (as pg's `connectionTimeoutMillis`), in ms. */
  readonly connectTimeoutMs: number;
  /** Connects failing before `startAt + firstLifetimeMs` belong to the cold start. */
  readonly firstLifetimeMs: number;
}

/** What one child observed during a run, summed over its caches. */
export interface FleetRunReport {
  readonly type: 'report';
  readonly caches: number;
  readonly connects: number;
  /** Connects after each cache's first that waited for AWS (`acquire()` answered `fetched`). */
  readonly waitsAfterFirst: number;
  /** Failed connects in the first lifetime (the cold start) and after it. */
  readonly failedFirstLifetime: number;
  readonly failedLater: number;
  /** Connect latency of the waits after the first connect, in ms. */
  readonly waitMs: readonly number[];
  readonly firstError: string | undefined;
  /** How late this child was ready for `startAt`, in ms (0: on time). */
  readonly lateMs: number;
}

/** A message from the bench to a fleet child. */
export type FleetRequest = FleetRunRequest | { readonly type: 'exit' };

/** A message from a fleet child to the bench. */
export type FleetReply = FleetRunReport | { readonly type: 'ready' } | { readonly type: 'error'; readonly message: string };
