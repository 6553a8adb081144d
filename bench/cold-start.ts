import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ratio, round } from './percentiles';
import type { BenchStand } from './stand';

/** Cost of a new process: loading the package, and reaching the first query. */
export interface ColdStartResult {
  /** Rounds of each measurement (child processes, variants in rotating order). */
  readonly repeats: number;
  /** CPU (user + system) of `require()` in a fresh process, median ms. */
  readonly requireCpuMs: { readonly pg: number; readonly package: number };
  readonly requireWallMs: { readonly pg: number; readonly package: number };
  /** `requireCpuMs.package / requireCpuMs.pg`. */
  readonly requireCpuRatio: number;
  /** From process start (`performance.timeOrigin`) until the first `SELECT 1` answered, median ms. */
  readonly firstQueryMs: { readonly static: number; readonly naive: number; readonly library: number };
  /** CPU spent by then, median ms. */
  readonly firstQueryCpuMs: { readonly static: number; readonly naive: number; readonly library: number };
  readonly firstQueryRatioToNaive: number;
  readonly firstQueryRatioToStatic: number;
}

const run = promisify(execFile);

// Plain JavaScript run with `node -e`, so that no loader (tsx) adds its own cost.
const REQUIRE_SCRIPT = `
const cpu = process.cpuUsage();
const started = performance.now();
require(process.env.BENCH_MODULE);
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started }));
`;

const FIRST_QUERY_SCRIPT = `
const config = JSON.parse(process.env.BENCH_COLD_START);
async function firstQuery() {
  const { host, port, database } = config.pg;
  if (config.variant === 'library') {
    const { createRedshiftPool } = require(config.lib);
    const pool = createRedshiftPool({ host, port, database, ssl: false, max: 1, iam: config.iam });
    await pool.query('SELECT 1');
    return { at: performance.now(), cpu: process.cpuUsage(), end: () => pool.end() };
  }
  const { Client } = require('pg');
  if (config.variant === 'static') {
    const client = new Client({ host, port, database, user: config.staticLogin.user, password: config.staticLogin.password });
    await client.connect();
    await client.query('SELECT 1');
    return { at: performance.now(), cpu: process.cpuUsage(), end: () => client.end() };
  }
  const { RedshiftClient, GetClusterCredentialsCommand } = require('@aws-sdk/client-redshift');
  const redshift = new RedshiftClient(config.sdkConfig);
  const client = new Client({
    host, port, database, user: config.naive.user,
    password: async () => (await redshift.send(new GetClusterCredentialsCommand(config.naive.request))).DbPassword,
  });
  await client.connect();
  await client.query('SELECT 1');
  return { at: performance.now(), cpu: process.cpuUsage(), end: async () => { await client.end(); redshift.destroy(); } };
}
firstQuery().then(async ({ at, cpu, end }) => {
  await end();
  process.stdout.write(JSON.stringify({ ms: at, cpuMs: (cpu.user + cpu.system) / 1000 }));
}, (error) => {
  console.error(String(error && error.message));
  process.exitCode = 1;
});
`;

/**
 * Child processes, interleaved and repeated: `require('pg')` vs `require(<the package>)` (compiled
 * lib/, see `compiled-lib.ts`), then process start → first query with a static password, the naive
 * per-connection AWS call and the library (all against the emulator with its latency).
 */
export async function measureColdStart(stand: BenchStand, libPath: string, repeats: number): Promise<ColdStartResult> {
  const root = join(__dirname, '..');
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const node = async (script: string, extra: Record<string, string>) => {
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: root, env: { ...env, ...extra }, timeout: 60_000 });
    return JSON.parse(stdout) as Record<string, number>;
  };
  const modules = { pg: require.resolve('pg', { paths: [root] }), package: libPath } as const;
  const requires = { pg: [] as Record<string, number>[], package: [] as Record<string, number>[] };
  for (let round = 0; round < repeats; round++) {
    for (const name of rotate(['pg', 'package'] as const, round)) requires[name].push(await node(REQUIRE_SCRIPT, { BENCH_MODULE: modules[name] }));
  }
  const config = {
    pg: stand.pg,
    lib: libPath,
    iam: stand.iam,
    staticLogin: stand.staticLogin,
    sdkConfig: stand.sdkConfig,
    naive: stand.naive,
  };
  await stand.primeRoles();
  const variants = ['static', 'naive', 'library'] as const;
  const queries = { static: [] as Record<string, number>[], naive: [] as Record<string, number>[], library: [] as Record<string, number>[] };
  for (let round = 0; round < repeats; round++) {
    for (const variant of rotate(variants, round)) {
      queries[variant].push(await node(FIRST_QUERY_SCRIPT, { BENCH_COLD_START: JSON.stringify({ ...config, variant }) }));
    }
  }
  await stand.waitForQuiet();
  const med = (samples: readonly Record<string, number>[], key: string) => round(median(samples.map((sample) => sample[key] ?? NaN)), 1);
  const requireCpuMs = { pg: med(requires.pg, 'cpuMs'), package: med(requires.package, 'cpuMs') };
  const firstQueryMs = { static: med(queries.static, 'ms'), naive: med(queries.naive, 'ms'), library: med(queries.library, 'ms') };
  return {
    repeats,
    requireCpuMs,
    requireWallMs: { pg: med(requires.pg, 'wallMs'), package: med(requires.package, 'wallMs') },
    requireCpuRatio: ratio(requireCpuMs.package, requireCpuMs.pg),
    firstQueryMs,
    firstQueryCpuMs: { static: med(queries.static, 'cpuMs'), naive: med(queries.naive, 'cpuMs'), library: med(queries.library, 'cpuMs') },
    firstQueryRatioToNaive: ratio(firstQueryMs.library, firstQueryMs.naive),
    firstQueryRatioToStatic: ratio(firstQueryMs.library, firstQueryMs.static),
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}
