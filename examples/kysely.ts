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
import { startRedshiftEmulator, startTestPostgres } from '../lib/testing';

interface Database {
  kysely_example_notes: { id: Generated<number>; body: string };
}

async function main(): Promise<void> {
  // The stand-in: PostgreSQL plus an emulator of the Redshift credentials API.
  const postgres = await startTestPostgres();
  const emulator = await startRedshiftEmulator({ postgres });
  try {
    const pool = createRedshiftPool({
      host: postgres.host,
      port: postgres.port,
      database: 'dev',
      max: 4,
      iam: { clusterIdentifier: 'examplecluster', ...emulator.clientConfig() },
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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
      await db.destroy();
    }
    console.log(`Kysely: AWS calls: ${emulator.calls.length}`);
  } finally {
    await emulator.close();
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
