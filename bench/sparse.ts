import { setTimeout as sleep } from 'node:timers/promises';
import { createRedshiftPool, type RedshiftIamOptions, type RedshiftPool } from '../lib';
import type { EmulatorIdentity } from '../lib/testing';
import { describeError } from './describe-error';
import type { BenchStand } from './stand';

/** Settings of the sparse-traffic case (time-scaled: seconds here stand for minutes in production). */
export interface SparseSettings {
  /** Pools per variant, each with its own AWS identity (so its own cache). */
  readonly pools: number;
  readonly lifetimeSeconds: number;
  readonly windowSeconds: number;
  /** Mean interval between two connects of one pool (exponentially distributed), in seconds. */
  readonly meanIntervalSeconds: number;
  readonly durationSeconds: number;
}

/** What the pools of one variant saw. */
export interface SparseVariantResult {
  /** The `keepWarm` option given (undefined: the library's default). */
  readonly keepWarm: boolean | undefined;
  readonly pools: number;
  readonly connects: number;
  /** Connects after each pool's first login that waited for AWS (engine `stats().waits`). */
  readonly waitsAfterFirstLogin: number;
  readonly failedConnects: number;
  readonly firstError: string | undefined;
  /** AWS calls per pool per lifetime (keep-warm refreshes included). */
  readonly awsCallsPerPoolPerLifetime: number;
}

/** Sparse traffic: pools opening about one connection per refresh window, real pg logins. */
export interface SparseResult {
  readonly settings: SparseSettings;
  readonly variants: readonly SparseVariantResult[];
}

/**
 * Each pool opens one connection (a real login, then closes it) at exponentially distributed
 * intervals with a mean of about one refresh window: at Redshift's 900 s lifetime and 60 s window,
 * about one connection a minute. Without a timer that refreshes ahead, a refresh window often
 * passes with no connect in it, and the next connect waits on AWS. The default variant and one with
 * `keepWarm: false` run side by side.
 */
export async function runSparse(stand: BenchStand, settings: SparseSettings, identities: readonly EmulatorIdentity[]): Promise<SparseResult> {
  const variants: (boolean | undefined)[] = [undefined, false];
  if (identities.length < variants.length * settings.pools) throw new Error('runSparse needs one identity per pool');
  const startAt = Date.now();
  const results = await Promise.all(
    variants.map((keepWarm, index) =>
      runVariant(stand, settings, identities.slice(index * settings.pools, (index + 1) * settings.pools), keepWarm, startAt + settings.durationSeconds * 1000),
    ),
  );
  const log = await stand.emulator.proxyLog();
  const lifetimes = settings.durationSeconds / settings.lifetimeSeconds;
  return {
    settings,
    variants: results.map((result, index) => {
      const keys = new Set(identities.slice(index * settings.pools, (index + 1) * settings.pools).map((identity) => identity.accessKeyId));
      const calls = log.filter((call) => keys.has(call.accessKeyId) && call.at >= startAt).length;
      return { ...result, awsCallsPerPoolPerLifetime: Math.round((calls / settings.pools / lifetimes) * 100) / 100 };
    }),
  };
}

async function runVariant(
  stand: BenchStand,
  settings: SparseSettings,
  identities: readonly EmulatorIdentity[],
  keepWarm: boolean | undefined,
  endAt: number,
): Promise<Omit<SparseVariantResult, 'awsCallsPerPoolPerLifetime'>> {
  const pools: RedshiftPool[] = identities.map((identity) => {
    const iam: RedshiftIamOptions = {
      clusterIdentifier: stand.iam.clusterIdentifier,
      dbUser: 'benchsparse',
      autoCreate: true,
      region: stand.sdkConfig.region,
      endpoint: stand.emulator.proxyEndpoint,
      credentials: identity,
      refreshWindowSeconds: settings.windowSeconds,
      ...(keepWarm === undefined ? {} : { keepWarm }),
    };
    const pool = createRedshiftPool({ ...stand.pg, max: 1, maxUses: 1, connectionTimeoutMillis: 10_000, iam });
    pool.on('error', (error) => console.error(`sparse pool: idle client error: ${error.message}`));
    return pool;
  });
  const outcome = { connects: 0, failedConnects: 0, firstError: undefined as string | undefined };
  try {
    await Promise.all(
      pools.map(async (pool) => {
        for (let first = true; first || Date.now() < endAt; first = false) {
          outcome.connects++;
          try {
            (await pool.connect()).release();
          } catch (error) {
            outcome.failedConnects++;
            outcome.firstError ??= describeError(error);
          }
          const interval = -Math.log(1 - Math.random()) * settings.meanIntervalSeconds * 1000;
          await sleep(Math.min(interval, Math.max(0, endAt - Date.now())));
        }
      }),
    );
    // Each pool's first login waited (cold cache); later waits are the ones that count.
    const waits = pools.reduce((sum, pool) => sum + Math.max(0, pool.credentials.stats().waits - 1), 0);
    return { keepWarm, pools: pools.length, ...outcome, waitsAfterFirstLogin: waits };
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
}
