import { inspect } from 'node:util';
import type { IssuedCredentials } from '../../lib/aws/types';
import { RedshiftIamError } from '../../lib/errors';
import { flush, harness as cacheHarness } from './cache-harness';

// The original behaviour, without the keep-warm timer (test/unit/cache-keep-warm.test.ts covers it).
const harness = (options: Parameters<typeof cacheHarness>[0] = {}) => cacheHarness({ keepWarm: false, ...options });

describe('CredentialsCache', () => {
  it('makes one fetch for 100 concurrent requests on a cold cache', async () => {
    const h = harness();
    const requests = Array.from({ length: 100 }, () => h.cache.get());
    expect(h.pending).toHaveLength(1);
    h.answer();
    const results = await Promise.all(requests);
    expect(new Set(results.map((r) => r.credentials)).size).toBe(1);
    expect(results.every((r) => r.source === 'fetched')).toBe(true);
    expect(h.cache.stats()).toMatchObject({ fetches: 1, waits: 100 });
  });

  it('answers from cache until the refresh window, with no fetch', async () => {
    const h = harness();
    const first = h.cache.get();
    h.answer(900);
    const { credentials } = await first;
    await h.advance(839_000); // window is 60 s for a 900 s lifetime
    const again = await h.cache.get();
    expect(again).toEqual({ credentials, source: 'hit' });
    expect(h.pending).toHaveLength(0);
  });

  it('inside the refresh window serves the current credentials at once and refreshes once in the background', async () => {
    const h = harness();
    const first = h.cache.get();
    h.answer(900);
    const { credentials: old } = await first;
    await h.advance(841_000);
    const during = await Promise.all([h.cache.get(), h.cache.get(), h.cache.get()]);
    expect(during.map((r) => r.source)).toEqual(['stale', 'stale', 'stale']);
    expect(during.every((r) => r.credentials === old)).toBe(true);
    expect(h.pending).toHaveLength(1);
    const refreshed = new Promise((resolve) => h.cache.once('refresh', resolve));
    h.answer(900);
    await expect(refreshed).resolves.toMatchObject({ user: 'IAM:user2', background: true });
    const after = await h.cache.get();
    expect(after.source).toBe('hit');
    expect(after.credentials.user).toBe('IAM:user2');
  });

  it('after hard expiry a request waits for AWS', async () => {
    const h = harness();
    const first = h.cache.get();
    h.answer(900);
    await first;
    await h.advance(900_000);
    const waiting = h.cache.get();
    expect(h.pending).toHaveLength(1);
    h.answer(900);
    await expect(waiting).resolves.toMatchObject({ source: 'fetched', credentials: { user: 'IAM:user2' } });
  });

  it('keeps serving valid credentials when a background refresh fails, and retries on the next request', async () => {
    const h = harness();
    const first = h.cache.get();
    h.answer(900);
    const { credentials: old } = await first;
    await h.advance(850_000);
    const errors: unknown[] = [];
    h.cache.on('refreshError', (event) => errors.push(event));
    expect((await h.cache.get()).credentials).toBe(old);
    h.fail(new RedshiftIamError('AWS_UNAVAILABLE', 'down'));
    await flush();
    expect(errors).toEqual([expect.objectContaining({ background: true, error: expect.objectContaining({ code: 'AWS_UNAVAILABLE' }) })]);
    expect((await h.cache.get()).credentials).toBe(old);
    expect(h.pending).toHaveLength(1); // the next request started a new attempt
    h.answer(900);
    await flush();
    expect((await h.cache.get()).credentials.user).toBe('IAM:user2');
    expect(h.cache.stats()).toMatchObject({ fetches: 3, failures: 1 });
  });

  // Changed: THROTTLED is now retried while the login waits (cache-retry.test.ts); a
  // non-transient failure still fails at once.
  it('once credentials expired and AWS fails, rejects with the AWS code and says they expired', async () => {
    const h = harness();
    const first = h.cache.get();
    h.answer(900);
    await first;
    await h.advance(901_000);
    const waiting = h.cache.get();
    h.fail(new RedshiftIamError('ACCESS_DENIED', 'GetClusterCredentialsWithIAM failed: AccessDenied.'));
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedshiftIamError);
    expect(error).toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringMatching(/expired at .* could not be refreshed: .*AccessDenied/) });
  });

  it('times refresh by AWS Expiration minus the Date header, whatever the local clock says', async () => {
    const h = harness();
    const first = h.cache.get();
    // AWS's clock is 10 minutes behind ours: Expiration looks 5 minutes away, yet 900 s remain.
    const serverNow = new Date(h.now() - 600_000);
    const next = h.pending.shift()!;
    next.resolve(Object.assign(Object.create(null), {
      user: 'IAM:skewed', password: 'p', attempts: 1, serverDate: serverNow, expiration: new Date(serverNow.getTime() + 900_000),
    }) as IssuedCredentials);
    const { credentials } = await first;
    expect(credentials.expiresAt.getTime()).toBe(h.now() + 899_000);
    expect(credentials.refreshAt.getTime()).toBe(h.now() + 839_000);
  });

  it('measures the lifetime to the millisecond with the local clock when it agrees with the Date header', async () => {
    const h = harness();
    const first = h.cache.get();
    h.answer(900, { serverDate: new Date(Math.floor((h.now() - 300) / 1000) * 1000) });
    const { credentials } = await first;
    expect(credentials.expiresAt.getTime()).toBe(h.now() + 900_000);
  });

  it('never trusts a lifetime longer than requested when the Date header is missing', async () => {
    const h = harness({ durationSeconds: 900 });
    const first = h.cache.get();
    h.answer(3600); // local clock behind AWS: Expiration looks an hour away
    const { credentials } = await first;
    expect(credentials.expiresAt.getTime() - h.now()).toBe(900_000);
  });

  it('uses a quarter of a short lifetime as the window, or the configured window', async () => {
    const short = harness();
    const a = short.cache.get();
    short.answer(100);
    expect((await a).credentials.refreshAt.getTime() - short.now()).toBe(75_000);
    const fixed = harness({ refreshWindowSeconds: 300 });
    const b = fixed.cache.get();
    fixed.answer(900);
    expect((await b).credentials.refreshAt.getTime() - fixed.now()).toBe(600_000);
  });

  it('invalidates only the credentials it was asked about', async () => {
    const h = harness();
    const first = h.cache.get();
    h.answer();
    const { credentials } = await first;
    expect(h.cache.invalidate(credentials)).toBe(true);
    expect(h.cache.peek()).toBeUndefined();
    expect(h.cache.invalidate(credentials)).toBe(false);
    const second = h.cache.get();
    h.answer();
    const { credentials: fresh } = await second;
    expect(fresh).not.toBe(credentials);
    // A late rejection of the old password must not throw away the new one.
    expect(h.cache.invalidate(credentials)).toBe(false);
    expect(h.cache.peek()).toBe(fresh);
  });

  // Changed: the fetch goes on only while another request still waits for it (see
  // cache-deadline.test.ts for the fetch nobody needs any more).
  it('an aborted request gives up while the fetch goes on for the others and fills the cache', async () => {
    const h = harness();
    const abort = new AbortController();
    const waiting = h.cache.get(abort.signal);
    const other = h.cache.get();
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CONNECT_ABORTED' });
    expect(h.pending[0]!.signal.aborted).toBe(false);
    h.answer();
    await expect(other).resolves.toMatchObject({ source: 'fetched' });
    expect((await h.cache.get()).source).toBe('hit');
    expect(h.cache.stats().fetches).toBe(1);
  });

  it('refuses requests after close', async () => {
    const h = harness();
    h.cache.close();
    await expect(h.cache.get()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('never shows the password in JSON or inspect output', async () => {
    const h = harness();
    const first = h.cache.get();
    h.answer();
    const { credentials } = await first;
    expect(credentials.password).toBe('secret-1');
    const shown = [JSON.stringify(credentials), inspect(credentials), inspect(credentials, { showHidden: true, depth: 5 }), inspect(h.cache, { depth: 5 }), JSON.stringify(h.cache.stats())];
    for (const text of shown) expect(text).not.toContain('secret-1');
  });
});
