import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';

/** Longest pause between two queries of one loop, so that the pool is busy but not saturated. */
const MAX_PAUSE_MS = 20;

/**
 * Runs `SELECT current_user` in `loops` concurrent loops until `stop` aborts, passing each
 * result's user to `onResult`. The first failure stops every loop and is thrown; a failure after
 * `stop` aborted is part of stopping (Ctrl-C in a terminal reaches PostgreSQL too) and ignored.
 */
export async function runQueries(pool: Pool, loops: number, stop: AbortSignal, onResult: (user: string) => void): Promise<void> {
  const failed = new AbortController();
  const signal = AbortSignal.any([stop, failed.signal]);
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: loops }, () =>
      queryLoop(pool, signal, onResult).catch((error: unknown) => {
        if (stop.aborted || failure !== undefined) return;
        failure = { error };
        failed.abort(error);
      }),
    ),
  );
  if (failure !== undefined) throw failure.error;
}

async function queryLoop(pool: Pool, signal: AbortSignal, onResult: (user: string) => void): Promise<void> {
  while (!signal.aborted) {
    const { rows } = await pool.query<{ current_user: string }>('SELECT current_user');
    onResult(rows[0]?.current_user ?? '(no row)');
    await sleep(Math.random() * MAX_PAUSE_MS, undefined, { signal }).catch(() => undefined);
  }
}
