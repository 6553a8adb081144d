import type { RedshiftCredentialsOptions } from '../lib';
import { analyzeFleetCalls, type FleetCallAnalysis } from './fleet-analysis';
import { startFleetProcesses, type FleetProcesses } from './fleet-processes';
import type { FleetRunReport, FleetRunRequest } from './fleet-protocol';
import { summarize, type LatencySummary } from './percentiles';
import { runSparse, type SparseResult } from './sparse';
import type { BenchStand } from './stand';
import type { ThrottleSettings } from './throttle-proxy';

/** Settings of the fleet section (time-scaled: a lifetime of seconds stands for Redshift's 15 minutes). */
export interface FleetSettings {
  /** Fleet sizes: independent caches (simulated processes). */
  readonly sizes: readonly number[];
  /** Child processes the caches are spread over. */
  readonly processes: number;
  /** Caches of the fleet-free baseline, in one process. */
  readonly baselineCaches: number;
  /** Credential lifetime forced on the emulator, in seconds. */
  readonly lifetimeSeconds: number;
  /** `refreshWindowSeconds` given to every cache. */
  readonly windowSeconds: number;
  /** Length of each run in lifetimes, the cold start included. */
  readonly lifetimes: number;
  /** Interval between two connects of one cache, in seconds. */
  readonly connectIntervalSeconds: number;
  /** Deadline of one connect and `waitTimeoutSeconds`, in seconds. */
  readonly connectTimeoutSeconds: number;
  /** Size of the throttled fleet. */
  readonly throttledSize: number;
  /** Pools per variant of the sparse-traffic case. */
  readonly sparsePools: number;
}

/** One fleet run: what AWS saw and what the caches saw. */
export interface FleetRunResult extends FleetCallAnalysis {
  readonly label: string;
  readonly caches: number;
  readonly processes: number;
  /** The token bucket in front of the emulator, if any. */
  readonly throttle: ThrottleSettings | undefined;
  /** Target of the peak: 2 × N / W calls per second. */
  readonly peakTarget: number;
  /** Peak after the cold start relative to N and to the target. */
  readonly peakRatioToN: number;
  readonly peakRatioToTarget: number;
  readonly connects: number;
  readonly waitsAfterFirst: number;
  readonly waitsPerCachePerLifetime: number;
  readonly waitMs: LatencySummary;
  readonly failedFirstLifetime: number;
  readonly failedLater: number;
  readonly firstError: string | undefined;
  /** How late the slowest process was ready for the common start, in ms. */
  readonly lateMs: number;
}

/** Everything the fleet section measured. */
export interface FleetResult {
  readonly settings: FleetSettings;
  /** A few caches in one process: one process's calls per lifetime without a fleet around it. */
  readonly baseline: FleetRunResult;
  readonly fleets: readonly FleetRunResult[];
  readonly throttled: FleetRunResult;
  readonly sparse: SparseResult;
}

/**
 * `childScript` is the compiled `fleet-child.ts` (see `compiled-lib.ts`).
 *
 * Fleets of independent caches started at one instant against one emulator, with short lifetimes.
 * The caches of a run are spread over child processes; each has its own AWS identity (registered
 * with the emulator), so the library's process-wide sharing never joins two of them: they behave as
 * separate processes would, while a few Node processes hold hundreds of them. Every request passes a
 * proxy that logs it (and, for the throttled fleet, answers Throttling once a token bucket is empty).
 * The fleet's caches never log in, so the proxy answers their calls itself after the emulator's
 * latency and SigV4 check, sparing the emulator's serialised PostgreSQL role changes (see
 * `throttle-proxy.ts`); the sparse pools log in for real, through the emulator.
 */
export async function runFleetSection(stand: BenchStand, settings: FleetSettings, childScript: string, log: (line: string) => void): Promise<FleetResult> {
  log(`fleet: starting ${settings.processes} fleet processes`);
  const processes = await startFleetProcesses(settings.processes, childScript);
  await stand.emulator.setExpiryOverride(settings.lifetimeSeconds);
  await stand.emulator.clearProxyLog();
  try {
    const window = settings.windowSeconds;
    const sparseIdentities = await stand.emulator.addIdentities(Array.from({ length: settings.sparsePools * 2 }, (_, i) => `sparse-${i}`), false);
    // One cache per process connects once first, so that loading the SDK's lazily required parts
    // is not counted as the cold start of the measured runs.
    await runFleet(stand, processes, { ...settings, lifetimes: 0 }, 'warmup', processes.count, processes.count, undefined);
    log(`fleet: fleet-free baseline (${settings.baselineCaches} caches, one process) and sparse traffic (${settings.sparsePools} pools x 2) side by side`);
    const [baseline, sparse] = await Promise.all([
      runFleet(stand, processes, settings, 'baseline', settings.baselineCaches, 1, undefined),
      runSparse(stand, {
        pools: settings.sparsePools,
        lifetimeSeconds: settings.lifetimeSeconds,
        windowSeconds: window,
        meanIntervalSeconds: window,
        durationSeconds: settings.lifetimes * settings.lifetimeSeconds,
      }, sparseIdentities),
    ]);
    log(`fleet: baseline ${describe(baseline)}`);
    const fleets: FleetRunResult[] = [];
    for (const size of settings.sizes) {
      log(`fleet: ${size} caches over ${Math.min(settings.processes, size)} processes, ${settings.lifetimes} lifetimes of ${settings.lifetimeSeconds} s`);
      const result = await runFleet(stand, processes, settings, `n${size}`, size, settings.processes, undefined);
      log(`fleet: ${describe(result)}`);
      fleets.push(result);
    }
    // Half of demand: a synchronised fleet asks for N calls per refresh window (N / W per second);
    // the bucket refills at half that, i.e. 2 calls per cache per lifetime when W is a quarter of it.
    const rate = settings.throttledSize / window / 2;
    const throttle = { ratePerSecond: rate, burst: Math.max(1, Math.round(rate)) };
    log(`fleet: throttled, ${settings.throttledSize} caches behind a bucket of ${rate} calls/s (burst ${throttle.burst})`);
    const throttled = await runFleet(stand, processes, settings, 'throttled', settings.throttledSize, settings.processes, throttle);
    log(`fleet: throttled ${describe(throttled)}`);
    return { settings, baseline, fleets, throttled, sparse };
  } finally {
    await stand.emulator.setThrottle(undefined);
    await stand.emulator.setExpiryOverride(undefined);
    await processes.close();
  }
}

let runCounter = 0;

async function runFleet(
  stand: BenchStand,
  processes: FleetProcesses,
  settings: FleetSettings,
  label: string,
  caches: number,
  processCount: number,
  throttle: ThrottleSettings | undefined,
): Promise<FleetRunResult> {
  const run = ++runCounter;
  const identities = await stand.emulator.addIdentities(Array.from({ length: caches }, (_, i) => `fleet-${run}-${label}-${i}`), true);
  const used = Math.min(processCount, caches);
  const lifetimeMs = settings.lifetimeSeconds * 1000;
  const windowMs = settings.windowSeconds * 1000;
  const durationMs = settings.lifetimes * lifetimeMs;
  const options: RedshiftCredentialsOptions = {
    clusterIdentifier: stand.iam.clusterIdentifier,
    database: stand.pg.database,
    dbUser: 'benchfleet',
    autoCreate: true,
    region: stand.sdkConfig.region,
    endpoint: stand.emulator.proxyEndpoint,
    refreshWindowSeconds: settings.windowSeconds,
    waitTimeoutSeconds: settings.connectTimeoutSeconds,
  };
  await stand.emulator.setThrottle(throttle);
  // Time for every process to build its caches before the common start (an SDK client each
  // before the library shares them: milliseconds apiece, more on a busy machine); `lateMs` tells.
  const startAt = Date.now() + 2000 + 20 * Math.ceil(caches / used);
  const shares: FleetRunRequest[] = Array.from({ length: used }, (_, index) => ({
    type: 'run',
    options,
    identities: identities.filter((_, i) => i % used === index),
    startAt,
    durationMs,
    connectIntervalMs: settings.connectIntervalSeconds * 1000,
    connectTimeoutMs: settings.connectTimeoutSeconds * 1000,
    firstLifetimeMs: lifetimeMs,
  }));
  let reports: FleetRunReport[];
  try {
    reports = await processes.run(shares, durationMs + 2000 + settings.connectTimeoutSeconds * 1000 + 60_000);
  } finally {
    await stand.emulator.setThrottle(undefined);
  }
  const calls = analyzeFleetCalls(await stand.emulator.proxyLog(), new Set(identities.map((identity) => identity.accessKeyId)), {
    startAt,
    durationMs,
    lifetimeMs,
    windowMs,
  });
  const sum = (pick: (report: FleetRunReport) => number) => reports.reduce((total, report) => total + pick(report), 0);
  const peakTarget = (2 * caches) / settings.windowSeconds;
  const waitsAfterFirst = sum((report) => report.waitsAfterFirst);
  return {
    label,
    caches,
    processes: used,
    throttle,
    ...calls,
    peakTarget: Math.round(peakTarget * 10) / 10,
    peakRatioToN: Math.round((calls.peakCallsPerSecond / caches) * 1000) / 1000,
    peakRatioToTarget: Math.round((calls.peakCallsPerSecond / peakTarget) * 1000) / 1000,
    connects: sum((report) => report.connects),
    waitsAfterFirst,
    waitsPerCachePerLifetime: Math.round((waitsAfterFirst / caches / (durationMs / lifetimeMs)) * 1000) / 1000,
    waitMs: summarize(reports.flatMap((report) => report.waitMs)),
    failedFirstLifetime: sum((report) => report.failedFirstLifetime),
    failedLater: sum((report) => report.failedLater),
    firstError: reports.find((report) => report.firstError !== undefined)?.firstError,
    lateMs: Math.max(0, ...reports.map((report) => report.lateMs)),
  };
}

function describe(result: FleetRunResult): string {
  return `${result.awsCalls} AWS calls (${result.coldStartCalls} at the cold start, ${result.throttledCalls} throttled), ` +
    `peaks ${result.peakCallsPerSecondByRound.join('/')} calls/s (x${result.peakRatioToN} N, x${result.peakRatioToTarget} of 2N/W), ` +
    `${result.callsPerCachePerLifetime} calls per cache per lifetime, ${result.waitsAfterFirst} waits, ` +
    `${result.failedFirstLifetime}+${result.failedLater} failed connects${result.firstError === undefined ? '' : ` (${result.firstError})`}, late ${result.lateMs} ms`;
}
