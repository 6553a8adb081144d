import type { CacheTimers } from './timers';

/** One running fetch with a deadline. */
export interface DeadlinedFetch<T> {
  /** Settles with the fetch, or rejects at the deadline or on {@link abort}, whichever comes first. */
  readonly promise: Promise<T>;
  /** Rejects `promise` with `reason` at once and aborts the fetch's signal. */
  abort(reason: Error): void;
}

/**
 * Runs `fetch` with its own AbortSignal and a deadline. The promise settles by the deadline even
 * when the fetch ignores its signal and never settles (a wedged provider or a stalled body), so a
 * caller that frees its in-flight slot on settlement can never be blocked by it.
 */
export function withDeadline<T>(
  fetch: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  timeoutError: () => Error,
  timers: CacheTimers,
): DeadlinedFetch<T> {
  const controller = new AbortController();
  let abort: (reason: Error) => void = () => undefined;
  const promise = new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      timers.clear(timer);
      settle();
    };
    abort = (reason) => {
      finish(() => reject(reason));
      controller.abort(reason);
    };
    const timer = timers.set(() => abort(timeoutError()), timeoutMs);
    let running: Promise<T>;
    try {
      running = fetch(controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then((value) => finish(() => resolve(value)), (error: unknown) => finish(() => reject(error)));
  });
  return { promise, abort: (reason) => abort(reason) };
}
