import { Kysely, PostgresDialect, sql, type Generated } from 'kysely';
import { createRedshiftPool, type RedshiftPool } from '../../lib';
import { useStandIn } from '../setup/stand-in';

const NAME = 'kysely-int';
const DB_USER = `IAM:${NAME}-user`;

interface Database {
  kysely_notes: { id: Generated<number>; body: string };
}

const standIn = useStandIn(NAME);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const credentialCalls = () => standIn.emulator.calls.filter((call) => call.outcome === 'ok').length;

function open(): { db: Kysely<Database>; pool: RedshiftPool } {
  const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam, max: 2 });
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}

async function currentUser(db: Kysely<Database>): Promise<{ user: string; pid: number }> {
  const { rows } = await sql<{ user: string; pid: number }>`SELECT current_user AS "user", pg_backend_pid() AS pid`.execute(db);
  if (rows[0] === undefined) throw new Error('no row');
  return rows[0];
}

it('queries and commits and rolls back transactions as the IAM user; destroy() releases the credentials', async () => {
  const { db, pool } = open();
  try {
    expect((await currentUser(db)).user).toBe(DB_USER);
    await db.schema.dropTable('kysely_notes').ifExists().execute();
    await db.schema.createTable('kysely_notes').addColumn('id', 'serial', (column) => column.primaryKey()).addColumn('body', 'text', (column) => column.notNull()).execute();
    await db.transaction().execute(async (trx) => {
      expect((await currentUser(trx)).user).toBe(DB_USER);
      await trx.insertInto('kysely_notes').values({ body: 'kept' }).execute();
    });
    await expect(db.transaction().execute(async (trx) => {
      await trx.insertInto('kysely_notes').values({ body: 'dropped' }).execute();
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(await db.selectFrom('kysely_notes').select('body').orderBy('id').execute()).toEqual([{ body: 'kept' }]);
    await db.schema.dropTable('kysely_notes').execute();
    expect(credentialCalls()).toBe(1);
  } finally {
    await db.destroy();
  }
  // Kysely ends the pool it was given, and ending a RedshiftPool releases its engine.
  expect(pool.ended).toBe(true);
  expect(pool.credentials.closed).toBe(true);
});

it('logs new connections in after the credentials expired', async () => {
  await standIn.emulator.revoke(DB_USER);
  standIn.emulator.setExpiryOverride(2);
  standIn.emulator.clearCalls();
  const { db } = open();
  try {
    const first = await currentUser(db);
    expect(first.user).toBe(DB_USER);
    await sleep(2_500);
    // Two transactions at once need two connections: at least one logs in now.
    const release: (() => void)[] = [];
    const rows = Promise.all([0, 1].map(() => db.transaction().execute(async (trx) => {
      const row = await currentUser(trx);
      await new Promise<void>((resolve) => release.push(resolve));
      return row;
    })));
    while (release.length < 2) await sleep(10);
    release.forEach((resolve) => resolve());
    expect((await rows).map((row) => row.user)).toEqual([DB_USER, DB_USER]);
    expect(credentialCalls()).toBe(2);
  } finally {
    await db.destroy();
  }
});
