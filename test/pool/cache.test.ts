import { once } from 'node:events';
import { createRedshiftCredentials, createRedshiftPool, type RefreshEvent } from '../../lib';
import { freshConnectionUser, sleepUntil } from '../setup/pool-helpers';
import { useStandIn } from '../setup/stand-in';

const standIn = useStandIn('cache');

describe('one AWS call for a storm', () => {
  it('100 connections opened at once on a cold cache make exactly one call, and other pools share it', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, max: 100, iam: standIn.iam });
    const other = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam } });
    const engine = createRedshiftCredentials({ ...standIn.iam, host: standIn.pg.host, database: standIn.pg.database });
    try {
      const clients = await Promise.all(Array.from({ length: 100 }, () => pool.connect()));
      expect(pool.totalCount).toBe(100);
      const users = await Promise.all(clients.map(async (client) => (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u));
      clients.forEach((client) => client.release());
      expect(new Set(users)).toEqual(new Set(['IAM:cache-user']));
      expect(await freshConnectionUser(other)).toBe('IAM:cache-user');
      expect((await engine.acquire()).source).toBe('hit');
      expect(await engine.password()).toBe((await engine.get()).password);
      expect(standIn.emulator.calls).toHaveLength(1);
      expect(engine.stats()).toMatchObject({ fetches: 1, waits: 100 });
    } finally {
      await Promise.all([pool.end(), other.end(), engine.close()]);
    }
  });
});

describe('what the shared cache is keyed by', () => {
  it('engines that differ only in keepWarm, fetchTimeoutSeconds or waitTimeoutSeconds keep caches of their own', async () => {
    const base = { ...standIn.iam, host: standIn.pg.host, database: standIn.pg.database };
    const engines = [
      createRedshiftCredentials(base),
      createRedshiftCredentials({ ...base }),
      createRedshiftCredentials({ ...base, keepWarm: false }),
      createRedshiftCredentials({ ...base, fetchTimeoutSeconds: 5 }),
      createRedshiftCredentials({ ...base, waitTimeoutSeconds: 5 }),
    ];
    try {
      await engines[0]!.get();
      // The same settings share the cache (a hit); each different timing option has its own (no fetch yet).
      expect((await engines[1]!.acquire()).source).toBe('hit');
      expect(engines.slice(2).map((engine) => engine.stats().fetches)).toEqual([0, 0, 0]);
    } finally {
      await Promise.all(engines.map((engine) => engine.close()));
    }
  });
});

describe('stale-while-revalidate', () => {
  it('inside the refresh window connections use the current credentials at once while one background fetch replaces them', async () => {
    standIn.emulator.setExpiryOverride(6);
    // Without keep-warm, whose timer would refresh at refreshAt before these connects (tested below).
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, refreshWindowSeconds: 3, keepWarm: false } });
    try {
      await freshConnectionUser(pool);
      const first = pool.credentials.stats();
      // Timing follows the returned Expiration (6 s), not the requested 900 s.
      expect(first.expiresAt!.getTime() - Date.now()).toBeLessThan(6_500);
      await sleepUntil(first.refreshAt);
      const refreshed = once(pool.credentials, 'refresh') as Promise<[RefreshEvent]>;
      const users = await Promise.all([freshConnectionUser(pool), freshConnectionUser(pool), freshConnectionUser(pool)]);
      expect(users).toEqual(['IAM:cache-user', 'IAM:cache-user', 'IAM:cache-user']);
      const afterWindow = pool.credentials.stats();
      expect(afterWindow.waits).toBe(first.waits);
      expect(afterWindow.staleHits).toBeGreaterThanOrEqual(1);
      const [event] = await refreshed;
      expect(event.background).toBe(true);
      expect(standIn.emulator.calls).toHaveLength(2);
      expect(pool.credentials.stats().expiresAt!.getTime()).toBeGreaterThan(first.expiresAt!.getTime());
    } finally {
      await pool.end();
    }
  });

  it('after hard expiry a connection waits for new credentials, and the login works', async () => {
    standIn.emulator.setExpiryOverride(2);
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, keepWarm: false } });
    try {
      await freshConnectionUser(pool);
      const before = pool.credentials.stats();
      await sleepUntil(before.expiresAt, 200);
      expect(await freshConnectionUser(pool)).toBe('IAM:cache-user');
      expect(pool.credentials.stats().waits).toBe(before.waits + 1);
      expect(standIn.emulator.calls).toHaveLength(2);
    } finally {
      await pool.end();
    }
  });
});

describe('keep-warm', () => {
  it('a pool that connects less often than the credentials live never waits on AWS after its first login', async () => {
    standIn.emulator.setExpiryOverride(3);
    const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
    try {
      await freshConnectionUser(pool);
      for (let i = 0; i < 2; i++) {
        // Sleep past the current expiry: only the keep-warm timer can have refreshed meanwhile.
        const { expiresAt } = pool.credentials.stats();
        const refreshed = once(pool.credentials, 'refresh') as Promise<[RefreshEvent]>;
        await sleepUntil(expiresAt);
        expect((await refreshed)[0].background).toBe(true);
        expect(await freshConnectionUser(pool)).toBe('IAM:cache-user');
      }
      expect(pool.credentials.stats()).toMatchObject({ waits: 1, keepWarm: 'scheduled' });
    } finally {
      await pool.end();
    }
  });
});
