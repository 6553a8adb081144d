/**
 * Kysely on Redshift with IAM logins: hand `createRedshiftPool(...)` to Kysely's PostgresDialect.
 * `db.destroy()` ends the pool, which also releases its credentials.
 *
 * Runs against a local stand-in: `node --import tsx examples/kysely.ts`. On Redshift, pass only
 * `{ host: '<cluster>.<id>.<region>.redshift.amazonaws.com', database: 'dev' }` (and `iam` options
 * where they cannot be inferred); AWS credentials come from the usual provider chain.
 */
import { Kysely, PostgresDialect, sql, type Generated } from 'kysely';
import { createRedshiftPool } from '../lib';
import { runAgainstStandIn } from './stand-in';

interface Database {
  kysely_example_notes: { id: Generated<number>; body: string };
}

runAgainstStandIn(async ({ redshift }) => {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createRedshiftPool({ ...redshift, max: 4 }) }) });
  try {
    const { rows } = await sql<{ user: string }>`SELECT current_user AS "user"`.execute(db);
    console.log(`Kysely: logged in as ${rows[0]?.user}`);
    await db.schema.createTable('kysely_example_notes').addColumn('id', 'serial', (column) => column.primaryKey()).addColumn('body', 'text').execute();
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('kysely_example_notes').values([{ body: 'hello' }, { body: 'redshift' }]).execute();
    });
    const notes = await db.selectFrom('kysely_example_notes').select('body').orderBy('id').execute();
    console.log(`Kysely: found ${JSON.stringify(notes.map((note) => note.body))}`);
    await db.schema.dropTable('kysely_example_notes').execute();
  } finally {
    await db.destroy(); // ends the pool, which releases its credentials
  }
});
