/**
 * Where one generation of temporary credentials stands at a moment:
 * - `fresh`: handed out as a cache hit;
 * - `refresh`: handed out while one background fetch replaces them;
 * - `margin`: not yet expired, but too close to expiry for a login to finish in time, so never
 *   handed out: a login waits for new ones;
 * - `expired`: past their expiry.
 */
export type Phase = 'fresh' | 'refresh' | 'margin' | 'expired';

/** The moments that divide one generation's life, in the local clock (ms since the epoch). */
export interface GenerationTimes {
  /** The drawn refresh point: from here on a request (or the keep-warm timer) starts a refresh. */
  readonly refreshAt: number;
  /** The end of the usable life: the login margin before expiry. */
  readonly usableUntil: number;
  /** When the password stops working. */
  readonly expiresAt: number;
}

/**
 * The one source of truth for a generation's phase; every branch of the cache asks it, so no two
 * can disagree. Needs `refreshAt <= usableUntil <= expiresAt`, which {@link planGeneration} ensures.
 */
export function phaseAt(times: GenerationTimes, now: number): Phase {
  if (now < times.refreshAt) return 'fresh';
  if (now < times.usableUntil) return 'refresh';
  if (now < times.expiresAt) return 'margin';
  return 'expired';
}

/** Whether credentials in this phase may be handed to a login. */
export function isUsable(phase: Phase): boolean {
  return phase === 'fresh' || phase === 'refresh';
}
