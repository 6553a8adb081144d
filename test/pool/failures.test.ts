import { once } from 'node:events';
import { createRedshiftClient, createRedshiftCredentials, createRedshiftPool, RedshiftIamError, type RefreshErrorEvent } from '../../lib';
import { freshConnectionUser, sleepUntil } from '../setup/pool-helpers';
import { useStandIn } from '../setup/stand-in';

const NAME = 'failures';
const standIn = useStandIn(NAME);

describe('outage tolerance', () => {
  it('keeps connecting on valid credentials while refreshes fail, fails with the AWS cause once they expire, and heals', async () => {
    standIn.emulator.setExpiryOverride(5);
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, refreshWindowSeconds: 3, clientConfig: { maxAttempts: 1 } } });
    try {
      await freshConnectionUser(pool);
      const { refreshAt, expiresAt } = pool.credentials.stats();
      standIn.emulator.failNext(3, 'unavailable');
      await sleepUntil(refreshAt);

      let failed = once(pool.credentials, 'refreshError') as Promise<[RefreshErrorEvent]>;
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      expect((await failed)[0]).toMatchObject({ background: true, error: { code: 'AWS_UNAVAILABLE' } });

      failed = once(pool.credentials, 'refreshError') as Promise<[RefreshErrorEvent]>;
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`); // and it retries AWS
      await failed;
      expect(standIn.emulator.calls.map((c) => c.outcome)).toEqual(['ok', 'ServiceUnavailable', 'ServiceUnavailable']);

      await sleepUntil(expiresAt);
      const error = await freshConnectionUser(pool).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedshiftIamError);
      expect(error).toMatchObject({ code: 'AWS_UNAVAILABLE', awsErrorName: 'ServiceUnavailable', message: expect.stringContaining('expired at') });

      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(standIn.emulator.calls.map((c) => c.outcome)).toEqual(['ok', 'ServiceUnavailable', 'ServiceUnavailable', 'ServiceUnavailable', 'ok']);
    } finally {
      await pool.end();
    }
  });
});

describe('throttling', () => {
  it('is retried by the SDK retry strategy', async () => {
    standIn.emulator.failNext(2, 'throttling');
    const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
    try {
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(standIn.emulator.calls.map((c) => c.outcome)).toEqual(['Throttling', 'Throttling', 'ok']);
    } finally {
      await pool.end();
    }
  });

  it('is reported as THROTTLED once the retries are used up', async () => {
    standIn.emulator.failNext(2, 'throttling');
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, clientConfig: { maxAttempts: 2 } } });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: 'THROTTLED', message: expect.stringContaining('after 2 attempts') });
      expect(standIn.emulator.calls).toHaveLength(2);
    } finally {
      await pool.end();
    }
  });
});

describe('retries after a long outage', () => {
  it('still retries a throttled fetch after dozens of failed ones (no client-wide retry quota runs dry)', async () => {
    const engine = createRedshiftCredentials({ ...standIn.iam, host: standIn.pg.host, database: standIn.pg.database, clientConfig: { maxAttempts: 2 } });
    try {
      standIn.emulator.failNext(1_000, 'unavailable');
      // Each failed fetch costs the SDK's standard quota 10 of its 500 tokens: 60 would drain it.
      for (let fetch = 0; fetch < 60; fetch++) await engine.refresh().catch(() => undefined);
      expect(standIn.emulator.calls.filter((call) => call.outcome === 'ServiceUnavailable')).toHaveLength(120);
      standIn.emulator.clearFaults();
      standIn.emulator.clearCalls();
      standIn.emulator.failNext(1, 'throttling');
      await expect(engine.refresh()).resolves.toMatchObject({ user: `IAM:${NAME}-user` });
      expect(standIn.emulator.calls.map((call) => call.outcome)).toEqual(['Throttling', 'ok']);
    } finally {
      await engine.close();
    }
  });
});

describe('rejected password', () => {
  it('invalidates cached credentials the server refuses, fetches fresh ones and retries the login once', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
    try {
      await freshConnectionUser(pool);
      await standIn.emulator.revoke(`IAM:${NAME}-user`);
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(standIn.emulator.calls).toHaveLength(2);
      // The pool is healthy afterwards: the retried client is a normal pooled connection.
      expect((await pool.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('works for a single client too', async () => {
    const warm = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
    await freshConnectionUser(warm);
    await standIn.emulator.revoke(`IAM:${NAME}-user`);
    const client = createRedshiftClient({ ...standIn.pg, iam: standIn.iam });
    try {
      await client.connect();
      expect((await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u).toBe(`IAM:${NAME}-user`);
    } finally {
      await client.end();
      await warm.end();
    }
  });

  it('does not retry when the refused credentials were just fetched', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, dbUser: 'nosuchuser', autoCreate: false } });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: expect.stringMatching(/^28/) });
      expect(standIn.emulator.calls).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });
});

describe('connection timeout', () => {
  it('bounds the wait for credentials, while the fetch goes on and fills the cache', async () => {
    standIn.emulator.setLatency(1_500);
    const pool = createRedshiftPool({ ...standIn.pg, connectionTimeoutMillis: 200, iam: standIn.iam });
    try {
      const error = await pool.query('SELECT 1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).toMatch(/timeout/i);
      expect(pool.totalCount).toBe(0);
      standIn.emulator.setLatency(0);
      await once(pool.credentials, 'refresh');
      // A pool without the tight timeout (a loaded machine may need more than 200 ms to log in)
      // shares the cache, so it logs in with what the abandoned fetch brought.
      const untimed = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
      try {
        expect(await freshConnectionUser(untimed)).toBe(`IAM:${NAME}-user`);
      } finally {
        await untimed.end();
      }
      expect(standIn.emulator.calls).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });
});
