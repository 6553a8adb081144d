import { JITTER_SHARE, planGeneration } from '../../lib/credentials/generation';
import { phaseAt } from '../../lib/credentials/phase';
import { harness } from './cache-harness';

describe('phaseAt: the one source of truth for a generation', () => {
  const times = { refreshAt: 100, usableUntil: 200, expiresAt: 300 };
  it.each([
    [0, 'fresh'], [99, 'fresh'], [100, 'refresh'], [199, 'refresh'], [200, 'margin'], [299, 'margin'], [300, 'expired'], [10_000, 'expired'],
  ] as const)('at %i is %s', (now, phase) => {
    expect(phaseAt(times, now)).toBe(phase);
  });
});

describe('planGeneration', () => {
  it('900 s lifetime: margin 5 s, window 60 s, refresh point drawn over the first 3/4 of [expiry - 60 s, expiry - 5 s)', () => {
    const at = (draw: number) => planGeneration(900_000, 0, undefined, () => draw);
    expect(at(0)).toEqual({ lifetimeMs: 900_000, expiresAt: 900_000, usableUntil: 895_000, refreshAt: 840_000 });
    expect(at(0.5).refreshAt).toBe(840_000 + 0.5 * JITTER_SHARE * 55_000);
    expect(at(0.999_999).refreshAt).toBeCloseTo(840_000 + JITTER_SHARE * 55_000, 0);
  });

  it('a short lifetime gets a quarter as window and a twentieth as margin', () => {
    expect(planGeneration(2_000, 0, undefined, () => 0)).toEqual({ lifetimeMs: 2_000, expiresAt: 2_000, usableUntil: 1_900, refreshAt: 1_500 });
  });

  it('a window smaller than the login margin refreshes at the margin, never after it', () => {
    const plan = planGeneration(900_000, 0, 2, () => 0.9);
    expect(plan.usableUntil).toBe(895_000);
    expect(plan.refreshAt).toBe(895_000);
  });

  it('spreads a fleet that got the same Expiration over the window: calls per second stay under 2 x N / W', () => {
    // N processes, one draw each, as from Math.random: count refresh points per second of the window.
    const n = 10_000;
    const perSecond = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const second = Math.floor(planGeneration(900_000, 0, undefined, () => (i + 0.5) / n).refreshAt / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    const peak = Math.max(...perSecond.values());
    expect(peak).toBeLessThanOrEqual((2 * n) / 60);
    // The cost: the earliest refresh point still leaves 840 of 900 s, at most 900/840 - 1 = 7.1 % more calls.
    expect(Math.min(...perSecond.keys())).toBe(840);
  });
});

describe('the cache follows the phases', () => {
  // Issue 9 item 10: with a window smaller than the login margin, main served credentials inside
  // the margin as fresh hits and started no refresh.
  it('with a refresh window smaller than the login margin, never serves credentials inside the margin and refreshes', async () => {
    const h = harness({ refreshWindowSeconds: 2, keepWarm: false });
    const first = h.cache.get();
    h.answer(900);
    const { credentials } = await first;
    await h.advance(894_000);
    await expect(h.cache.get()).resolves.toEqual({ credentials, source: 'hit' });
    expect(h.pending).toHaveLength(0);
    await h.advance(2_000); // 4 s before expiry: inside the 5 s margin, outside the 2 s window
    const waiting = h.cache.get();
    expect(h.pending).toHaveLength(1);
    h.answer(900);
    await expect(waiting).resolves.toMatchObject({ source: 'fetched', credentials: { user: 'IAM:user2' } });
    expect(h.cache.stats()).toMatchObject({ hits: 1, staleHits: 0, waits: 2 });
  });

  it('inside the margin with a normal window: waits, joining the refresh already under way', async () => {
    const h = harness({ keepWarm: false });
    const first = h.cache.get();
    h.answer(900);
    await first;
    await h.advance(870_000);
    expect((await h.cache.get()).source).toBe('stale');
    await h.advance(26_000); // 4 s before expiry, inside the fetch's 30 s deadline
    const waiting = h.cache.get();
    expect(h.pending).toHaveLength(1); // the background refresh, joined
    h.answer(900);
    await expect(waiting).resolves.toMatchObject({ source: 'fetched', credentials: { user: 'IAM:user2' } });
  });

  it('draws a new refresh point for every generation from the injected random source', async () => {
    const draws = [0.2, 0.8];
    const h = harness({ keepWarm: false, random: () => draws.shift() ?? 0 });
    const first = h.cache.get();
    h.answer(900);
    const { credentials } = await first;
    expect(credentials.refreshAt.getTime() - credentials.fetchedAt.getTime()).toBe(840_000 + 0.2 * 0.75 * 55_000);
    await h.advance(900_000);
    const second = h.cache.get();
    h.answer(900);
    const { credentials: next } = await second;
    expect(next.refreshAt.getTime() - next.fetchedAt.getTime()).toBe(840_000 + 0.8 * 0.75 * 55_000);
    expect(h.cache.stats().refreshAt).toEqual(next.refreshAt);
  });
});
