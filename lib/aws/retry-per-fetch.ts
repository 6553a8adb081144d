import { smithyRetry } from './sdk-modules';
import type { MetadataBearer, MiddlewareStack, Pluggable, Provider, RetryBackoffStrategy, RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

type StandardStrategy = RetryStrategyV2 & { getRetryDelay?: never };

/** {@link retryEachFetchAfresh}'s strategy: also one bound to a fetch's abort signal. */
interface FetchRetryStrategy extends RetryStrategyV2 {
  /** The same strategy, whose retry delays end when `signal` aborts. */
  forFetch(signal: AbortSignal | undefined): RetryStrategyV2;
}

const FOR_FETCH = Symbol('pg-redshift-iam fetch retries');

function isFetchRetryStrategy(strategy: unknown): strategy is FetchRetryStrategy {
  return typeof strategy === 'object' && strategy !== null && FOR_FETCH in strategy;
}

/**
 * The SDK's standard retry strategy, started afresh for every credentials fetch (and lookup), whose
 * delays end when the fetch is aborted. The client-level setting (`retryStrategy`, see
 * client-config); {@link retryWithSignal} binds it to one command's fetch.
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
export function retryEachFetchAfresh(maxAttempts: number | Provider<number>, signal?: AbortSignal): RetryStrategyV2 {
  const { StandardRetryStrategy, MAXIMUM_RETRY_DELAY } = smithyRetry();
  const state = new WeakMap<RetryToken, { strategy: StandardStrategy; backoff: RecordingBackoff }>();
  const stateOf = (token: RetryToken) => {
    const found = state.get(token);
    if (found === undefined) throw new Error('pg-redshift-iam: retry token of another strategy');
    return found;
  };
  const strategy: FetchRetryStrategy & { [FOR_FETCH]: true } = {
    [FOR_FETCH]: true,
    forFetch: (fetchSignal) => retryEachFetchAfresh(maxAttempts, fetchSignal),
    async acquireInitialRetryToken(scope) {
      const attempts = typeof maxAttempts === 'number' ? maxAttempts : await maxAttempts();
      const backoff = new RecordingBackoff(MAXIMUM_RETRY_DELAY);
      const standard = new StandardRetryStrategy({ maxAttempts: attempts, backoff }) as StandardStrategy;
      const token = await standard.acquireInitialRetryToken(scope);
      state.set(token, { strategy: standard, backoff });
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
      await sleep(delay, signal);
      state.set(next, entry);
      return next;
    },
    recordSuccess(token) {
      stateOf(token).strategy.recordSuccess(token);
    },
  };
  return strategy;
}

/** What of an SDK client's resolved config the retry middleware reads. */
interface RetryConfig {
  readonly retryStrategy: Provider<unknown>;
  readonly maxAttempts: Provider<number>;
  readonly logger?: unknown;
}

/**
 * Gives `command` a retry middleware of its own (the SDK's, replacing the client's for this command
 * only) whose strategy, when it is {@link retryEachFetchAfresh}'s, sleeps between attempts on
 * `signal`. A user's own retry strategy or mode is used as the client would use it.
 *
 * Why per command: the SDK clients are shared by every target of an AWS identity, so the client's
 * strategy cannot know which fetch an attempt belongs to; an AsyncLocalStorage could tell it, but
 * using one switches on Node 22's async hooks for the whole process, which about doubles the cost
 * of every `await` in the application.
 */
export function retryWithSignal<Input extends object, Output extends MetadataBearer>(
  command: { middlewareStack: MiddlewareStack<Input, Output> },
  client: { config: unknown },
  signal: AbortSignal | undefined,
): void {
  const config = client.config as RetryConfig;
  const { getRetryPlugin } = smithyRetry();
  command.middlewareStack.use(getRetryPlugin({
    ...config,
    retryStrategy: async () => {
      const strategy = await config.retryStrategy();
      return isFetchRetryStrategy(strategy) ? strategy.forFetch(signal) : strategy;
    },
  } as Parameters<typeof getRetryPlugin>[0]) as Pluggable<Input, Output>);
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
