/**
 * Knex on Redshift with IAM logins, both ways:
 *  1. `connection: knexConnection(...)`: Knex re-evaluates it before the credentials expire (any Knex 0.95+).
 *  2. `connectionPool: createRedshiftPool(...)` (Knex 3.3+): Knex uses the pool and does not end it.
 *
 * Runs against a local stand-in: `node --import tsx examples/knex.ts`. On Redshift, pass only
 * `{ host: '<cluster>.<id>.<region>.redshift.amazonaws.com', database: 'dev' }` (and `iam` options
 * where they cannot be inferred); AWS credentials come from the usual provider chain.
 */
import knex from 'knex';
import { createRedshiftPool, knexConnection } from '../lib';
import { runAgainstStandIn } from './stand-in';

runAgainstStandIn(async ({ redshift }) => {
  // 1. A connection function.
  const connection = knexConnection(redshift);
  const db = knex({ client: 'pg', connection, pool: { min: 0, max: 4 } });
  try {
    const { rows } = await db.raw<{ rows: { user: string }[] }>('SELECT current_user AS "user"');
    console.log(`knexConnection: logged in as ${rows[0]?.user}`);
    await db.schema.dropTableIfExists('knex_example');
    await db.schema.createTable('knex_example', (table) => {
      table.increments('id');
      table.string('name');
    });
    await db('knex_example').insert([{ name: 'alpha' }, { name: 'beta' }]);
    console.log(`knexConnection: read back ${JSON.stringify(await db('knex_example').orderBy('id').pluck('name'))}`);
    await db.schema.dropTable('knex_example');
  } finally {
    await db.destroy();
    await connection.credentials.close();
  }

  // 2. An external pool (Knex 3.3+).
  const pool = createRedshiftPool({ ...redshift, max: 4 });
  const pooled = knex({ client: 'pg', connectionPool: pool });
  try {
    const count = await pooled.transaction(async (trx) => {
      const { rows } = await trx.raw<{ rows: { user: string }[] }>('SELECT current_user AS "user"');
      console.log(`connectionPool: in a transaction as ${rows[0]?.user}`);
      return (await trx.raw<{ rows: { n: number }[] }>('SELECT count(*)::int AS n FROM pg_roles')).rows[0]?.n;
    });
    console.log(`connectionPool: ${count} roles`);
  } finally {
    await pooled.destroy(); // Knex lets go of the pool...
    await pool.end(); // ...which you end yourself; that also releases its credentials.
  }
});
