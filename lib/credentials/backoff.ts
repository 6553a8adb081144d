import type { RedshiftIamError } from '../errors';

/** The first back-off ceiling after one failure. */
export const BACKOFF_BASE_MS = 1_000;
/** The back-off ceiling never grows past this. */
export const BACKOFF_MAX_MS = 30_000;
/**
 * The ceiling while no usable credentials remain: logins are waiting, and each fetch already spent
 * the SDK's own retries, so a longer pause would only keep them waiting after AWS has recovered.
 */
export const WAITING_BACKOFF_MAX_MS = 5_000;

/**
 * The pause before the next fetch after `failures` consecutive failed ones: exponential with full
 * jitter (AWS's recommended scheme), random() x min(1 s x 2^(failures-1), 30 s, limit). `limit` keeps
 * a background retry well inside the credentials' remaining validity.
 */
export function backoffDelay(failures: number, random: () => number, limitMs = Number.POSITIVE_INFINITY): number {
  const ceiling = Math.min(BACKOFF_BASE_MS * 2 ** Math.min(Math.max(failures - 1, 0), 30), BACKOFF_MAX_MS, Math.max(0, limitMs));
  return Math.min(Math.max(random(), 0), 1) * ceiling;
}

/** Failures that a waiting login retries (after back-off) rather than reports at once. */
export function isTransient(error: RedshiftIamError): boolean {
  return error.code === 'THROTTLED' || error.code === 'AWS_UNAVAILABLE';
}
