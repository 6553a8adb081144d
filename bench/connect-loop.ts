import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { describeError } from './storm';

/** One connect: when it started (performance.now()) and how long until the pool handed it over. */
export interface ConnectSample {
  readonly startedAt: number;
  readonly ms: number;
}

/** What a connect loop observed through one pool. */
export interface ConnectLoopOutcome {
  readonly samples: readonly ConnectSample[];
  readonly failures: number;
  readonly firstError: string | undefined;
}

/**
 * `concurrency` workers connect, release and connect again until `durationMs` has passed, each
 * taking the pools in turn (worker i starts at pool i), so that every pool meets the same server
 * load at the same moments. The pools must destroy released clients (maxUses 1) so that every
 * connect is a new physical login. Returns one outcome per pool, in the order given.
 */
export async function connectLoop(pools: readonly pg.Pool[], durationMs: number, concurrency: number): Promise<ConnectLoopOutcome[]> {
  const deadline = performance.now() + durationMs;
  const outcomes = pools.map(() => ({ samples: [] as ConnectSample[], failures: 0, firstError: undefined as string | undefined }));
  const worker = async (first: number) => {
    for (let turn = first; performance.now() < deadline; turn++) {
      const index = turn % pools.length;
      const pool = pools[index];
      const outcome = outcomes[index];
      if (pool === undefined || outcome === undefined) throw new Error('no pools to connect to');
      const startedAt = performance.now();
      try {
        const client = await pool.connect();
        outcome.samples.push({ startedAt, ms: performance.now() - startedAt });
        client.release();
      } catch (error) {
        outcome.failures++;
        outcome.firstError ??= describeError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  return outcomes;
}
