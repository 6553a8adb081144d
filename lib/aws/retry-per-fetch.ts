import { StandardRetryStrategy } from '@smithy/core/retry';
import type { Provider, RetryStrategyV2, RetryToken } from '@smithy/types';

/**
 * The SDK's standard retry strategy, started afresh for every credentials fetch.
 *
 * Why: the standard strategy keeps one retry quota per client. An outage drains it in about a
 * dozen failed fetches, and from then on every fetch gets a single attempt, so a throttling burst
 * after the outage fails connections that a retry would have saved. Credentials fetches are rare
 * and independent (about one per credential lifetime), so each one gets the full quota.
 */
export function retryEachFetchAfresh(maxAttempts: number | Provider<number>): RetryStrategyV2 {
  const strategyOf = new WeakMap<RetryToken, RetryStrategyV2>();
  const remember = (token: RetryToken, strategy: RetryStrategyV2) => {
    strategyOf.set(token, strategy);
    return token;
  };
  const strategyFor = (token: RetryToken) => {
    const strategy = strategyOf.get(token);
    if (strategy === undefined) throw new Error('pg-redshift-iam: retry token of another strategy');
    return strategy;
  };
  return {
    async acquireInitialRetryToken(scope) {
      const strategy = typeof maxAttempts === 'number' ? new StandardRetryStrategy(maxAttempts) : new StandardRetryStrategy(maxAttempts);
      return remember(await strategy.acquireInitialRetryToken(scope), strategy);
    },
    async refreshRetryTokenForRetry(token, errorInfo) {
      const strategy = strategyFor(token);
      return remember(await strategy.refreshRetryTokenForRetry(token, errorInfo), strategy);
    },
    recordSuccess(token) {
      strategyFor(token).recordSuccess(token);
    },
  };
}
