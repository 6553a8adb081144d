import { setTimeout as sleep } from 'node:timers/promises';
import { createRedshiftPool, type RedshiftPool } from '../../lib';
import { sharedCacheCount } from '../../lib/credentials/registry';
import { startRedshiftEmulator, startTestPostgres } from '../../lib/testing';
import { runChaos, type ChaosEvent, type InjectedFault } from './chaos';
import { classifyFailure, type ClassifiedFailure } from './classify';
import { countingClientClass, type LoginCounters } from './counting-client';
import type { QueryFailure } from './failures';
import { CONNECT_SLACK_MS, connectionTimeoutFor, HEAL_SLACK_MS, POOL_END_LIMIT_MS, SETTLE_SLACK_MS, within } from './limits';
import { checkWrites, type LossReport } from './loss';
import { startOutageProxy } from './outage-proxy';
import { connectControl } from './postgres-control';
import { createPrng, deriveSeed } from './prng';
import { activeResources, heapAfterGc, settleResources, type ResourceCounts } from './resources';
import { interceptWrites, isDebugLine, LeakScanner, type LeakFinding, type Secret } from './secrets';
import { Timeline } from './timeline';
import { startWorkload, type WorkloadCounters } from './workload';

/** Settings of one soak run. */
export interface SoakOptions {
  /** How long faults are injected; every fault kind runs at least once even if that takes longer. */
  readonly seconds: number;
  /** The credential lifetime the emulator hands out (`setExpiryOverride`). */
  readonly lifetimeSeconds: number;
  /** Concurrent query loops. */
  readonly workers: number;
  /** Pool size (`max`). */
  readonly max: number;
  /** `maxUses`: a connection is replaced after this many queries, so logins keep happening. */
  readonly maxUses: number;
  /** `idleTimeoutMillis`: idle connections close soon, so logins keep happening. */
  readonly idleTimeoutMillis: number;
  /**
   * `iam.fetchTimeoutSeconds`: short, so that a stalled AWS answer is given up soon. The pool's
   * `connectionTimeoutMillis` is twice as long ({@link connectionTimeoutFor}).
   */
  readonly fetchTimeoutSeconds: number;
  readonly seed: number;
  /** Also show the library's debug lines (they are captured and scanned either way). */
  readonly verbose: boolean;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** Everything a soak run measured; {@link evaluateSoak} judges it. */
export interface SoakReport {
  readonly options: Omit<SoakOptions, 'log'>;
  readonly durationMs: number;
  readonly events: readonly (ChaosEvent & { readonly recoveryMs: number | undefined })[];
  readonly queries: WorkloadCounters;
  /** Failures with their verdicts; at most {@link MAX_KEPT_FAILURES}. */
  readonly failures: readonly ClassifiedFailure[];
  readonly failuresDropped: number;
  /** How long `pool.connect()` took; `limitMs` is `connectionTimeoutMillis` plus slack. */
  readonly connects: WorkloadCounters['connects'] & { readonly limitMs: number };
  /** Workers whose query had not settled when the workload was stopped (a hung connect or query). */
  readonly stuckWorkers: number;
  /** Errors of idle pool clients (their backend went away), and whether a restart explains each. */
  readonly idleClientErrors: { readonly explained: number; readonly unexplained: readonly string[] };
  readonly logins: LoginCounters;
  readonly credentials: { readonly refreshes: number; readonly backgroundRefreshErrors: number; readonly foregroundRefreshErrors: number };
  readonly aws: {
    readonly calls: number;
    readonly byOutcome: Readonly<Record<string, number>>;
    readonly rejectedByOutage: number;
    /** Answers the proxy stalled after their headers; `stillHeld` were still open when the checks ended. */
    readonly stalled: number;
    readonly stillHeld: number;
  };
  /** The last phase, with no faults: every query must succeed. */
  readonly quiet: { readonly ok: number; readonly failed: number };
  /** Errors nothing caught (e.g. an 'error' event without a listener): each would have crashed an application. */
  readonly uncaught: readonly string[];
  /** Fresh physical connections opened after the chaos, all of which must log in. */
  readonly finalCheck: { readonly connections: number; readonly error: string | undefined };
  /** How long `pool.end()` took; undefined if it had not returned after {@link POOL_END_LIMIT_MS}. */
  readonly poolEndMs: number | undefined;
  readonly writes: LossReport;
  readonly heap: { readonly baselineBytes: number; readonly endBytes: number; readonly closedBytes: number };
  readonly resources: { readonly before: ResourceCounts; readonly extra: ResourceCounts; readonly sharedCachesLeft: number };
  readonly leaks: {
    readonly secretsChecked: number;
    readonly texts: number;
    readonly bytes: number;
    readonly debugLines: number;
    readonly sources: Readonly<Record<string, number>>;
    readonly findings: readonly LeakFinding[];
  };
  /** Kept so that the caller can scan the formatted report too; not serialized. */
  readonly scanner: LeakScanner;
}

/** Failures kept for the report; more than that is itself a violation. */
export const MAX_KEPT_FAILURES = 5_000;

/**
 * Runs one soak: its own PostgreSQL server and Redshift emulator, an outage proxy, a pool under
 * query load for many credential lifetimes while faults are injected, then a quiet phase and the
 * checks. Never throws for a failed expectation: the report says what happened.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const teardown: (() => unknown)[] = [];
  try {
    return await soak(options, teardown);
  } catch (error) {
    // The soak itself broke: still stop the PostgreSQL server and everything else it started.
    await closeAll(teardown);
    throw error;
  }
}

/** Runs the closers in reverse order of creation, each once, whatever the others do. */
async function closeAll(teardown: (() => unknown)[]): Promise<void> {
  for (const close of teardown.splice(0).reverse()) {
    await Promise.resolve().then(close).catch(() => undefined);
  }
}

async function soak(options: SoakOptions, teardown: (() => unknown)[]): Promise<SoakReport> {
  const started = Date.now();
  const resourcesBefore = activeResources();
  const lifetimeMs = options.lifetimeSeconds * 1000;
  const log = (line: string) => options.log(`[+${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);

  const server = await startTestPostgres();
  teardown.push(() => server.stop());
  const control = await connectControl(server);
  teardown.push(() => control.close());
  const emulator = await startRedshiftEmulator({ postgres: server, iamUserName: 'soak', roleName: 'soak-role' });
  teardown.push(() => emulator.close());
  emulator.setExpiryOverride(options.lifetimeSeconds);
  // Nothing secret exists before the emulator issues passwords, so scanning starts here.
  const secrets: Secret[] = [{ label: 'AWS secret access key', value: emulator.identities.iamUser.secretAccessKey }];
  let passwordsSeen = 0;
  const refreshSecrets = () => {
    const issued = emulator.issuedPasswords();
    for (; passwordsSeen < issued.length; passwordsSeen++) secrets.push({ label: `issued password #${passwordsSeen + 1}`, value: issued[passwordsSeen] ?? '' });
    return secrets;
  };
  const scanner = new LeakScanner(refreshSecrets);
  let debugLines = 0;
  const restoreStderr = interceptWrites(process.stderr, (text) => {
    if (isDebugLine(text)) debugLines++;
    scanner.scan(isDebugLine(text) ? 'NODE_DEBUG line' : 'stderr', text);
  }, (text) => options.verbose || !isDebugLine(text));
  const restoreStdout = interceptWrites(process.stdout, (text) => scanner.scan('stdout', text), () => true);
  teardown.push(restoreStderr, restoreStdout);
  // An 'error' event nobody listens to (a pg Client whose backend a restart ended) would kill the run
  // without a report: record it as a violation and carry on to the checks and the teardown.
  const uncaught: string[] = [];
  const onUncaught = (error: Error) => {
    scanner.scanError('uncaught exception', error);
    if (uncaught.length < 100) uncaught.push(`${new Date().toISOString()}: ${error.name}: ${error.message} (${firstFrames(error)})`);
    log(`uncaught exception: ${error.name}: ${error.message}`);
  };
  process.on('uncaughtException', onUncaught);
  teardown.push(() => process.off('uncaughtException', onUncaught));
  const timeline = new Timeline();
  const proxy = await startOutageProxy(emulator.endpoint);
  teardown.push(() => proxy.close());
  const logins: LoginCounters = { attempted: 0, succeeded: 0, failed: {} };
  const fetchTimeoutMs = options.fetchTimeoutSeconds * 1000;
  const connectionTimeoutMillis = connectionTimeoutFor(options.fetchTimeoutSeconds);
  const pool = createRedshiftPool({
    host: server.host,
    port: server.port,
    database: server.database,
    max: options.max,
    maxUses: options.maxUses,
    idleTimeoutMillis: options.idleTimeoutMillis,
    connectionTimeoutMillis,
    Client: countingClientClass(logins),
    iam: {
      clusterIdentifier: 'examplecluster',
      region: emulator.region,
      endpoint: proxy.endpoint,
      credentials: emulator.identities.iamUser,
      fetchTimeoutSeconds: options.fetchTimeoutSeconds,
    },
  });
  let ending: Promise<void> | undefined;
  // Bounded: on a library whose end() waits for a stalled fetch, only closing the proxy releases it.
  teardown.push(() => within((ending ??= pool.end()), POOL_END_LIMIT_MS));
  log(`seed ${options.seed}; PostgreSQL on port ${server.port}; emulator ${emulator.endpoint} behind ${proxy.endpoint}; lifetime ${options.lifetimeSeconds} s; `
    + `fetch deadline ${options.fetchTimeoutSeconds} s; connectionTimeoutMillis ${connectionTimeoutMillis}`);

  const credentials = { refreshes: 0, backgroundRefreshErrors: 0, foregroundRefreshErrors: 0 };
  pool.credentials.on('refresh', (event) => {
    credentials.refreshes++;
    timeline.credentialsRefreshed(Date.now(), event.expiresAt.getTime());
    scanner.scanValue('refresh event', event);
  });
  pool.credentials.on('refreshError', (event) => {
    if (event.background) credentials.backgroundRefreshErrors++;
    else credentials.foregroundRefreshErrors++;
    scanner.scanError('refreshError event', event.error);
  });
  // Judged at the end, when the timeline is complete; a restart takes a moment to reach every session.
  const idleErrors: { at: number; message: string }[] = [];
  pool.on('error', (error) => {
    scanner.scanError('pool error event', error);
    if (idleErrors.length < MAX_KEPT_FAILURES) idleErrors.push({ at: Date.now(), message: error.message });
  });

  const failures: QueryFailure[] = [];
  let failuresDropped = 0;
  // Keyed by the fault's start: faults come one after another.
  const recoveries = new Map<number, number | undefined>();
  const pending = new Set<InjectedFault>();
  const recoveryWaiters = new Set<{ readonly since: number; readonly resolve: () => void }>();
  let firstSuccess: () => void = () => undefined;
  const warmedUp = new Promise<void>((resolve) => (firstSuccess = resolve));
  const workload = startWorkload({
    pool,
    slowConnectMs: connectionTimeoutMillis + CONNECT_SLACK_MS,
    workers: options.workers,
    prng: createPrng(deriveSeed(options.seed, 'workload')),
    onSuccess: (queryStarted, at) => {
      firstSuccess();
      for (const event of pending) {
        if (queryStarted >= event.until) {
          recoveries.set(event.at, at - event.until);
          pending.delete(event);
        }
      }
      for (const waiter of recoveryWaiters) if (queryStarted >= waiter.since) waiter.resolve();
    },
    onFailure: (failure, error) => {
      scanner.scanError('query error', error);
      if (failures.length < MAX_KEPT_FAILURES) failures.push(failure);
      else failuresDropped++;
    },
  });
  const stopWorkload = () => workload.stop(connectionTimeoutMillis + CONNECT_SLACK_MS);
  teardown.push(stopWorkload);
  const inspections = setInterval(() => {
    scanner.scanValue('pool', pool);
    scanner.scanValue('pool.options', pool.options);
    scanner.scanValue('pool.credentials', pool.credentials, { showHidden: true });
    scanner.scanValue('pool.credentials.stats()', pool.credentials.stats(), { showHidden: true });
  }, lifetimeMs);
  teardown.push(() => clearInterval(inspections));

  await warmedUp;
  await sleep(lifetimeMs / 2);
  const baselineBytes = heapAfterGc();
  log(`warmed up; heap after gc ${mb(baselineBytes)}`);

  const events = await runChaos(
    {
      emulator,
      proxy,
      terminateBackends: () => control.terminateBackends(),
      restartServer: () => control.restartServer(),
      dbUser: 'IAM:soak',
      timeline,
      prng: createPrng(options.seed),
      lifetimeMs,
      sdkMaxAttempts: 4,
      fetchTimeoutMs,
      settleLimitMs: fetchTimeoutMs + SETTLE_SLACK_MS,
      fetching: () => pool.credentials.stats().refreshing,
      recovered: async (since, timeoutMs) => {
        let waiter: { since: number; resolve: () => void } | undefined;
        const success = new Promise<true>((resolve) => recoveryWaiters.add((waiter = { since, resolve: () => resolve(true) })));
        const result = await within(success, timeoutMs);
        if (waiter) recoveryWaiters.delete(waiter);
        return result ?? false;
      },
      healLimitMs: fetchTimeoutMs + HEAL_SLACK_MS,
    },
    Date.now() + options.seconds * 1000,
    (event) => {
      recoveries.set(event.at, undefined);
      pending.add(event);
      log(`${event.kind}: ${event.detail}`);
    },
  );

  // Quiet phase: long enough for outages to be over and several credential lifetimes to pass.
  const quietMs = Math.max(4_000, 2 * lifetimeMs);
  await sleep(quietMs / 4);
  const quietStart = { ok: totalOk(workload.counters), failed: workload.counters.failed };
  await sleep(quietMs);
  const quiet = { ok: totalOk(workload.counters) - quietStart.ok, failed: workload.counters.failed - quietStart.failed };
  const endBytes = heapAfterGc();
  const stuckWorkers = await stopWorkload();
  clearInterval(inspections);
  log(`chaos over; quiet phase ${quiet.ok} ok, ${quiet.failed} failed; heap after gc ${mb(endBytes)}`);

  // Let idle connections time out, so that the check's connections all log in anew.
  await sleep(options.idleTimeoutMillis + 500);
  const finalCheck = await openFreshConnections(pool, options.max, logins);
  const writes = checkWrites(workload.counters.writes, await control.writtenRows());
  scanner.scanValue('pool', pool);
  scanner.scanValue('pool.options', pool.options);
  scanner.scanValue('pool.credentials', pool.credentials, { showHidden: true });
  const calls = emulator.calls;
  const byOutcome: Record<string, number> = {};
  for (const call of calls) byOutcome[call.outcome] = (byOutcome[call.outcome] ?? 0) + 1;
  const secretsChecked = refreshSecrets().length;
  const stillHeld = proxy.held;

  const endStarted = Date.now();
  const poolEndMs = await within((ending ??= pool.end()).then(() => Date.now() - endStarted), POOL_END_LIMIT_MS);
  log(poolEndMs === undefined ? `pool.end() had not returned after ${POOL_END_LIMIT_MS} ms` : `pool.end() took ${poolEndMs} ms`);
  await closeAll(teardown);
  const sharedCachesLeft = sharedCacheCount();
  const extra = await settleResources(resourcesBefore);
  const closedBytes = heapAfterGc();
  const totals = scanner.totals();

  return {
    options: {
      seconds: options.seconds,
      lifetimeSeconds: options.lifetimeSeconds,
      workers: options.workers,
      max: options.max,
      maxUses: options.maxUses,
      idleTimeoutMillis: options.idleTimeoutMillis,
      fetchTimeoutSeconds: options.fetchTimeoutSeconds,
      seed: options.seed,
      verbose: options.verbose,
    },
    durationMs: Date.now() - started,
    events: events.map((event) => ({ ...event, recoveryMs: recoveries.get(event.at) })),
    queries: workload.counters,
    failures: failures.map((failure) => classifyFailure(failure, timeline, { connectionTimeoutMillis })),
    failuresDropped,
    connects: { ...workload.counters.connects, limitMs: connectionTimeoutMillis + CONNECT_SLACK_MS },
    stuckWorkers,
    idleClientErrors: judgeIdleErrors(idleErrors, timeline),
    logins,
    credentials,
    aws: { calls: calls.length, byOutcome, rejectedByOutage: proxy.rejected, stalled: proxy.stalled, stillHeld },
    quiet,
    finalCheck,
    poolEndMs,
    uncaught,
    writes,
    heap: { baselineBytes, endBytes, closedBytes },
    resources: { before: resourcesBefore, extra, sharedCachesLeft },
    leaks: { secretsChecked, texts: totals.texts, bytes: totals.bytes, debugLines, sources: totals.sources, findings: scanner.findings },
    scanner,
  };
}

function judgeIdleErrors(errors: readonly { at: number; message: string }[], timeline: Timeline): SoakReport['idleClientErrors'] {
  const unexplained = errors.filter(({ at }) => timeline.restartDuring({ from: at, until: at }) === undefined);
  return { explained: errors.length - unexplained.length, unexplained: unexplained.map(({ at, message }) => `${new Date(at).toISOString()}: ${message}`) };
}

function totalOk(counters: WorkloadCounters): number {
  return counters.ok.select + counters.ok.insert + counters.ok.sleep;
}

/** Opens `count` new physical connections at once (each logs in) and closes them. */
async function openFreshConnections(pool: RedshiftPool, count: number, logins: LoginCounters): Promise<{ connections: number; error: string | undefined }> {
  const loginsBefore = logins.succeeded;
  const clients = await Promise.allSettled(Array.from({ length: count }, () => pool.connect()));
  let error: string | undefined;
  let connections = 0;
  // Checked-out clients are the caller's to watch: one that waits its turn below while its backend
  // is terminated emits 'error', which would otherwise be uncaught (as with any pg client).
  const broken = new Map<unknown, Error>();
  for (const result of clients) {
    if (result.status === 'fulfilled') result.value.on('error', (clientError: Error) => broken.set(result.value, clientError));
  }
  for (const result of clients) {
    if (result.status === 'rejected') {
      error ??= String((result.reason as Error).message);
      continue;
    }
    try {
      const early = broken.get(result.value);
      if (early !== undefined) throw early;
      await result.value.query('SELECT current_user');
      connections++;
    } catch (queryError) {
      error ??= (queryError as Error).message;
    } finally {
      result.value.release(true);
    }
  }
  if (error === undefined && logins.succeeded - loginsBefore < count) error = `only ${logins.succeeded - loginsBefore} of ${count} connections logged in anew`;
  return { connections, error };
}

/** Where an error was thrown or emitted, without the Node internals. */
function firstFrames(error: Error): string {
  const frames = (error.stack ?? '').split('\n').slice(1).map((line) => line.trim()).filter((line) => line.startsWith('at ') && !line.includes('node:'));
  return frames.slice(0, 3).join(' <- ') || 'no stack';
}

/** Bytes as megabytes, for log lines. */
export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
