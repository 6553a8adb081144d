import { CredentialsCache } from '../../lib/credentials/cache';
import { createRedshiftCredentials } from '../../lib/credentials/engine';
import { unrefTimers } from '../../lib/credentials/timers';
import { RedshiftIamError } from '../../lib/errors';
import { fakeClock, flush, harness } from './cache-harness';

describe('a deadline on every fetch (issue 9 item 1)', () => {
  it('a fetch that never answers fails with AWS_UNAVAILABLE after fetchTimeoutSeconds, aborts its signal and frees the slot', async () => {
    const h = harness({ fetchTimeoutSeconds: 30, keepWarm: false });
    const waiting = h.cache.get().catch((error: unknown) => error);
    const wedged = h.pending.shift()!;
    await h.advance(29_999);
    expect(h.cache.stats().refreshing).toBe(true);
    await h.advance(1);
    // A transient failure: the login goes on waiting (waitTimeoutSeconds) and retries.
    expect(wedged.signal.aborted).toBe(true);
    expect(wedged.signal.reason).toMatchObject({ code: 'AWS_UNAVAILABLE', message: expect.stringContaining('did not answer the credentials request for cluster test within 30 s') });
    expect(h.cache.stats()).toMatchObject({ failures: 1, fetches: 2 }); // the waiting login retried at once (back-off 0)
    h.answer();
    await expect(waiting).resolves.toMatchObject({ source: 'fetched', credentials: { user: 'IAM:user1' } });
  });

  it('refresh() settles with AWS_UNAVAILABLE and the next refresh() starts a new fetch', async () => {
    const h = harness({ fetchTimeoutSeconds: 5, keepWarm: false });
    const refreshed = h.cache.refresh().catch((error: unknown) => error);
    await h.advance(5_000);
    await expect(refreshed).resolves.toMatchObject({ code: 'AWS_UNAVAILABLE' });
    expect(h.cache.stats().refreshing).toBe(false);
    const again = h.cache.refresh();
    expect(h.pending).toHaveLength(2);
    h.pending.shift();
    h.answer();
    await expect(again).resolves.toMatchObject({ user: 'IAM:user1' });
  });

  it('releases a fetch that ignores its signal and never settles (a wedged credentials provider)', async () => {
    const clock = fakeClock();
    let calls = 0;
    const cache = new CredentialsCache({
      fetch: () => {
        calls++;
        return new Promise(() => undefined);
      },
      durationSeconds: 900,
      description: 'cluster wedged',
      fetchTimeoutSeconds: 10,
      waitTimeoutSeconds: 25,
      keepWarm: false,
      now: clock.now,
      timers: clock.timers,
      random: () => 0,
    });
    const waiting = cache.get().catch((error: unknown) => error);
    await clock.advance(25_000);
    const error = await waiting;
    expect(error).toBeInstanceOf(RedshiftIamError);
    expect(error).toMatchObject({ code: 'AWS_UNAVAILABLE', message: expect.stringMatching(/within 25 s \(waitTimeoutSeconds\), retrying: .*within 10 s/) });
    expect(calls).toBe(3); // at 0, 10 and 20 s: each released by its deadline
    expect(cache.stats()).toMatchObject({ refreshing: false, waiting: 0 });
    cache.close();
  });

  it('invalidate() works during a wedged background refresh, and the login after it is bounded by the deadline', async () => {
    const h = harness({ fetchTimeoutSeconds: 30, waitTimeoutSeconds: 60, keepWarm: false });
    const first = h.cache.get();
    h.answer();
    const { credentials } = await first;
    await h.advance(845_000);
    expect((await h.cache.get()).source).toBe('stale');
    const wedged = h.pending.shift()!;
    expect(h.cache.invalidate()).toBe(true);
    expect(h.cache.peek()).toBeUndefined();
    const waiting = h.cache.get();
    await h.advance(30_000);
    expect(wedged.signal.aborted).toBe(true);
    h.answer();
    await expect(waiting).resolves.toMatchObject({ source: 'fetched', credentials: { user: 'IAM:user2' } });
    expect((await waiting).credentials).not.toBe(credentials);
  });
});

describe('close() (issue 9 items 1 and 5)', () => {
  it('rejects every waiter with CLOSED at once, aborts the fetch and clears every timer', async () => {
    const h = harness({ keepWarm: true });
    const waiters = [h.cache.get(), h.cache.get(new AbortController().signal), h.cache.refresh()].map((p) => p.catch((error: unknown) => error));
    const fetch = h.pending[0]!;
    expect(h.clock.timerCount()).toBeGreaterThan(0);
    h.cache.close();
    for (const error of await Promise.all(waiters)) expect(error).toMatchObject({ code: 'CLOSED' });
    expect(fetch.signal.aborted).toBe(true);
    expect(h.clock.timerCount()).toBe(0);
    // A late answer is ignored.
    h.answer();
    await flush();
    expect(h.cache.peek()).toBeUndefined();
  });

  it('get, refresh after close return rejected promises instead of throwing', async () => {
    const h = harness();
    h.cache.close();
    let refreshed: Promise<unknown> | undefined;
    expect(() => (refreshed = h.cache.refresh())).not.toThrow();
    await expect(refreshed).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(h.cache.get()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('the engine: get, acquire, refresh and password after close reject with CLOSED', async () => {
    const engine = createRedshiftCredentials({ clusterIdentifier: 'closed-engine', region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' } });
    await engine.close();
    const calls = [() => engine.get(), () => engine.acquire(), () => engine.refresh(), () => engine.password()];
    for (const call of calls) {
      let result: Promise<unknown> | undefined;
      expect(() => (result = call())).not.toThrow();
      await expect(result).rejects.toMatchObject({ code: 'CLOSED' });
    }
  });
});

describe('nothing runs on for callers that gave up (issue 9 item 4)', () => {
  it('when the only waiter aborts, the fetch is aborted and the slot freed', async () => {
    const h = harness({ keepWarm: false });
    const abort = new AbortController();
    const waiting = h.cache.get(abort.signal);
    const fetch = h.pending[0]!;
    abort.abort(new Error('connectionTimeoutMillis passed'));
    await expect(waiting).rejects.toMatchObject({ code: 'CONNECT_ABORTED' });
    expect(fetch.signal.aborted).toBe(true);
    expect(h.cache.stats()).toMatchObject({ refreshing: false, waiting: 0, failures: 0 });
    expect(h.clock.timerCount()).toBe(0);
    // The next request starts its own fetch at once.
    const next = h.cache.get();
    expect(h.pending).toHaveLength(2);
    h.pending.shift();
    h.answer();
    await expect(next).resolves.toMatchObject({ source: 'fetched' });
  });

  it('a fetch that refresh() waits for goes on when the waiters abort', async () => {
    const h = harness({ keepWarm: false });
    const abort = new AbortController();
    const waiting = h.cache.get(abort.signal).catch(() => undefined);
    const refreshed = h.cache.refresh();
    abort.abort();
    await waiting;
    expect(h.pending[0]!.signal.aborted).toBe(false);
    h.answer();
    await expect(refreshed).resolves.toMatchObject({ user: 'IAM:user1' });
  });

  it('a background refresh goes on when a request that joined it in the margin aborts', async () => {
    const h = harness({ keepWarm: false });
    const first = h.cache.get();
    h.answer();
    await first;
    await h.advance(870_000);
    await h.cache.get(); // stale: starts the background refresh
    await h.advance(26_000);
    const abort = new AbortController();
    const waiting = h.cache.get(abort.signal).catch(() => undefined);
    abort.abort();
    await waiting;
    expect(h.pending[0]!.signal.aborted).toBe(false);
  });

  it('every timer of the cache is unref\'d', () => {
    const handle = unrefTimers.set(() => undefined, 60_000) as NodeJS.Timeout;
    try {
      expect(handle.hasRef()).toBe(false);
    } finally {
      unrefTimers.clear(handle);
    }
  });
});
