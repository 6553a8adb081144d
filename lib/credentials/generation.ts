import type { IssuedCredentials } from '../aws/types';
import { RedshiftIamError } from '../errors';
import type { GenerationTimes } from './phase';

/** The default refresh window is a quarter of the lifetime, at most this long. */
export const MAX_DEFAULT_WINDOW_MS = 60_000;
/** A login needs a moment between taking a password and the server checking it: at most this, else 1/20 of the lifetime. */
export const MAX_LOGIN_MARGIN_MS = 5_000;
/**
 * The refresh point is drawn uniformly over this share of the refresh window (from its start); the
 * rest is left for the fetch and a retry to finish before the login margin.
 */
export const JITTER_SHARE = 0.75;
// The Date header has whole seconds; assume the worst so a lifetime is never overestimated.
const DATE_HEADER_RESOLUTION_MS = 1_000;
// Clocks closer than this (beyond the Date header's own second) count as agreeing.
const CLOCK_AGREEMENT_MS = 2_000;

/** One generation's timing, in the local clock. */
export interface GenerationPlan extends GenerationTimes {
  /** How long the password lives from `receivedAt`, in ms. */
  readonly lifetimeMs: number;
}

/**
 * The lifetime of an answer in ms, measured so that a skewed local clock can neither stretch nor
 * shorten it, and never longer than requested. Throws `AWS_INVALID_RESPONSE` when AWS's own clock
 * says the password is already expired (or leaves no time at all): such an answer is refused.
 */
export function lifetimeOf(issued: IssuedCredentials, receivedAt: number, requestedMs: number, description: string): number {
  const expiration = issued.expiration.getTime();
  const serverDate = issued.serverDate?.getTime();
  if (serverDate !== undefined ? expiration <= serverDate : expiration <= receivedAt) {
    throw new RedshiftIamError(
      'AWS_INVALID_RESPONSE',
      `AWS answered the credentials request for ${description} with an Expiration (${issued.expiration.toISOString()}) that is not in the future by ${serverDate !== undefined ? `AWS's own clock (its Date header says ${new Date(serverDate).toISOString()})` : 'the local clock (the answer had no Date header)'}; the password was not used.`,
      { hint: serverDate !== undefined ? 'This is a fault on the AWS side or in a proxy that rewrites answers; it is retried later. If it persists, report it to AWS support with the request time.' : 'Check that the local clock is synchronised (NTP) and that no proxy strips the Date header.' },
    );
  }
  const reportedMs = clocksAgree(serverDate, receivedAt)
    ? expiration - receivedAt
    // Expiration and Date are both AWS's clock, so their difference survives local clock skew.
    : expiration - serverDate! - DATE_HEADER_RESOLUTION_MS;
  const lifetimeMs = Math.min(reportedMs, requestedMs);
  if (lifetimeMs <= 0) {
    throw new RedshiftIamError(
      'AWS_INVALID_RESPONSE',
      `AWS answered the credentials request for ${description} with an Expiration (${issued.expiration.toISOString()}) that leaves no time to log in; the password was not used.`,
      { hint: 'Check that the local clock is synchronised (NTP).' },
    );
  }
  return lifetimeMs;
}

/**
 * Divides a lifetime into phases. With L the lifetime: login margin M = min(5 s, L/20); usable
 * until U = expiry - M; refresh window W = the configured one (at most L) or min(60 s, L/4),
 * starting at S = min(expiry - W, U), so a window smaller than the margin still refreshes (at U);
 * the refresh point is S + random() x 3/4 x (U - S), drawn anew for every generation so that a
 * fleet that got the same Expiration spreads its calls over the window.
 */
export function planGeneration(lifetimeMs: number, receivedAt: number, refreshWindowSeconds: number | undefined, random: () => number): GenerationPlan {
  const expiresAt = receivedAt + lifetimeMs;
  const usableUntil = expiresAt - Math.min(MAX_LOGIN_MARGIN_MS, lifetimeMs / 20);
  const windowMs = refreshWindowSeconds !== undefined
    ? Math.min(refreshWindowSeconds * 1000, lifetimeMs)
    : Math.min(MAX_DEFAULT_WINDOW_MS, lifetimeMs / 4);
  const windowStart = Math.min(expiresAt - windowMs, usableUntil);
  const draw = Math.min(Math.max(random(), 0), 1);
  const refreshAt = windowStart + draw * JITTER_SHARE * (usableUntil - windowStart);
  return { lifetimeMs, expiresAt, usableUntil, refreshAt };
}

/**
 * Whether the local clock matches AWS's within the `Date` header's precision (or there is no
 * header): then the local clock measures the lifetime to the millisecond.
 */
function clocksAgree(serverDate: number | undefined, receivedAt: number): boolean {
  if (serverDate === undefined) return true;
  const localMinusServer = receivedAt - serverDate;
  return localMinusServer >= -CLOCK_AGREEMENT_MS && localMinusServer <= DATE_HEADER_RESOLUTION_MS + CLOCK_AGREEMENT_MS;
}
