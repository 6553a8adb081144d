/**
 * TypeORM on Redshift with IAM logins: `typeormOptions(...)` gives the postgres DataSource options
 * whose pool logs every new connection in with fresh IAM credentials.
 *
 * Runs against a local stand-in: `node --import tsx examples/typeorm.ts`. On Redshift, pass only
 * `{ host: '<cluster>.<id>.<region>.redshift.amazonaws.com', database: 'dev' }` (and `iam` options
 * where they cannot be inferred); AWS credentials come from the usual provider chain.
 */
import { DataSource, EntitySchema } from 'typeorm';
import { typeormOptions } from '../lib';
import { runAgainstStandIn } from './stand-in';

interface Note {
  id: number;
  body: string;
}

// EntitySchema needs no decorators; decorated classes work the same way.
const NoteEntity = new EntitySchema<Note>({
  name: 'Note',
  tableName: 'typeorm_example_notes',
  columns: {
    id: { type: Number, primary: true, generated: true },
    body: { type: String },
  },
});

runAgainstStandIn(async ({ redshift }) => {
  const dataSource = new DataSource({
    ...typeormOptions({ ...redshift, max: 4 }),
    entities: [NoteEntity],
    synchronize: true, // creates the table here; use migrations on Redshift
  });
  await dataSource.initialize();
  try {
    const [{ user }] = (await dataSource.query('SELECT current_user AS "user"')) as [{ user: string }];
    console.log(`TypeORM: logged in as ${user}`);
    const notes = dataSource.getRepository(NoteEntity);
    await notes.save([{ body: 'hello' }, { body: 'redshift' }]);
    console.log(`TypeORM: found ${JSON.stringify((await notes.find({ order: { id: 'ASC' } })).map((note) => note.body))}`);
    await dataSource.query('DROP TABLE typeorm_example_notes');
  } finally {
    await dataSource.destroy(); // ends the pool, which releases its credentials
  }
});
