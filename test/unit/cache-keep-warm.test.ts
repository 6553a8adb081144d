import { RedshiftIamError } from '../../lib/errors';
import { flush, harness } from './cache-harness';

// Issue 10 item 3: a sparse pool waited on AWS in about 40 % of lifetimes.
describe('keep-warm', () => {
  it('refreshes at the refresh point while the cache is in use, so a sparse user never waits', async () => {
    const h = harness({ keepWarm: true });
    const first = h.cache.get();
    h.answer(900);
    await first;
    expect(h.cache.stats().keepWarm).toBe('scheduled');
    // One request every 10 minutes, for an hour (AWS answers within 10 s): each finds fresh credentials.
    for (let i = 0; i < 6; i++) {
      for (let step = 0; step < 60; step++) {
        await h.advance(10_000);
        if (h.pending.length > 0) h.answer(900);
      }
      expect((await h.cache.get()).source).toBe('hit');
    }
    expect(h.cache.stats()).toMatchObject({ waits: 1, staleHits: 0 });
  });

  it('refreshes in the background: the refresh event says so', async () => {
    const h = harness({ keepWarm: true });
    const first = h.cache.get();
    h.answer(900);
    await first;
    await flush();
    const events: unknown[] = [];
    h.cache.on('refresh', (event) => events.push(event));
    await h.advance(840_000);
    expect(h.pending).toHaveLength(1);
    h.answer(900);
    await flush();
    expect(events).toEqual([expect.objectContaining({ background: true, user: 'IAM:user2' })]);
  });

  it('stops within one lifetime of the last request: an idle cache sets no timer', async () => {
    const h = harness({ keepWarm: true });
    const first = h.cache.get();
    h.answer(900);
    await first;
    for (let step = 0; step < 4 * 90; step++) {
      await h.advance(10_000);
      if (h.pending.length > 0) h.answer(900);
    }
    expect(h.cache.stats()).toMatchObject({ keepWarm: 'idle', fetches: 2 });
    expect(h.clock.timerCount()).toBe(0);
    // In use again: it starts again with the next credentials.
    const again = h.cache.get();
    h.answer(900);
    await again;
    expect(h.cache.stats().keepWarm).toBe('scheduled');
  });

  it('after a failed keep-warm refresh retries at the end of the back-off', async () => {
    const h = harness({ keepWarm: true, random: () => 0.5 });
    const first = h.cache.get();
    h.answer(900);
    await first;
    await h.advance(861_000);
    expect(h.pending).toHaveLength(1);
    h.fail(new RedshiftIamError('THROTTLED', 'Rate exceeded.'));
    await flush();
    const { backoffUntil } = h.cache.stats();
    expect(h.clock.timerTimes()).toEqual([backoffUntil!.getTime()]);
    await h.advance(backoffUntil!.getTime() - h.now());
    expect(h.pending).toHaveLength(1);
  });

  it('keepWarm: false sets no timer', async () => {
    const h = harness({ keepWarm: false });
    const first = h.cache.get();
    h.answer(900);
    await first;
    expect(h.clock.timerCount()).toBe(0);
    expect(h.cache.stats().keepWarm).toBe('off');
    await h.advance(880_000);
    expect(h.pending).toHaveLength(0);
  });

  it('close() clears its timer', async () => {
    const h = harness({ keepWarm: true });
    const first = h.cache.get();
    h.answer(900);
    await first;
    expect(h.clock.timerCount()).toBe(1);
    h.cache.close();
    expect(h.clock.timerCount()).toBe(0);
  });
});
