import { flush, harness } from './cache-harness';

// Issue 9 item 6: main used an Expiration already past by AWS's own clock, so every connect made
// another AWS call and the login failed on Redshift with a bare 28P01.
describe('an Expiration that is not in the future by AWS\'s own clock', () => {
  it('is refused with AWS_INVALID_RESPONSE and a hint, stored nowhere, and counted as a failure', async () => {
    const h = harness({ keepWarm: false });
    const events: unknown[] = [];
    h.cache.on('refreshError', (event) => events.push(event));
    const waiting = h.cache.get().catch((error: unknown) => error);
    // AWS's clock agrees with ours; its Expiration is 10 s in its own past.
    const serverDate = new Date(h.now());
    h.answerWith({ serverDate, expiration: new Date(serverDate.getTime() - 10_000) });
    const error = await waiting;
    expect(error).toMatchObject({
      code: 'AWS_INVALID_RESPONSE',
      message: expect.stringMatching(/Expiration \(.*\) that is not in the future by AWS's own clock/),
      hint: expect.stringContaining('AWS'),
    });
    await flush();
    expect(h.cache.peek()).toBeUndefined();
    expect(h.cache.stats()).toMatchObject({ fetches: 1, failures: 1, consecutiveFailures: 1 });
    expect(events).toEqual([expect.objectContaining({ background: false, error: expect.objectContaining({ code: 'AWS_INVALID_RESPONSE' }) })]);
  });

  it('judges by AWS\'s clock, not ours: a local clock 10 minutes ahead does not make a valid answer invalid', async () => {
    const h = harness({ keepWarm: false });
    const waiting = h.cache.get();
    const serverDate = new Date(h.now() - 600_000);
    h.answerWith({ serverDate, expiration: new Date(serverDate.getTime() + 900_000) });
    await expect(waiting).resolves.toMatchObject({ source: 'fetched' });
  });

  it('an Expiration equal to AWS\'s Date is refused even when our clock is 10 minutes behind', async () => {
    const h = harness({ keepWarm: false });
    const waiting = h.cache.get().catch((error: unknown) => error);
    const serverDate = new Date(h.now() + 600_000);
    h.answerWith({ serverDate, expiration: serverDate });
    expect(await waiting).toMatchObject({ code: 'AWS_INVALID_RESPONSE' });
  });

  it('without a Date header, an Expiration in the local past is refused with a hint about the clock', async () => {
    const h = harness({ keepWarm: false });
    const waiting = h.cache.get().catch((error: unknown) => error);
    h.answerWith({ expiration: new Date(h.now() - 1) });
    expect(await waiting).toMatchObject({ code: 'AWS_INVALID_RESPONSE', hint: expect.stringContaining('clock') });
  });

  it('in the background, keeps the current credentials and backs off', async () => {
    const h = harness({ keepWarm: false, random: () => 0.5 });
    const first = h.cache.get();
    h.answer(900);
    const { credentials } = await first;
    await h.advance(870_000);
    expect((await h.cache.get()).source).toBe('stale');
    h.answerWith({ serverDate: new Date(h.now()), expiration: new Date(h.now() - 1_000) });
    await flush();
    expect(h.cache.peek()).toBe(credentials);
    expect(h.cache.stats().backoffUntil).toBeDefined();
    await h.cache.get();
    expect(h.pending).toHaveLength(0);
  });
});
