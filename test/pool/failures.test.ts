import { once } from 'node:events';
import { createRedshiftClient, createRedshiftCredentials, createRedshiftPool, RedshiftIamError, type RefreshErrorEvent } from '../../lib';
import { freshConnectionUser, sleepUntil } from '../setup/pool-helpers';
import { useStandIn } from '../setup/stand-in';

const NAME = 'failures';
const standIn = useStandIn(NAME);

describe('outage tolerance', () => {
  // The test below gives the engine a 1 s wait deadline; the first fetch in a test file also loads
  // the AWS SDK (lazily, issue 10), which a loaded CI machine has taken over 1 s to do. Load it first.
  beforeAll(async () => {
    const warm = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
    try {
      await freshConnectionUser(warm);
    } finally {
      await warm.end();
    }
  });

  // Changed: failed refreshes back off (no AWS call per connect), and a login past expiry retries
  // the outage until waitTimeoutSeconds before it reports it.
  it('keeps connecting on valid credentials while refreshes fail and back off, fails with the AWS cause once they expire, and heals', async () => {
    standIn.emulator.setExpiryOverride(5);
    const pool = createRedshiftPool({
      ...standIn.pg,
      iam: { ...standIn.iam, refreshWindowSeconds: 3, keepWarm: false, waitTimeoutSeconds: 1, clientConfig: { maxAttempts: 1 } },
    });
    try {
      await freshConnectionUser(pool);
      const { refreshAt, expiresAt } = pool.credentials.stats();
      standIn.emulator.failNext(1_000, 'unavailable');
      await sleepUntil(refreshAt);

      let failed = once(pool.credentials, 'refreshError') as Promise<[RefreshErrorEvent]>;
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      expect((await failed)[0]).toMatchObject({ background: true, error: { code: 'AWS_UNAVAILABLE' } });
      expect(pool.credentials.stats().consecutiveFailures).toBe(1);

      // After the back-off, the next connect tries AWS again, and still logs in.
      await sleepUntil(pool.credentials.stats().backoffUntil, 10);
      failed = once(pool.credentials, 'refreshError') as Promise<[RefreshErrorEvent]>;
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      await failed;
      expect(standIn.emulator.calls.map((c) => c.outcome)).toEqual(['ok', 'ServiceUnavailable', 'ServiceUnavailable']);

      await sleepUntil(expiresAt);
      const error = await freshConnectionUser(pool).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedshiftIamError);
      expect(error).toMatchObject({ code: 'AWS_UNAVAILABLE', awsErrorName: 'ServiceUnavailable', message: expect.stringMatching(/waitTimeoutSeconds.*expired at/) });

      standIn.emulator.clearFaults();
      await sleepUntil(pool.credentials.stats().backoffUntil, 10);
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      const outcomes = standIn.emulator.calls.map((c) => c.outcome);
      expect(outcomes.at(-1)).toBe('ok');
      expect(outcomes.slice(1, -1).every((outcome) => outcome === 'ServiceUnavailable')).toBe(true);
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

  // Changed: a waiting login goes on retrying after the SDK's attempts, with back-off.
  it('a waiting login retries past the SDK\'s attempts and logs in', async () => {
    standIn.emulator.failNext(3, 'throttling');
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, clientConfig: { maxAttempts: 2 } } });
    try {
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(standIn.emulator.calls.map((c) => c.outcome)).toEqual(['Throttling', 'Throttling', 'Throttling', 'ok']);
      expect(pool.credentials.stats()).toMatchObject({ fetches: 2, failures: 1, waits: 1 });
    } finally {
      await pool.end();
    }
  });

  it('is reported as THROTTLED once waitTimeoutSeconds has passed', async () => {
    standIn.emulator.failNext(1_000, 'throttling');
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, waitTimeoutSeconds: 3, clientConfig: { maxAttempts: 2 } } });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: 'THROTTLED', message: expect.stringMatching(/within 3 s \(waitTimeoutSeconds\).*after 2 attempts/) });
      expect(standIn.emulator.calls.length).toBeGreaterThanOrEqual(2);
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
      // Every one of this engine's 60 fetches made both attempts (a drained quota would leave ~60 calls).
      // At least: on a loaded machine a call still under way from an earlier test can land in the log.
      expect(engine.stats()).toMatchObject({ fetches: 60, failures: 60 });
      expect(standIn.emulator.calls.filter((call) => call.outcome === 'ServiceUnavailable').length).toBeGreaterThanOrEqual(120);
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
  // Changed: the fetch nobody waits for any more is aborted (issue 9 item 4), not left to fill the cache.
  it('bounds the wait for credentials and aborts the fetch that only it needed', async () => {
    standIn.emulator.setLatency(1_500);
    const pool = createRedshiftPool({ ...standIn.pg, connectionTimeoutMillis: 200, iam: standIn.iam });
    try {
      const error = await pool.query('SELECT 1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).toMatch(/timeout/i);
      expect(pool.totalCount).toBe(0);
      expect(pool.credentials.stats()).toMatchObject({ refreshing: false, waiting: 0, fetches: 1, failures: 0 });
      standIn.emulator.setLatency(0);
      // A new fetch (not the aborted one) fills the cache. A pool without the tight timeout (a loaded
      // machine may need more than 200 ms to log in) shares the cache and logs in with it.
      await pool.credentials.get();
      expect(pool.credentials.stats()).toMatchObject({ fetches: 2, waits: 2 });
      const untimed = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
      try {
        expect(await freshConnectionUser(untimed)).toBe(`IAM:${NAME}-user`);
      } finally {
        await untimed.end();
      }
    } finally {
      await pool.end();
    }
  });
});
