import { performance } from 'node:perf_hooks';
import type { RefreshEvent } from '../lib';
import { connectLoop, type ConnectLoopOutcome, type ConnectSample } from './connect-loop';
import { bootstrapRatio, ratio, round, summarize, type LatencySummary } from './percentiles';
import type { BenchStand } from './stand';
import { createVariantPool, type Variant, type VariantPool } from './variants';

/** Settings of the steady-state phase. */
export interface SteadySettings {
  readonly lifetimeSeconds: number;
  readonly lifetimes: number;
  /** Length of the naive run, in seconds. */
  readonly naiveSeconds: number;
  readonly concurrency: number;
}

/** Connections opened and closed continuously across several credential lifetimes. */
export interface SteadyResult {
  readonly lifetimes: number;
  readonly lifetimeSeconds: number;
  /** Length of the interleaved static/library run, after the library's first login. */
  readonly durationMs: number;
  /** Length of the naive run. */
  readonly naiveDurationMs: number;
  readonly concurrency: number;
  /** Connect latency (pool.connect() until a logged-in client) per variant, in ms. */
  readonly latencyMs: Record<Variant, LatencySummary>;
  /** Library connect latency relative to the static password. */
  readonly p50RatioToStatic: number;
  readonly p95RatioToStatic: number;
  readonly p99RatioToStatic: number;
  readonly maxRatioToStatic: number;
  /** 95 % bootstrap interval of `p99RatioToStatic`: how sure the comparison is. */
  readonly p99RatioToStaticCi95: { readonly low: number; readonly high: number };
  /** A second static pool in the same run (an A/A test): how far two identical logins differ. */
  readonly staticControl: {
    readonly latencyMs: LatencySummary;
    readonly p50RatioToStatic: number;
    readonly p99RatioToStatic: number;
    readonly p99RatioToStaticCi95: { readonly low: number; readonly high: number };
  };
  /** The library's AWS calls per 1,000 connections, the first login included. */
  readonly awsCallsPer1000: number;
  /** The library's AWS calls per credential lifetime issued by the emulator. */
  readonly awsCallsPerLifetime: number;
  /** The library's connects, after its first login, that waited for AWS (engine `stats().waits`). */
  readonly connectionsWaitedOnAws: number;
  /** The library's connects that waited for AWS at its first login (cold cache). */
  readonly coldStartWaits: number;
  /** The library's refreshes by kind: in the background (nobody waited) or waited for. */
  readonly refreshes: { readonly background: number; readonly waited: number };
  /** Connects (library and static) whose wait overlapped a background refresh. */
  readonly latencyDuringRefreshMs: { readonly library: LatencySummary; readonly static: LatencySummary };
  readonly naive: { readonly p50RatioToStatic: number; readonly p99RatioToStatic: number; readonly awsCallsPer1000: number };
  /** Connections, the library's first login included. */
  readonly connections: Record<Variant, number>;
  readonly awsCalls: Record<Variant, number>;
  readonly failures: Record<Variant, number>;
  readonly firstError: Partial<Record<Variant, string>>;
}

interface InterleavedRun {
  readonly library: ConnectLoopOutcome;
  readonly static: ConnectLoopOutcome;
  readonly control: ConnectLoopOutcome;
  readonly awsCalls: number;
  readonly refreshEvents: readonly { readonly endedAt: number; readonly event: RefreshEvent }[];
  readonly coldStartWaits: number;
  readonly laterWaits: number;
}

/**
 * The library and the static password (twice, as an A/A control) take turns within the same
 * workers for `lifetimes` credential lifetimes, so that they meet the same server load; run one
 * after the other, drift on a busy 2-core machine moved p99 by more than the 5 % in question.
 * The control pool and the bootstrap intervals show how precise the comparison is.
 * The naive callback runs on its own afterwards, without short lifetimes: it calls AWS on every
 * connection whatever the lifetime, and on the stand-in a password that changes between pg's
 * startup message and its password message fails the login.
 */
export async function runSteady(stand: BenchStand, settings: SteadySettings, log: (line: string) => void): Promise<SteadyResult> {
  const durationMs = settings.lifetimes * settings.lifetimeSeconds * 1000;
  const naiveDurationMs = settings.naiveSeconds * 1000;
  const run = await runInterleaved(stand, durationMs, settings);
  log(`steady library: ${describe(run.library, run.awsCalls)}, ${run.refreshEvents.length} refreshes, ${run.laterWaits} waits after the first login`);
  log(`steady static: ${describe(run.static, 0)}; static control: ${describe(run.control, 0)}`);
  const naive = await runNaive(stand, naiveDurationMs, settings.concurrency);
  log(`steady naive: ${describe(naive.outcome, naive.awsCalls)}`);

  const ms = (outcome: ConnectLoopOutcome) => outcome.samples.map((sample) => sample.ms);
  const latencyMs = { static: summarize(ms(run.static)), library: summarize(ms(run.library)), naive: summarize(ms(naive.outcome)) };
  const control = summarize(ms(run.control));
  const libraryConnections = run.library.samples.length + run.library.failures + 1;
  const naiveConnections = naive.outcome.samples.length + naive.outcome.failures + 1;
  const windows = refreshWindows(run);
  return {
    lifetimes: settings.lifetimes,
    lifetimeSeconds: settings.lifetimeSeconds,
    durationMs,
    naiveDurationMs,
    concurrency: settings.concurrency,
    latencyMs,
    p50RatioToStatic: ratio(latencyMs.library.p50, latencyMs.static.p50),
    p95RatioToStatic: ratio(latencyMs.library.p95, latencyMs.static.p95),
    p99RatioToStatic: ratio(latencyMs.library.p99, latencyMs.static.p99),
    maxRatioToStatic: ratio(latencyMs.library.max, latencyMs.static.max),
    p99RatioToStaticCi95: bootstrapRatio(ms(run.library), ms(run.static), 99),
    staticControl: {
      latencyMs: control,
      p50RatioToStatic: ratio(control.p50, latencyMs.static.p50),
      p99RatioToStatic: ratio(control.p99, latencyMs.static.p99),
      p99RatioToStaticCi95: bootstrapRatio(ms(run.control), ms(run.static), 99),
    },
    awsCallsPer1000: round((run.awsCalls / libraryConnections) * 1000, 2),
    awsCallsPerLifetime: round(run.awsCalls / settings.lifetimes, 2),
    connectionsWaitedOnAws: run.laterWaits,
    coldStartWaits: run.coldStartWaits,
    refreshes: {
      background: run.refreshEvents.filter(({ event }) => event.background).length,
      waited: run.refreshEvents.filter(({ event }) => !event.background).length,
    },
    latencyDuringRefreshMs: {
      library: summarize(overlapping(run.library.samples, windows).map((sample) => sample.ms)),
      static: summarize(overlapping(run.static.samples, windows).map((sample) => sample.ms)),
    },
    naive: {
      p50RatioToStatic: ratio(latencyMs.naive.p50, latencyMs.static.p50),
      p99RatioToStatic: ratio(latencyMs.naive.p99, latencyMs.static.p99),
      awsCallsPer1000: round((naive.awsCalls / naiveConnections) * 1000, 2),
    },
    connections: { static: run.static.samples.length + run.static.failures, library: libraryConnections, naive: naiveConnections },
    awsCalls: { static: 0, library: run.awsCalls, naive: naive.awsCalls },
    failures: { static: run.static.failures + run.control.failures, library: run.library.failures, naive: naive.outcome.failures },
    firstError: Object.fromEntries(
      ([['static', run.static.firstError ?? run.control.firstError], ['library', run.library.firstError], ['naive', naive.outcome.firstError]] as const)
        .filter(([, error]) => error !== undefined),
    ),
  };
}

async function runInterleaved(stand: BenchStand, durationMs: number, settings: SteadySettings): Promise<InterleavedRun> {
  await stand.primeRoles();
  await stand.emulator.setExpiryOverride(settings.lifetimeSeconds);
  // maxUses 1: every connect is a new physical login.
  const poolSettings = { max: settings.concurrency, maxUses: 1 };
  const pools: VariantPool[] = [];
  try {
    const library = createVariantPool('library', stand, poolSettings);
    pools.push(library, createVariantPool('static', stand, poolSettings), createVariantPool('static', stand, poolSettings));
    const engine = library.credentials;
    if (engine === undefined) throw new Error('the library pool has no credentials engine');
    const refreshEvents: { endedAt: number; event: RefreshEvent }[] = [];
    engine.on('refresh', (event) => refreshEvents.push({ endedAt: performance.now(), event }));
    // The first login outside the measurement: the library's one cold-cache wait.
    (await library.pool.connect()).release();
    const coldStartWaits = engine.stats().waits;
    const [libraryOutcome, staticOutcome, control] = await connectLoop(pools.map(({ pool }) => pool), durationMs, settings.concurrency);
    if (libraryOutcome === undefined || staticOutcome === undefined || control === undefined) throw new Error('connectLoop lost a pool');
    return {
      library: libraryOutcome,
      static: staticOutcome,
      control,
      awsCalls: (await stand.emulator.calls()).length,
      refreshEvents,
      coldStartWaits,
      laterWaits: engine.stats().waits - coldStartWaits,
    };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    await stand.emulator.setExpiryOverride(undefined);
    await stand.waitForQuiet();
  }
}

async function runNaive(stand: BenchStand, durationMs: number, concurrency: number): Promise<{ outcome: ConnectLoopOutcome; awsCalls: number }> {
  await stand.primeRoles();
  const naive = createVariantPool('naive', stand, { max: concurrency, maxUses: 1 });
  try {
    (await naive.pool.connect()).release();
    const [outcome] = await connectLoop([naive.pool], durationMs, concurrency);
    if (outcome === undefined) throw new Error('connectLoop lost a pool');
    return { outcome, awsCalls: (await stand.emulator.calls()).length };
  } finally {
    await naive.close();
    await stand.waitForQuiet();
  }
}

/** When each background refresh was under way: [start, end] in performance.now() time. */
function refreshWindows(run: InterleavedRun): (readonly [number, number])[] {
  return run.refreshEvents.filter(({ event }) => event.background).map(({ endedAt, event }) => [endedAt - event.durationMs, endedAt] as const);
}

function overlapping(samples: readonly ConnectSample[], windows: readonly (readonly [number, number])[]): ConnectSample[] {
  return samples.filter((sample) => windows.some(([from, to]) => sample.startedAt <= to && sample.startedAt + sample.ms >= from));
}

function describe(outcome: ConnectLoopOutcome, awsCalls: number): string {
  const summary = summarize(outcome.samples.map((sample) => sample.ms));
  return `${summary.count} measured connections, p50 ${summary.p50} ms, p99 ${summary.p99} ms, ${awsCalls} AWS calls, ${outcome.failures} failed`;
}
