import { AsyncLocalStorage } from 'node:async_hooks';
import { smithyRetry } from './sdk-modules';
import type { Provider, RetryBackoffStrategy, RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

// The abort signal of the fetch a retry belongs to. SDK clients are shared between targets, so the
// strategy cannot hold it; the fetch runs `client.send` inside `withFetchSignal`.
const fetchSignal = new AsyncLocalStorage<AbortSignal | undefined>();

/** Runs `send` so that retry delays inside it end when `signal` aborts. */
export function withFetchSignal<T>(signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
  return fetchSignal.run(signal, send);
}

type StandardStrategy = RetryStrategyV2 & { getRetryDelay?: never };

/**
 * The SDK's standard retry strategy, started afresh for every credentials fetch, whose delays end
 * when the fetch is aborted.
 *
 * Why afresh: the standard strategy keeps one retry quota per client. An outage drains it in about
 * a dozen failed fetches, and from then on every fetch gets a single attempt, so a throttling burst
 * after the outage fails connections that a retry would have saved. Credentials fetches are rare
 * and independent (about one per credential lifetime), so each one gets the full quota.
 *
 * Why its own sleep: the standard strategy sleeps between attempts on a timer that an abort does not
 * clear, so an abandoned fetch kept the process alive for up to 20 s per retry. Here the strategy
 * computes its delay (the SDK's backoff, the SDK's Retry-After rule) and this wrapper sleeps on a
 * timer the fetch's abort signal clears.
 */
export function retryEachFetchAfresh(maxAttempts: number | Provider<number>): RetryStrategyV2 {
  const { StandardRetryStrategy, MAXIMUM_RETRY_DELAY } = smithyRetry();
  const state = new WeakMap<RetryToken, { strategy: StandardStrategy; backoff: RecordingBackoff; signal: AbortSignal | undefined }>();
  const stateOf = (token: RetryToken) => {
    const found = state.get(token);
    if (found === undefined) throw new Error('pg-redshift-iam: retry token of another strategy');
    return found;
  };
  return {
    async acquireInitialRetryToken(scope) {
      const attempts = typeof maxAttempts === 'number' ? maxAttempts : await maxAttempts();
      const backoff = new RecordingBackoff(MAXIMUM_RETRY_DELAY);
      const strategy = new StandardRetryStrategy({ maxAttempts: attempts, backoff }) as StandardStrategy;
      const token = await strategy.acquireInitialRetryToken(scope);
      state.set(token, { strategy, backoff, signal: fetchSignal.getStore() });
      return token;
    },
    async refreshRetryTokenForRetry(token, errorInfo) {
      const entry = stateOf(token);
      // Without the hint the strategy sleeps 0 ms (see RecordingBackoff); the hint is applied below.
      const { retryAfterHint, ...withoutHint } = errorInfo;
      const next = await entry.strategy.refreshRetryTokenForRetry(token, withoutHint as RetryErrorInfo);
      const delay = withRetryAfter(entry.backoff.lastDelay, retryAfterHint);
      const log = (next as { $retryLog?: { acquisitionDelay: number } }).$retryLog;
      if (log !== undefined) log.acquisitionDelay = delay;
      await sleep(delay, entry.signal);
      state.set(next, entry);
      return next;
    },
    recordSuccess(token) {
      stateOf(token).strategy.recordSuccess(token);
    },
  };
}

/**
 * The SDK's exponential backoff with full jitter (as its DefaultRetryBackoffStrategy, which is not
 * exported): records the delay and tells the strategy 0, so that the wrapper does the sleeping.
 */
class RecordingBackoff implements RetryBackoffStrategy {
  lastDelay = 0;
  #base = 50;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  computeNextBackoffDelay(retries: number): number {
    this.lastDelay = Math.floor(Math.random() * Math.min(this.#base * 2 ** retries, this.#max));
    return 0;
  }

  setDelayBase(delay: number): void {
    this.#base = delay;
  }
}

// The SDK's rule: honour Retry-After, but at most 5 s beyond the computed backoff.
function withRetryAfter(delay: number, hint: Date | undefined): number {
  if (!(hint instanceof Date)) return delay;
  return Math.max(delay, Math.min(hint.getTime() - Date.now(), delay + 5_000));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('The credentials fetch was aborted during a retry delay.', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}
