import { asc, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { pgTable, serial, text } from 'drizzle-orm/pg-core';
import { createRedshiftPool, type RedshiftPool } from '../../lib';
import { useStandIn } from '../setup/stand-in';

const NAME = 'drizzle-int';
const DB_USER = `IAM:${NAME}-user`;

const notes = pgTable('drizzle_notes', {
  id: serial('id').primaryKey(),
  body: text('body').notNull(),
});

const standIn = useStandIn(NAME);
let pool: RedshiftPool;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const credentialCalls = () => standIn.emulator.calls.filter((call) => call.outcome === 'ok').length;

type Db = ReturnType<typeof drizzle>;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function currentUser(db: Db | Tx): Promise<{ user: string; pid: number }> {
  const { rows } = await db.execute<{ user: string; pid: number }>(sql`SELECT current_user AS "user", pg_backend_pid() AS pid`);
  if (rows[0] === undefined) throw new Error('no row');
  return rows[0];
}

beforeEach(() => {
  pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam, max: 2 });
});
afterEach(async () => {
  await pool.end();
});

it('queries as the IAM user, commits and rolls back transactions', async () => {
  const db = drizzle({ client: pool });
  expect((await currentUser(db)).user).toBe(DB_USER);
  await db.execute(sql`DROP TABLE IF EXISTS drizzle_notes`);
  await db.execute(sql`CREATE TABLE drizzle_notes (id serial PRIMARY KEY, body text NOT NULL)`);

  // Drizzle recognizes the pool and runs each transaction on one checked-out connection.
  const inTransaction = await db.transaction(async (tx) => {
    await tx.insert(notes).values({ body: 'committed' });
    return currentUser(tx);
  });
  expect(inTransaction.user).toBe(DB_USER);

  await expect(db.transaction(async (tx) => {
    await tx.insert(notes).values({ body: 'rolled back explicitly' });
    tx.rollback();
  })).rejects.toThrow('Rollback');
  await expect(db.transaction(async (tx) => {
    await tx.insert(notes).values({ body: 'rolled back by an error' });
    throw new Error('failed inside');
  })).rejects.toThrow('failed inside');

  expect(await db.select({ body: notes.body }).from(notes).orderBy(asc(notes.id))).toEqual([{ body: 'committed' }]);
  await db.execute(sql`DROP TABLE drizzle_notes`);
  expect(credentialCalls()).toBe(1);
});

it('logs new connections in after the credentials expired', async () => {
  await standIn.emulator.revoke(DB_USER);
  standIn.emulator.setExpiryOverride(2);
  standIn.emulator.clearCalls();
  const db = drizzle({ client: pool });
  expect((await currentUser(db)).user).toBe(DB_USER);
  await sleep(2_500);
  // Two transactions at once need two connections: at least one logs in now.
  const release: (() => void)[] = [];
  const rows = Promise.all([0, 1].map(() => db.transaction(async (tx) => {
    const row = await currentUser(tx);
    await new Promise<void>((resolve) => release.push(resolve));
    return row;
  })));
  while (release.length < 2) await sleep(10);
  release.forEach((resolve) => resolve());
  const result = await rows;
  expect(result.map((row) => row.user)).toEqual([DB_USER, DB_USER]);
  expect(result[0]?.pid).not.toBe(result[1]?.pid);
  expect(credentialCalls()).toBe(2);
});
