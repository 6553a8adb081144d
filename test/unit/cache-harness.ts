import type { IssuedCredentials } from '../../lib/aws/types';
import { CredentialsCache, type CredentialsCacheOptions } from '../../lib/credentials/cache';
import type { CacheTimers } from '../../lib/credentials/timers';

/** Lets promise callbacks, nextTick callbacks and event deliveries run. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A clock and timers that move only when the test says so. */
export function fakeClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  let nextId = 1;
  const scheduled = new Map<number, { at: number; callback: () => void }>();
  const timers: CacheTimers = {
    set: (callback, delayMs) => {
      const id = nextId++;
      scheduled.set(id, { at: now + Math.max(0, delayMs), callback });
      return id;
    },
    clear: (handle) => {
      scheduled.delete(handle as number);
    },
  };
  return {
    now: () => now,
    timers,
    /** How many timers are set. */
    timerCount: () => scheduled.size,
    /** The moments at which timers are set, earliest first. */
    timerTimes: () => [...scheduled.values()].map((timer) => timer.at).sort((a, b) => a - b),
    /** Moves the clock by `ms`, firing due timers in order and letting promises settle after each. */
    async advance(ms: number): Promise<void> {
      const target = now + ms;
      for (;;) {
        await flush();
        let due: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of scheduled) if (entry[1].at <= target && (due === undefined || entry[1].at < due[1].at)) due = entry;
        if (due === undefined) break;
        scheduled.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].callback();
      }
      now = target;
      await flush();
    },
  };
}

/** A fetch the test answers one call at a time, on a fake clock. */
export function harness(options: Partial<Omit<CredentialsCacheOptions, 'fetch' | 'now' | 'timers'>> = {}) {
  const clock = fakeClock();
  const pending: Array<{ resolve: (value: IssuedCredentials) => void; reject: (error: unknown) => void; signal: AbortSignal }> = [];
  let issuedCount = 0;
  const cache = new CredentialsCache({
    fetch: (signal) => new Promise((resolve, reject) => pending.push({ resolve, reject, signal })),
    durationSeconds: 900,
    description: 'cluster test',
    // The refresh point at the window's start, a back-off at its ceiling: unless a test says otherwise.
    random: () => 0,
    ...options,
    now: clock.now,
    timers: clock.timers,
  });
  const next = () => {
    const call = pending.shift();
    if (!call) throw new Error('no fetch is pending');
    return call;
  };
  const issue = (fields: { expiration: Date; serverDate?: Date }): IssuedCredentials => {
    issuedCount++;
    const credentials = { user: `IAM:user${issuedCount}`, expiration: fields.expiration, serverDate: fields.serverDate, attempts: 1 } as IssuedCredentials;
    Object.defineProperty(credentials, 'password', { value: `secret-${issuedCount}` });
    return credentials;
  };
  return {
    cache,
    clock,
    pending,
    advance: clock.advance,
    now: clock.now,
    /** Answers the oldest pending fetch with credentials living `lifetimeSeconds`. */
    answer(lifetimeSeconds = 900, extra: { serverDate?: Date } = {}) {
      next().resolve(issue({ expiration: new Date(clock.now() + lifetimeSeconds * 1000), ...extra }));
    },
    /** Answers the oldest pending fetch with exactly these fields. */
    answerWith(fields: { expiration: Date; serverDate?: Date }) {
      next().resolve(issue(fields));
    },
    fail(error: unknown) {
      next().reject(error);
    },
  };
}
