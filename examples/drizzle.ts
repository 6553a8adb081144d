/**
 * Drizzle on Redshift with IAM logins: hand `createRedshiftPool(...)` to `drizzle({ client })`.
 * Drizzle recognizes the pool, so each transaction runs on one connection of its own.
 *
 * Runs against a local stand-in: `node --import tsx examples/drizzle.ts`. On Redshift, pass only
 * `{ host: '<cluster>.<id>.<region>.redshift.amazonaws.com', database: 'dev' }` (and `iam` options
 * where they cannot be inferred); AWS credentials come from the usual provider chain.
 */
import { asc, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { pgTable, serial, text } from 'drizzle-orm/pg-core';
import { createRedshiftPool } from '../lib';
import { runAgainstStandIn } from './stand-in';

const notes = pgTable('drizzle_example_notes', {
  id: serial('id').primaryKey(),
  body: text('body').notNull(),
});

runAgainstStandIn(async ({ redshift }) => {
  const pool = createRedshiftPool({ ...redshift, max: 4 });
  try {
    const db = drizzle({ client: pool });
    const { rows } = await db.execute<{ user: string }>(sql`SELECT current_user AS "user"`);
    console.log(`Drizzle: logged in as ${rows[0]?.user}`);
    await db.execute(sql`CREATE TABLE drizzle_example_notes (id serial PRIMARY KEY, body text NOT NULL)`);
    await db.transaction(async (tx) => {
      await tx.insert(notes).values([{ body: 'hello' }, { body: 'redshift' }]);
    });
    await db.transaction(async (tx) => {
      await tx.insert(notes).values({ body: 'never stored' });
      tx.rollback();
    }).catch(() => console.log('Drizzle: rolled back one transaction'));
    const stored = await db.select({ body: notes.body }).from(notes).orderBy(asc(notes.id));
    console.log(`Drizzle: found ${JSON.stringify(stored.map((note) => note.body))}`);
    await db.execute(sql`DROP TABLE drizzle_example_notes`);
  } finally {
    await pool.end(); // also releases its credentials
  }
});
