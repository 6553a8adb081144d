import { createRedshiftPool, type RedshiftPool } from '../../lib';
import { startStandIn, type StandIn } from '../setup/stand-in';
import { countingClientClass, type LoginCounters } from '../soak/counting-client';

// The emulator's clock (its Expiration values and HTTP Date header, and the SigV4 time check) runs
// ahead of or behind the local clock; PostgreSQL's VALID UNTIL follows the real clock, as Redshift
// does. Credentials live 2 s, so a few seconds cover several lifetimes.
const NAME = 'clock-skew';
const LIFETIME_SECONDS = 2;
let standIn: StandIn;

beforeAll(async () => {
  standIn = await startStandIn(NAME);
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.emulator.clearCalls();
  standIn.emulator.setExpiryOverride(LIFETIME_SECONDS);
});
afterEach(() => {
  standIn.emulator.setClockOffset(0);
  standIn.emulator.setExpiryOverride(undefined);
});

/** A pool that opens a new physical connection, and so logs in, for every query. */
function loginPerQueryPool(logins: LoginCounters): RedshiftPool {
  return createRedshiftPool({ ...standIn.pg, max: 1, maxUses: 1, Client: countingClientClass(logins), iam: standIn.iam });
}

/** Runs login-per-query queries until `lifetimes` credential refreshes happened; returns each lifetime the library computed. */
async function queryAcrossLifetimes(pool: RedshiftPool, lifetimes: number): Promise<{ queries: number; lifetimesMs: number[] }> {
  const lifetimesMs: number[] = [];
  const onRefresh = ({ expiresAt }: { expiresAt: Date }) => lifetimesMs.push(expiresAt.getTime() - Date.now());
  pool.credentials.on('refresh', onRefresh);
  let queries = 0;
  try {
    // A bound on the loop, not a timing assertion: a broken refresh would otherwise spin forever.
    while (lifetimesMs.length < lifetimes && queries < 5_000) {
      const { rows } = await pool.query<{ user: string }>('SELECT current_user AS user');
      expect(rows[0]?.user).toBe(`IAM:${NAME}-user`);
      queries++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    pool.credentials.off('refresh', onRefresh);
  }
  return { queries, lifetimesMs };
}

describe.each([
  ['ahead by 5 minutes', 5],
  ['behind by 5 minutes', -5],
  ['ahead by 20 minutes', 20],
  ['behind by 20 minutes', -20],
])('AWS clock %s', (_label, minutes) => {
  it('logs in on every new connection across several lifetimes, refreshing on the lifetime AWS gave', async () => {
    standIn.emulator.setClockOffset(minutes * 60_000);
    const logins: LoginCounters = { attempted: 0, succeeded: 0, failed: {} };
    const pool = loginPerQueryPool(logins);
    try {
      const { queries, lifetimesMs } = await queryAcrossLifetimes(pool, 4);
      // Expiration minus Date: never the skew-inflated Expiration minus local now (minutes), never <= 0.
      for (const lifetime of lifetimesMs) {
        expect(lifetime).toBeGreaterThan(0);
        expect(lifetime).toBeLessThanOrEqual(LIFETIME_SECONDS * 1000);
      }
      // Between refreshes, logins used the cached credentials: no refetch per login.
      expect(pool.credentials.stats().hits).toBeGreaterThan(0);
      expect(logins.succeeded).toBe(queries);
      const outcomes = standIn.emulator.calls.map((call) => call.outcome);
      if (Math.abs(minutes) > 15) {
        // The first request is refused as signed at the wrong time; the SDK corrects its clock
        // from the response's Date header, retries, and signs every later request correctly.
        expect(outcomes[0]).toBe('SignatureDoesNotMatch');
        expect(outcomes.slice(1)).toEqual(outcomes.slice(1).map(() => 'ok'));
      } else {
        expect(outcomes).toEqual(outcomes.map(() => 'ok'));
      }
      expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(lifetimesMs.length);
    } finally {
      await pool.end();
    }
  });
});

describe('rejected login under skew', () => {
  it.each([20, -20])('recovers with fresh credentials when the password is revoked (AWS clock %i minutes off)', async (minutes) => {
    standIn.emulator.setClockOffset(minutes * 60_000);
    standIn.emulator.setExpiryOverride(undefined);
    const logins: LoginCounters = { attempted: 0, succeeded: 0, failed: {} };
    const pool = loginPerQueryPool(logins);
    try {
      await pool.query('SELECT 1');
      const before = await pool.credentials.get();
      await standIn.emulator.revoke(`IAM:${NAME}-user`);
      const { rows } = await pool.query<{ user: string }>('SELECT current_user AS user');
      expect(rows[0]?.user).toBe(`IAM:${NAME}-user`);
      expect(logins.failed).toEqual({ '28P01': 1 });
      const after = await pool.credentials.get();
      expect(after).not.toBe(before);
      expect(after.password).not.toBe(before.password);
      expect(standIn.emulator.calls.filter((call) => call.outcome === 'ok')).toHaveLength(2);
    } finally {
      await pool.end();
    }
  });
});
