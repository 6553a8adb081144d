/** The timers a cache starts; injectable so tests run on a fake clock. */
export interface CacheTimers {
  /** Calls `callback` after `delayMs`; the timer must not keep the process alive. */
  set(callback: () => void, delayMs: number): unknown;
  /** Cancels a timer returned by `set`. */
  clear(handle: unknown): void;
}

/** Node's timers, `unref()`'d: no timer of the cache ever keeps a process alive. */
export const unrefTimers: CacheTimers = {
  set: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
