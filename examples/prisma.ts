/**
 * Prisma (7, driver adapters) on Redshift with IAM logins: hand `createRedshiftPool(...)` to
 * `new PrismaPg(pool)` from @prisma/adapter-pg and that to `new PrismaClient({ adapter })`.
 *
 * Runs against a local stand-in: `node --import tsx examples/prisma.ts`. It first generates the
 * client from examples/prisma/schema.prisma when missing (offline; see that file). On Redshift,
 * pass only `{ host: '<cluster>.<id>.<region>.redshift.amazonaws.com', database: 'dev' }` (and
 * `iam` options where they cannot be inferred); AWS credentials come from the usual provider chain.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { createRedshiftPool } from '../lib';
import { runAgainstStandIn } from './stand-in';

const SCHEMA = resolve(__dirname, 'prisma/schema.prisma');
const GENERATED_CLIENT = resolve(__dirname, 'prisma/generated/client.ts');

/**
 * The part of the generated client used here. In an application you would simply write
 * `import { PrismaClient } from './prisma/generated/client'`; this example loads it at run time
 * because the generated code is not committed, so it may not exist when the project is type-checked.
 */
interface NotesPrismaClient {
  note: {
    createMany(args: { data: { body: string }[] }): Promise<unknown>;
    findMany(args: { orderBy: { id: 'asc' } }): Promise<{ id: number; body: string }[]>;
  };
  $executeRawUnsafe(query: string): Promise<number>;
  $queryRawUnsafe<T>(query: string): Promise<T>;
  $disconnect(): Promise<void>;
}
type PrismaClientClass = new (options: { adapter: PrismaPg }) => NotesPrismaClient;

function generateClientIfMissing(): void {
  if (existsSync(GENERATED_CLIENT)) return;
  console.log('Prisma: generating the client from examples/prisma/schema.prisma ...');
  execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate', '--schema', SCHEMA], {
    // `prisma generate` insists that a schema engine binary exists but does not run it.
    // CHECKPOINT_DISABLE: no update check over the network.
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: resolve(__dirname, 'prisma/no-schema-engine.sh'), CHECKPOINT_DISABLE: '1' },
    stdio: 'ignore',
  });
}

runAgainstStandIn(async ({ redshift }) => {
  generateClientIfMissing();
  const { PrismaClient } = (await import(GENERATED_CLIENT)) as { PrismaClient: PrismaClientClass };
  const pool = createRedshiftPool({ ...redshift, max: 4 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  try {
    const [{ user }] = await prisma.$queryRawUnsafe<[{ user: string }]>('SELECT current_user AS "user"');
    console.log(`Prisma: logged in as ${user}`);
    // No migration engine offline: the table comes from plain SQL here.
    await prisma.$executeRawUnsafe('CREATE TABLE prisma_notes (id serial PRIMARY KEY, body text NOT NULL)');
    await prisma.note.createMany({ data: [{ body: 'hello' }, { body: 'redshift' }] });
    console.log(`Prisma: found ${JSON.stringify((await prisma.note.findMany({ orderBy: { id: 'asc' } })).map((note) => note.body))}`);
    await prisma.$executeRawUnsafe('DROP TABLE prisma_notes');
  } finally {
    await prisma.$disconnect(); // leaves a pool it was given open...
    await pool.end(); // ...so end it yourself; that also releases its credentials
  }
});
