import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startStandIn, type StandIn } from '../setup/stand-in';

// Prisma 7's generated client loads its query compiler (WebAssembly) with a dynamic import(),
// which jest's CommonJS sandbox refuses ("A dynamic import callback was invoked without
// --experimental-vm-modules"). So Prisma runs in a child process under tsx, the way an
// application runs it, against this file's stand-in; the test drives the emulator and checks.

const NAME = 'prisma-int';
const DB_USER = `IAM:${NAME}-user`;
const ROOT = resolve(__dirname, '../..');
const SCHEMA = resolve(ROOT, 'examples/prisma/schema.prisma');
const GENERATED_CLIENT = resolve(ROOT, 'examples/prisma/generated/client.ts');
const run = promisify(execFile);

// Runs in the child (ESM). Prints one JSON line with what it saw.
const CHILD = `
const settings = JSON.parse(process.env.PRISMA_TEST_SETTINGS);
// Both are CommonJS TypeScript compiled by tsx: their exports arrive as the default export.
const commonjs = async (path) => { const module = await import(path); return module.default ?? module; };
const { PrismaClient } = await commonjs(settings.client);
const { createRedshiftPool } = await commonjs(settings.lib);
const { PrismaPg } = await import('@prisma/adapter-pg');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const pool = createRedshiftPool({ ...settings.pg, iam: settings.iam, max: 2 });
const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
const userAndPid = async (db) => (await db.$queryRaw\`SELECT current_user AS "user", pg_backend_pid() AS pid\`)[0];
try {
  await prisma.$executeRawUnsafe('DROP TABLE IF EXISTS prisma_notes');
  await prisma.$executeRawUnsafe('CREATE TABLE prisma_notes (id serial PRIMARY KEY, body text NOT NULL)');
  const first = await userAndPid(prisma);
  await prisma.note.create({ data: { body: 'created' } });
  const committed = await prisma.$transaction(async (tx) => {
    await tx.note.create({ data: { body: 'committed' } });
    return (await userAndPid(tx)).user;
  });
  const rollback = await prisma.$transaction(async (tx) => {
    await tx.note.create({ data: { body: 'rolled back' } });
    throw new Error('roll back');
  }).catch((error) => error.message);
  const bodies = (await prisma.note.findMany({ orderBy: { id: 'asc' } })).map((note) => note.body);

  await sleep(settings.waitMs);
  // Two interactive transactions at once need two connections: at least one logs in now.
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  let inside = 0;
  const later = Promise.all([0, 1].map(() => prisma.$transaction(async (tx) => {
    const row = await userAndPid(tx);
    inside++;
    await gate;
    return row;
  })));
  while (inside < 2) await sleep(10);
  release();
  const afterExpiry = await later;
  await prisma.note.deleteMany();
  await prisma.$executeRawUnsafe('DROP TABLE prisma_notes');
  console.log(JSON.stringify({ first, committed, rollback, bodies, afterExpiry }));
} finally {
  await prisma.$disconnect();
  await pool.end();
}
`;

interface ChildReport {
  first: { user: string; pid: number };
  committed: string;
  rollback: string;
  bodies: string[];
  afterExpiry: { user: string; pid: number }[];
}

let standIn: StandIn;

beforeAll(async () => {
  standIn = await startStandIn(NAME);
  // Generates the client from examples/prisma/schema.prisma (gitignored output). Offline: the CLI
  // insists on a schema engine binary but generation never runs it.
  await run(process.execPath, [require.resolve('prisma/build/index.js'), 'generate', '--schema', SCHEMA], {
    cwd: ROOT,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: resolve(ROOT, 'examples/prisma/no-schema-engine.sh'), CHECKPOINT_DISABLE: '1' },
  });
}, 60_000);

afterAll(async () => {
  await standIn.close();
});

it('runs a generated PrismaClient on a Redshift pool through @prisma/adapter-pg, before and after the credentials expired', async () => {
  await standIn.emulator.revoke(DB_USER);
  standIn.emulator.setExpiryOverride(2);
  standIn.emulator.clearCalls();
  const settings = { client: GENERATED_CLIENT, lib: resolve(ROOT, 'lib/index.ts'), pg: standIn.pg, iam: standIn.iam, waitMs: 2_500 };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', CHILD], {
    cwd: ROOT,
    env: { ...process.env, PRISMA_TEST_SETTINGS: JSON.stringify(settings) },
  });
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChildReport;

  expect(report.first.user).toBe(DB_USER);
  expect(report.committed).toBe(DB_USER);
  expect(report.rollback).toBe('roll back');
  expect(report.bodies).toEqual(['created', 'committed']);
  expect(report.afterExpiry.map((row) => row.user)).toEqual([DB_USER, DB_USER]);
  expect(new Set(report.afterExpiry.map((row) => row.pid)).size).toBe(2);
  // One AWS call before the expiry and one after it, shared by both new logins.
  expect(standIn.emulator.calls.filter((call) => call.outcome === 'ok')).toHaveLength(2);
  for (const password of standIn.emulator.issuedPasswords()) expect(stdout).not.toContain(password);
}, 60_000);
