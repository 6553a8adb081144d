// Run by test/resilience/leaks.test.ts in a child process with NODE_DEBUG=pg-redshift-iam (Node
// reads it only at startup). It walks every path that produces text: logins (fresh, cached, stale,
// after a rejected login), the three AWS APIs, each error code, pool error events and inspection,
// and writes all of it to stdout and stderr as an application's logs would. The issued passwords go
// to the parent over IPC only, so that the parent can grep this process's raw output for them.
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import pg from 'pg';
import {
  createRedshiftClient,
  createRedshiftCredentials,
  createRedshiftPool,
  redshiftPoolConfig,
  type RedshiftPool,
} from '../../lib';
import { startStandIn, type StandIn } from '../setup/stand-in';

/** What the parent learns over IPC. */
export interface LeakScenarioResult {
  readonly passwords: readonly string[];
  readonly awsSecrets: readonly string[];
  /** Error codes (RedshiftIamError code or SQLSTATE) printed, so the parent knows each path ran. */
  readonly errorCodes: readonly string[];
  readonly refreshEvents: number;
  readonly refreshErrorEvents: number;
  readonly poolErrorEvents: number;
}

const NAME = 'resilience-leaks';
const errorCodes = new Set<string>();
const events = { refresh: 0, refreshError: 0, poolError: 0 };

/** Prints a value the ways people print things: console.log, inspect with hidden fields, JSON. */
function show(label: string, value: unknown, showHidden = true): void {
  process.stdout.write(`${label}: ${inspect(value, { depth: 10 })}\n`);
  if (showHidden) process.stdout.write(`${label} (showHidden): ${inspect(value, { depth: 10, showHidden: true })}\n`);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = '[circular]';
  }
  process.stdout.write(`${label} (JSON): ${json}\n`);
}

/** Prints an error as loggers do; pg's own errors without hidden fields (see SECURITY.md). */
function showError(label: string, error: unknown): void {
  // pg-pool wraps a timed-out connect in its own error; the library's is its cause.
  for (let cause: unknown = error; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') errorCodes.add(code);
  }
  console.error(`${label}:`, error);
  if (error instanceof Error) process.stderr.write(`${label} stack: ${error.stack}\n${label} message: ${error.message}\n`);
  show(label, error);
}

function listen(pool: RedshiftPool, label: string): void {
  pool.credentials.on('refresh', (event) => {
    events.refresh++;
    show(`${label} refresh event`, event);
  });
  pool.credentials.on('refreshError', (event) => {
    events.refreshError++;
    showError(`${label} refreshError event`, event.error);
  });
  pool.on('error', (error) => {
    events.poolError++;
    showError(`${label} pool error event`, error);
  });
}

async function expectFailure(label: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
    process.stdout.write(`${label}: unexpectedly succeeded\n`);
  } catch (error) {
    showError(label, error);
  }
}

async function freshLogin(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    show('current_user', (await client.query('SELECT current_user')).rows, false);
  } finally {
    client.release(true);
  }
}

async function happyPaths(standIn: StandIn): Promise<void> {
  const { emulator } = standIn;
  emulator.setExpiryOverride(2);
  // keepWarm off: the scenario wants a stale hit and a background refresh started by a connect.
  const pool = createRedshiftPool({ ...standIn.pg, max: 2, iam: { ...standIn.iam, keepWarm: false } });
  listen(pool, 'WithIAM pool');
  try {
    await Promise.all([freshLogin(pool), freshLogin(pool)]);
    const first = await pool.credentials.get();
    show('credentials', first);
    show('engine', pool.credentials);
    show('stats', pool.credentials.stats());
    // Into the refresh window: a stale hit and a background refresh, then past expiry.
    await sleep(Math.max(0, first.refreshAt.getTime() - Date.now()) + 20);
    await freshLogin(pool);
    await sleep(Math.max(0, first.expiresAt.getTime() - Date.now()) + 20);
    await freshLogin(pool);
    // A revoked password: the rejected login is retried with fresh credentials.
    await emulator.revoke(`IAM:${NAME}-user`);
    await freshLogin(pool);
    show('pool', pool);
    show('pool.options', pool.options);
  } finally {
    await pool.end();
    emulator.setExpiryOverride(undefined);
  }

  const named = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, dbUser: 'leaky_bob', autoCreate: true, dbGroups: ['leaky_readers'] } });
  listen(named, 'GetClusterCredentials pool');
  const serverless = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, clusterIdentifier: undefined, workgroupName: 'default-workgroup', credentials: emulator.identities.assumedRole } });
  listen(serverless, 'Serverless pool');
  try {
    await freshLogin(named);
    await freshLogin(serverless);
    show('serverless pool', serverless);
  } finally {
    await Promise.all([named.end(), serverless.end()]);
  }

  const options = redshiftPoolConfig({ ...standIn.pg, iam: standIn.iam });
  const configured = new pg.Pool(options);
  try {
    await freshLogin(configured);
    show('redshiftPoolConfig options', options);
    show('plain pg pool', configured);
  } finally {
    await configured.end();
    await options.credentials.close();
  }

  const client = createRedshiftClient({ ...standIn.pg, iam: standIn.iam });
  await client.connect();
  show('single client', client);
  await client.end();
}

async function failurePaths(standIn: StandIn): Promise<void> {
  const { emulator } = standIn;
  // Fresh engines, one per failure, so each meets AWS with nothing cached.
  const engine = (extra: object = {}) => createRedshiftCredentials({ ...standIn.iam, ...extra, host: standIn.pg.host, database: standIn.pg.database });
  const cases: [string, () => void, object][] = [
    ['ACCESS_DENIED', () => emulator.failNext(1, 'accessDenied'), {}],
    // A waiting login retries throttling and outages until waitTimeoutSeconds: keep failing past it.
    ['THROTTLED', () => emulator.failNext(1_000, 'throttling'), { clientConfig: { maxAttempts: 2 }, waitTimeoutSeconds: 1 }],
    ['AWS_UNAVAILABLE', () => emulator.failNext(1_000, 'unavailable'), { clientConfig: { maxAttempts: 2 }, waitTimeoutSeconds: 1 }],
    ['CLUSTER_NOT_FOUND', () => undefined, { clusterIdentifier: 'no-such-cluster' }],
    ['AWS_CREDENTIALS_INVALID', () => undefined, { credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'not-the-secret' } }],
  ];
  for (const [label, arrange, extra] of cases) {
    const credentials = engine(extra);
    arrange();
    await expectFailure(label, () => credentials.get());
    await credentials.close();
    emulator.clearFaults();
  }

  // Expired credentials that cannot be refreshed: the "could not be refreshed" error.
  emulator.setExpiryOverride(2);
  const expiring = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, keepWarm: false, waitTimeoutSeconds: 1, clientConfig: { maxAttempts: 1 } } });
  listen(expiring, 'expiring pool');
  try {
    await freshLogin(expiring);
    const { expiresAt } = expiring.credentials.stats();
    await sleep(Math.max(0, (expiresAt?.getTime() ?? Date.now()) - Date.now()) + 20);
    emulator.failNext(1_000, 'unavailable');
    await expectFailure('expired and not refreshed', () => freshLogin(expiring));
    emulator.clearFaults();
    // The failure backs off the next fetch; wait it out.
    const backoffUntil = expiring.credentials.stats().backoffUntil;
    if (backoffUntil !== undefined) await sleep(Math.max(0, backoffUntil.getTime() - Date.now()) + 20);
    // A revoked password whose refresh is refused: the login error after the retry's fetch failed.
    await freshLogin(expiring);
    await emulator.revoke(`IAM:${NAME}-user`);
    emulator.failNext(1, 'accessDenied');
    await expectFailure('revoked and refresh refused', () => freshLogin(expiring));
  } finally {
    await expiring.end();
    emulator.setExpiryOverride(undefined);
  }

  // Connection timeout while AWS is slow: CONNECT_ABORTED.
  emulator.setLatency(1_500);
  const slow = createRedshiftPool({ ...standIn.pg, connectionTimeoutMillis: 200, iam: standIn.iam });
  listen(slow, 'slow pool');
  await expectFailure('connection timeout', () => slow.query('SELECT 1'));
  await slow.end();
  emulator.setLatency(0);
  await sleep(1_600); // the slow call finishes before the emulator is closed

  // Idle connections whose backend goes away: pg-pool's error event.
  const idle = createRedshiftPool({ ...standIn.pg, max: 2, idleTimeoutMillis: 10_000, iam: standIn.iam });
  listen(idle, 'idle pool');
  const clients = await Promise.all([idle.connect(), idle.connect()]);
  clients.forEach((client) => client.release());
  const admin = new pg.Client(standIn.postgres);
  await admin.connect();
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [`IAM:${NAME}-user`]);
  await admin.end();
  await sleep(100);
  await idle.end();

  // A closed engine, and invalid options.
  const closed = engine();
  await closed.close();
  await expectFailure('closed engine', () => closed.get());
  await expectFailure('invalid options', async () => createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, durationSeconds: 5 } }));
  await expectFailure('password given', async () => createRedshiftPool({ ...standIn.pg, password: 'mine', iam: standIn.iam } as never));
}

async function main(): Promise<void> {
  const standIn = await startStandIn(NAME);
  try {
    await happyPaths(standIn);
    await failurePaths(standIn);
  } finally {
    await standIn.close();
  }
  const { emulator } = standIn;
  const result: LeakScenarioResult = {
    passwords: emulator.issuedPasswords(),
    awsSecrets: [emulator.identities.iamUser.secretAccessKey, emulator.identities.assumedRole.secretAccessKey, emulator.identities.assumedRole.sessionToken ?? ''],
    errorCodes: [...errorCodes].sort(),
    refreshEvents: events.refresh,
    refreshErrorEvents: events.refreshError,
    poolErrorEvents: events.poolError,
  };
  process.send?.(result);
}

main().catch((error: unknown) => {
  console.error('the leak scenario crashed:', error);
  process.exitCode = 1;
});
