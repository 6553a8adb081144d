import { DataSource, EntitySchema } from 'typeorm';
import { isRedshiftIamError, typeormOptions, type RedshiftPool } from '../../lib';
import { useStandIn } from '../setup/stand-in';
import { thrownBy } from '../setup/thrown-by';

const NAME = 'typeorm-int';
const DB_USER = `IAM:${NAME}-user`;

interface Note {
  id: number;
  body: string;
}

const NoteEntity = new EntitySchema<Note>({
  name: 'Note',
  tableName: 'typeorm_notes',
  columns: {
    id: { type: Number, primary: true, generated: true },
    body: { type: String },
  },
});

const standIn = useStandIn(NAME);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const credentialCalls = () => standIn.emulator.calls.filter((call) => call.outcome === 'ok').length;

function dataSource(): DataSource {
  return new DataSource({ ...typeormOptions({ ...standIn.pg, iam: standIn.iam, max: 2 }), entities: [NoteEntity], synchronize: true });
}

/** TypeORM's pool; `master` is not part of its public types. */
function poolOf(source: DataSource): RedshiftPool {
  return (source.driver as unknown as { master: RedshiftPool }).master;
}

async function currentUser(source: DataSource): Promise<{ user: string; pid: number }> {
  const rows = (await source.query('SELECT current_user AS "user", pg_backend_pid() AS pid')) as { user: string; pid: number }[];
  if (rows[0] === undefined) throw new Error('no row');
  return rows[0];
}

it('initializes, synchronizes and saves and finds entities as the IAM user', async () => {
  const source = dataSource();
  await source.initialize();
  try {
    expect((await currentUser(source)).user).toBe(DB_USER);
    const notes = source.getRepository(NoteEntity);
    await notes.clear();
    await notes.save([{ body: 'first' }, { body: 'second' }]);
    expect((await notes.find({ order: { id: 'ASC' } })).map((note) => note.body)).toEqual(['first', 'second']);
    expect(await notes.findOneBy({ body: 'second' })).toMatchObject({ body: 'second' });
    expect(credentialCalls()).toBe(1);
  } finally {
    await source.destroy();
  }
});

it('releases the credentials engine on destroy() and gets a new one on the next initialize()', async () => {
  const source = dataSource();
  await source.initialize();
  const firstPool = poolOf(source);
  expect(firstPool.credentials.closed).toBe(false);
  await source.destroy();
  expect(firstPool.credentials.closed).toBe(true);

  await source.initialize();
  const secondPool = poolOf(source);
  try {
    expect(secondPool).not.toBe(firstPool);
    expect((await currentUser(source)).user).toBe(DB_USER);
  } finally {
    await source.destroy();
  }
  expect(secondPool.credentials.closed).toBe(true);
});

it('logs new connections in after the credentials expired', async () => {
  await standIn.emulator.revoke(DB_USER);
  standIn.emulator.setExpiryOverride(2);
  standIn.emulator.clearCalls();
  const source = dataSource();
  await source.initialize();
  try {
    const first = await currentUser(source);
    expect(first.user).toBe(DB_USER);
    expect(credentialCalls()).toBe(1);
    await sleep(2_500);
    // Two query runners at once need two connections: at least one logs in now.
    const runners = [source.createQueryRunner(), source.createQueryRunner()];
    try {
      await Promise.all(runners.map((runner) => runner.connect()));
      const rows = (await Promise.all(runners.map((runner) => runner.query('SELECT current_user AS "user", pg_backend_pid() AS pid')))) as { user: string; pid: number }[][];
      expect(rows.map((result) => result[0]?.user)).toEqual([DB_USER, DB_USER]);
      expect(new Set(rows.map((result) => result[0]?.pid)).size).toBe(2);
    } finally {
      await Promise.all(runners.map((runner) => runner.release()));
    }
    expect(credentialCalls()).toBe(2);
  } finally {
    await source.destroy();
  }
});

it('rejects bad options before any network call', async () => {
  const thrown = thrownBy(() => typeormOptions({ ...standIn.pg, iam: { ...standIn.iam, region: 'nowhere' } }));
  expect(isRedshiftIamError(thrown, 'INVALID_OPTION')).toBe(true);

  // A static password in TypeORM's own options would bypass IAM: the pool refuses it.
  const source = new DataSource({ ...typeormOptions({ ...standIn.pg, iam: standIn.iam }), username: 'admin', password: 'secret' });
  const failure = await source.initialize().catch((error: unknown) => error);
  expect(isRedshiftIamError(failure, 'INVALID_OPTION')).toBe(true);
  expect(standIn.emulator.calls).toHaveLength(0);
});

it('fills in the Redshift port and verified TLS for a cluster endpoint', () => {
  const options = typeormOptions({ host: 'examplecluster.abc123xyz789.us-east-1.redshift.amazonaws.com', database: 'dev', iam: { credentials: standIn.iam.credentials } });
  expect(options).toMatchObject({ type: 'postgres', port: 5439, database: 'dev', extra: { ssl: { rejectUnauthorized: true } } });
  expect(standIn.emulator.calls).toHaveLength(0);
});
