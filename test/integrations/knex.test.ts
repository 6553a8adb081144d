import { inspect } from 'node:util';
import knex, { type Knex } from 'knex';
import { createRedshiftPool, isRedshiftIamError, knexConnection } from '../../lib';
import { useStandIn } from '../setup/stand-in';
import { thrownBy } from '../setup/thrown-by';

const NAME = 'knex-int';
const DB_USER = `IAM:${NAME}-user`;

const standIn = useStandIn(NAME);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const credentialCalls = () => standIn.emulator.calls.filter((call) => call.outcome === 'ok').length;

async function currentUser(db: Knex | Knex.Transaction): Promise<{ user: string; pid: number }> {
  const result = await db.raw<{ rows: { user: string; pid: number }[] }>('SELECT current_user AS "user", pg_backend_pid() AS pid');
  const row = result.rows[0];
  if (row === undefined) throw new Error('no row');
  return row;
}

/** Two transactions at once: the pool must hold two connections, so at least one logs in now. */
async function twoConnectionsAtOnce(db: Knex): Promise<{ user: string; pid: number }[]> {
  const release: (() => void)[] = [];
  const transactions = [0, 1].map(() => db.transaction(async (trx) => {
    const row = await currentUser(trx);
    await new Promise<void>((resolve) => release.push(resolve));
    return row;
  }));
  while (release.length < 2) await sleep(10);
  release.forEach((resolve) => resolve());
  return Promise.all(transactions);
}

describe('knexConnection (connection function)', () => {
  it('logs Knex in as the IAM user and runs queries', async () => {
    const connection = knexConnection({ ...standIn.pg, iam: standIn.iam });
    const db = knex({ client: 'pg', connection, pool: { min: 0, max: 2 } });
    try {
      expect((await currentUser(db)).user).toBe(DB_USER);
      await db.schema.dropTableIfExists('knex_items');
      await db.schema.createTable('knex_items', (table) => {
        table.increments('id');
        table.string('name').notNullable();
      });
      await db('knex_items').insert([{ name: 'a' }, { name: 'b' }]);
      expect(await db('knex_items').orderBy('id').pluck('name')).toEqual(['a', 'b']);
      await db.schema.dropTable('knex_items');
      expect(credentialCalls()).toBe(1);
    } finally {
      await db.destroy();
      await connection.credentials.close();
    }
  });

  it('resolves settings whose password stays out of inspection and whose checker is false while fresh', async () => {
    const connection = knexConnection({ ...standIn.pg, iam: standIn.iam, application_name: 'knex-test' });
    try {
      const settings = await connection();
      expect(settings).toMatchObject({ host: standIn.pg.host, port: standIn.pg.port, database: 'dev', user: DB_USER, application_name: 'knex-test' });
      expect(settings.password).toEqual(expect.any(String));
      expect(settings.expirationChecker()).toBe(false);
      const shown = inspect(settings, { depth: 5 }) + JSON.stringify(settings);
      for (const password of standIn.emulator.issuedPasswords()) expect(shown).not.toContain(password);
      expect(settings).not.toHaveProperty('Client');
      expect(settings).not.toHaveProperty('iam');
    } finally {
      await connection.credentials.close();
    }
  });

  it('logs new connections in with new credentials after the old ones expired', async () => {
    await standIn.emulator.revoke(DB_USER);
    standIn.emulator.setExpiryOverride(2);
    standIn.emulator.clearCalls();
    const connection = knexConnection({ ...standIn.pg, iam: standIn.iam });
    const db = knex({ client: 'pg', connection, pool: { min: 0, max: 2 } });
    try {
      expect((await currentUser(db)).user).toBe(DB_USER);
      expect(credentialCalls()).toBe(1);
      const before = await connection();
      expect(credentialCalls()).toBe(1);
      await sleep(2_500);
      // The stand-in's role really refuses the first password now.
      expect(before.expirationChecker()).toBe(true);
      const rows = await twoConnectionsAtOnce(db);
      expect(rows.map((row) => row.user)).toEqual([DB_USER, DB_USER]);
      // Knex re-evaluated the function once; concurrent logins shared one AWS call.
      expect(credentialCalls()).toBe(2);
    } finally {
      await db.destroy();
      await connection.credentials.close();
    }
  });

  it('inside the refresh window waits for new credentials, and keeps the current ones when the refresh fails', async () => {
    await standIn.emulator.revoke(DB_USER);
    // Credentials live 3 to 4 s (the Date header has whole seconds); the window is the last 2.5 s.
    standIn.emulator.setExpiryOverride(4);
    standIn.emulator.clearCalls();
    // keepWarm off: the keep-warm timer would refresh at refreshAt before this evaluation gets there.
    const connection = knexConnection({ ...standIn.pg, iam: { ...standIn.iam, refreshWindowSeconds: 2.5, keepWarm: false } });
    try {
      const first = await connection();
      const refreshAt = connection.credentials.stats().refreshAt!.getTime();
      await sleep(refreshAt - Date.now() + 50);
      expect(first.expirationChecker()).toBe(true);

      standIn.emulator.failNext(1, 'accessDenied');
      const fallback = await connection();
      expect(fallback.password).toBe(first.password);
      // Knex 3.3 throws if a fresh evaluation already reports expired.
      expect(fallback.expirationChecker()).toBe(false);

      const refreshed = await connection();
      expect(refreshed.expirationChecker()).toBe(false);
      expect(standIn.emulator.calls.map((call) => call.outcome)).toEqual(['ok', 'AccessDenied', 'ok']);
    } finally {
      await connection.credentials.close();
    }
  });

  it('throws INVALID_OPTION before any network call', () => {
    const attempts: (() => unknown)[] = [
      () => knexConnection({ ...standIn.pg, iam: { ...standIn.iam, durationSeconds: 10 } }),
      () => knexConnection({ ...standIn.pg, user: 'admin', iam: standIn.iam } as Parameters<typeof knexConnection>[0]),
      () => knexConnection({ host: standIn.pg.host, iam: standIn.iam }),
      () => knexConnection({ connectionString: `postgres://${standIn.pg.host}:${standIn.pg.port}/dev`, iam: standIn.iam } as Parameters<typeof knexConnection>[0]),
    ];
    const previous = process.env.PGDATABASE;
    delete process.env.PGDATABASE;
    try {
      for (const attempt of attempts) {
        const thrown = thrownBy(attempt);
        expect(isRedshiftIamError(thrown, 'INVALID_OPTION')).toBe(true);
      }
    } finally {
      if (previous !== undefined) process.env.PGDATABASE = previous;
    }
    expect(standIn.emulator.calls).toHaveLength(0);
  });
});

describe('connectionPool recipe (Knex 3.3+)', () => {
  it('runs Knex on a Redshift pool that Knex does not end', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam, max: 2 });
    const db = knex({ client: 'pg', connectionPool: pool });
    try {
      expect((await currentUser(db)).user).toBe(DB_USER);
      expect(await db.transaction(async (trx) => (await currentUser(trx)).user)).toBe(DB_USER);
      await db.destroy();
      // Knex only dropped its reference: the pool and its connection live on.
      expect(pool.totalCount).toBeGreaterThan(0);
      expect((await pool.query<{ user: string }>('SELECT current_user AS "user"')).rows[0]?.user).toBe(DB_USER);
    } finally {
      await db.destroy();
      await pool.end();
    }
    expect(pool.credentials.closed).toBe(true);
  });

  it('keeps live connections and logs new ones in after the credentials expired', async () => {
    await standIn.emulator.revoke(DB_USER);
    standIn.emulator.setExpiryOverride(2);
    standIn.emulator.clearCalls();
    const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam, max: 2 });
    const db = knex({ client: 'pg', connectionPool: pool });
    try {
      const first = await currentUser(db);
      expect(first.user).toBe(DB_USER);
      await sleep(2_500);
      const rows = await twoConnectionsAtOnce(db);
      expect(rows.map((row) => row.user)).toEqual([DB_USER, DB_USER]);
      // No churn: the connection opened before the expiry is still in use.
      expect(rows.map((row) => row.pid)).toContain(first.pid);
      expect(new Set(rows.map((row) => row.pid)).size).toBe(2);
      expect(credentialCalls()).toBe(2);
    } finally {
      await db.destroy();
      await pool.end();
    }
  });
});
