/**
 * The deadlines the soak holds the library to, beyond the pool's own settings. Each has slack for a
 * busy machine (two cores shared with other work): they catch hangs, not slowness.
 */

/** How much longer than `connectionTimeoutMillis` a `pool.connect()` may take. */
export const CONNECT_SLACK_MS = 2_000;

/** How long `pool.end()` may take once the workload has stopped. */
export const POOL_END_LIMIT_MS = 5_000;

/**
 * How much longer than the fetch deadline a credentials fetch may still be under way after a fault
 * ended, and a stall may take to heal (the stalled fetch gives up at its deadline, the next succeeds).
 */
export const SETTLE_SLACK_MS = 3_000;

/** How much longer than the fetch deadline the first query after a stall may take to succeed. */
export const HEAL_SLACK_MS = 5_000;

/** The pool's `connectionTimeoutMillis` for a fetch deadline: a connect outlasts one wedged fetch and the fetch after it. */
export function connectionTimeoutFor(fetchTimeoutSeconds: number): number {
  return 2 * fetchTimeoutSeconds * 1000;
}

/** Resolves `promise`'s value, or `undefined` if it has not settled after `ms` (and leaves no timer behind). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
