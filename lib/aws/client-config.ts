import type { RedshiftIamClientConfig, RedshiftIamOptions } from '../options/types';
import { retryEachFetchAfresh } from './retry-per-fetch';

/** Attempts per fetch unless `clientConfig.maxAttempts` says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 4;

/**
 * Timeouts of the Node HTTP handler: 3 s to connect, 10 s to the headers (`requestTimeout`), and
 * 10 s of socket inactivity at any time, body included (`socketTimeout`; the SDK leaves it off).
 * Each attempt also ends after `requestTimeout` in all (see limitEachAttempt), so a trickling body
 * cannot outlast it.
 */
export const DEFAULT_REQUEST_HANDLER = {
  connectionTimeout: 3_000,
  requestTimeout: 10_000,
  socketTimeout: 10_000,
  throwOnRequestTimeout: true,
} as const;

type HandlerSetting = RedshiftIamClientConfig['requestHandler'];

/** The user's `requestHandler` when it is a handler instance rather than its options. */
function isHandlerInstance(handler: HandlerSetting): boolean {
  return typeof (handler as { handle?: unknown } | undefined)?.handle === 'function';
}

/**
 * The SDK client settings for a target: the defaults above, the retry strategy that starts afresh
 * per fetch (unless the user picks a retry mode or strategy), the user's `clientConfig` on top, and
 * a request handler that keeps the default timeouts the user did not set.
 */
export function sdkClientConfig(options: RedshiftIamOptions): Record<string, unknown> {
  const user = options.clientConfig ?? {};
  const ownRetries = user.retryStrategy !== undefined || user.retryMode !== undefined;
  const handler = user.requestHandler;
  return {
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    ...(ownRetries ? {} : { retryStrategy: retryEachFetchAfresh(user.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) }),
    ...user,
    requestHandler: handler === undefined
      ? { ...DEFAULT_REQUEST_HANDLER }
      : isHandlerInstance(handler) ? handler : { ...DEFAULT_REQUEST_HANDLER, ...(handler as object) },
  };
}

/**
 * How long one attempt may take in all, body included: the handler's `requestTimeout`. Undefined
 * for a handler instance of the user's (its settings are its own); the engine's fetch deadline
 * still applies.
 */
export function attemptTimeoutMs(options: RedshiftIamOptions): number | undefined {
  const handler = options.clientConfig?.requestHandler;
  if (handler === undefined) return DEFAULT_REQUEST_HANDLER.requestTimeout;
  if (isHandlerInstance(handler)) return undefined;
  const requestTimeout = (handler as { requestTimeout?: unknown }).requestTimeout;
  return typeof requestTimeout === 'number' && requestTimeout > 0 ? requestTimeout : DEFAULT_REQUEST_HANDLER.requestTimeout;
}
