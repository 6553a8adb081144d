import { backoffDelay } from '../../lib/credentials/backoff';
import { RedshiftIamError } from '../../lib/errors';
import { flush, harness } from './cache-harness';

const throttled = () => new RedshiftIamError('THROTTLED', 'GetClusterCredentialsWithIAM failed: Rate exceeded.');
const unavailable = () => new RedshiftIamError('AWS_UNAVAILABLE', 'GetClusterCredentialsWithIAM failed: ServiceUnavailable.');

describe('backoffDelay', () => {
  it('is full jitter over an exponential ceiling: 1 s, 2 s, 4 s ... at most 30 s, and at most the limit', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7, 40].map((failures) => backoffDelay(failures, top))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoffDelay(3, () => 0.25)).toBe(1_000);
    expect(backoffDelay(6, top, 12_000)).toBe(12_000);
  });
});

describe('back-off between failed refreshes while valid credentials remain (issue 10 item 2)', () => {
  async function inRefreshWindow(random: () => number) {
    const h = harness({ keepWarm: false, random });
    const first = h.cache.get();
    h.answer(900);
    const { credentials } = await first;
    await h.advance(841_000);
    return { h, credentials };
  }

  it('a stale hit during back-off starts no fetch; after it the next one does; success resets it', async () => {
    const { h, credentials } = await inRefreshWindow(() => 0.5);
    // With random 0.5 the refresh point is 840 + 0.5 x 0.75 x 55 = 860.625 s.
    await h.advance(20_000);
    expect((await h.cache.get()).source).toBe('stale');
    h.fail(unavailable());
    await flush();
    const { backoffUntil, consecutiveFailures } = h.cache.stats();
    expect(consecutiveFailures).toBe(1);
    expect(backoffUntil!.getTime() - h.now()).toBe(500); // 0.5 x 1 s
    for (let i = 0; i < 5; i++) expect((await h.cache.get()).credentials).toBe(credentials);
    expect(h.pending).toHaveLength(0);
    expect(h.cache.stats()).toMatchObject({ fetches: 2, staleHits: 6 });
    await h.advance(500);
    expect((await h.cache.get()).source).toBe('stale');
    expect(h.pending).toHaveLength(1);
    h.fail(unavailable());
    await flush();
    expect(h.cache.stats().backoffUntil!.getTime() - h.now()).toBe(1_000); // 0.5 x 2 s
    await h.advance(1_000);
    await h.cache.get();
    h.answer(900);
    await flush();
    expect(h.cache.stats()).toMatchObject({ consecutiveFailures: 0, backoffUntil: undefined });
    expect((await h.cache.get()).credentials.user).toBe('IAM:user2');
  });

  it('caps the pause well inside the remaining validity: at most half the time left before the login margin', async () => {
    const { h } = await inRefreshWindow(() => 0.999);
    await h.advance(41_000); // past the refresh point 840 + 0.999 x 0.75 x 55 s
    for (let failures = 1; failures <= 8; failures++) {
      await h.advance(Math.max(0, (h.cache.stats().backoffUntil?.getTime() ?? h.now()) - h.now()) + 1);
      await h.cache.get();
      h.fail(throttled());
      await flush();
      const { backoffUntil, usableUntil } = h.cache.stats();
      if (backoffUntil !== undefined) expect(backoffUntil.getTime() - h.now()).toBeLessThanOrEqual((usableUntil!.getTime() - h.now()) / 2);
    }
    expect(h.now()).toBeLessThan(h.cache.stats().usableUntil!.getTime());
  });

  it('still emits refreshError for every failed background refresh', async () => {
    const { h } = await inRefreshWindow(() => 0);
    const events: unknown[] = [];
    h.cache.on('refreshError', (event) => events.push(event));
    await h.cache.get();
    h.fail(throttled());
    await flush();
    expect(events).toEqual([expect.objectContaining({ background: true, error: expect.objectContaining({ code: 'THROTTLED' }) })]);
  });
});

describe('a waiting login retries throttling and outages (issue 10 item 2)', () => {
  it('retries THROTTLED and AWS_UNAVAILABLE with back-off until AWS answers, one fetch at a time', async () => {
    const h = harness({ keepWarm: false, random: () => 1 });
    const waiting = h.cache.get();
    const others = [h.cache.get(), h.cache.get()];
    h.fail(throttled());
    await flush();
    expect(h.pending).toHaveLength(0);
    expect(h.clock.timerTimes()[0]! - h.now()).toBe(1_000);
    await h.advance(1_000);
    expect(h.pending).toHaveLength(1);
    h.fail(unavailable());
    await h.advance(2_000);
    expect(h.pending).toHaveLength(1);
    expect(h.cache.stats()).toMatchObject({ fetches: 3, failures: 2, waiting: 3, refreshing: true });
    h.answer();
    for (const result of await Promise.all([waiting, ...others])) expect(result).toMatchObject({ source: 'fetched', credentials: { user: 'IAM:user1' } });
  });

  it('with no usable credentials, pauses at most 5 s between fetches, however many failed (the soak saw 30 s pauses outlast outages)', async () => {
    const h = harness({ keepWarm: false, random: () => 1, waitTimeoutSeconds: 3600 });
    const waiting = h.cache.get();
    for (let failures = 1; failures <= 8; failures++) {
      h.fail(unavailable());
      await flush();
      const pause = h.cache.stats().backoffUntil!.getTime() - h.now();
      expect(pause).toBe(Math.min(1_000 * 2 ** (failures - 1), 5_000));
      await h.advance(pause);
    }
    h.answer();
    expect(await waiting).toMatchObject({ source: 'fetched' });
  });

  it('gives up after waitTimeoutSeconds with the last failure\'s code', async () => {
    const h = harness({ keepWarm: false, waitTimeoutSeconds: 10, random: () => 1 });
    const waiting = h.cache.get().catch((error: unknown) => error);
    h.fail(throttled());
    await h.advance(1_000);
    h.fail(throttled());
    await h.advance(2_000);
    h.fail(throttled());
    await h.advance(4_000);
    h.fail(throttled());
    await h.advance(3_000);
    const error = await waiting;
    expect(error).toMatchObject({ code: 'THROTTLED', message: expect.stringMatching(/within 10 s \(waitTimeoutSeconds\), retrying: .*Rate exceeded/) });
    expect(h.cache.stats()).toMatchObject({ fetches: 4, waiting: 0 });
    expect(h.clock.timerCount()).toBe(0); // the next retry was cancelled: nobody waits for it
  });

  it('gives up when its signal aborts (pg\'s connectionTimeoutMillis) and says what failed', async () => {
    const h = harness({ keepWarm: false, random: () => 1 });
    const abort = new AbortController();
    const waiting = h.cache.get(abort.signal).catch((error: unknown) => error);
    h.fail(throttled());
    await h.advance(500);
    abort.abort(new Error('connectionTimeoutMillis (1500 ms) passed'));
    expect(await waiting).toMatchObject({ code: 'CONNECT_ABORTED', message: expect.stringContaining('The last fetch failed with THROTTLED') });
    expect(h.clock.timerCount()).toBe(0);
  });

  it('fails at once on a non-transient error', async () => {
    const h = harness({ keepWarm: false, random: () => 1 });
    const waiting = h.cache.get().catch((error: unknown) => error);
    h.fail(new RedshiftIamError('ACCESS_DENIED', 'not authorized'));
    expect(await waiting).toMatchObject({ code: 'ACCESS_DENIED' });
    expect(h.cache.stats()).toMatchObject({ fetches: 1, waiting: 0 });
  });

  it('a login arriving during a back-off after a transient failure waits for the scheduled retry instead of calling AWS', async () => {
    const h = harness({ keepWarm: false, random: () => 1, waitTimeoutSeconds: 0.75 });
    const first = h.cache.get().catch((error: unknown) => error);
    h.fail(throttled());
    await h.advance(750);
    expect(await first).toMatchObject({ code: 'THROTTLED' });
    const second = h.cache.get();
    expect(h.pending).toHaveLength(0);
    await h.advance(250); // the back-off of 1 x 1 s ends
    expect(h.pending).toHaveLength(1);
    h.answer();
    await expect(second).resolves.toMatchObject({ source: 'fetched' });
  });
});
