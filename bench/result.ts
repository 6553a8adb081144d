import { cpus, loadavg, totalmem } from 'node:os';
import type { ColdStartResult } from './cold-start';
import type { FleetResult } from './fleet';
import type { HeapResult } from './heap';
import type { HotPathResult } from './hot-path';
import type { InstallFootprint } from './install-size';
import type { BenchOptions } from './options';
import { formatInterval } from './percentiles';
import type { SteadyResult } from './steady';
import type { StormResult } from './storm';
import type { TargetsResult } from './targets';

/** One goal of the library, and whether this run met it. */
export interface Goal {
  readonly goal: string;
  readonly met: boolean;
  readonly measured: string;
  /** How far the measurement is from the goal when missed (e.g. `x1.4 the limit`). */
  readonly missedBy?: string;
}

/** Everything one run measured: the content of `bench/results/latest.json`. */
export interface BenchResult {
  readonly date: string;
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryMb: number;
    readonly postgres: string;
    /** 1-minute load average when the bench started and ended: other work on the machine skews absolute times. */
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
  readonly settings: Omit<BenchOptions, 'outDir'>;
  readonly storm: readonly StormResult[];
  readonly steady: SteadyResult;
  readonly hotPath: HotPathResult;
  /** Heap growth over `heap.refreshCycles` refresh cycles, after garbage collection. */
  readonly heapGrowthBytes: number;
  readonly heap: HeapResult;
  readonly install: InstallFootprint;
  readonly fleet: FleetResult;
  readonly coldStart: ColdStartResult;
  readonly targets: TargetsResult;
  readonly goals: readonly Goal[];
  /** Wall time of each section, in seconds. */
  readonly sectionSeconds: Readonly<Record<string, number>>;
  readonly benchSeconds: number;
}

/** The measurements so far, put together with the goals they are judged against. */
export function buildResult(parts: {
  options: BenchOptions;
  postgres: string;
  loadAverageAtStart: number;
  storm: readonly StormResult[];
  steady: SteadyResult;
  hotPath: HotPathResult;
  heap: HeapResult;
  install: InstallFootprint;
  fleet: FleetResult;
  coldStart: ColdStartResult;
  targets: TargetsResult;
  sectionSeconds: Readonly<Record<string, number>>;
  benchSeconds: number;
}): BenchResult {
  const { outDir: _outDir, ...settings } = parts.options;
  return {
    date: new Date().toISOString(),
    environment: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryMb: Math.round(totalmem() / 2 ** 20),
      postgres: parts.postgres,
      loadAverage: { start: parts.loadAverageAtStart, end: Math.round((loadavg()[0] ?? NaN) * 100) / 100 },
    },
    settings,
    storm: parts.storm,
    steady: parts.steady,
    hotPath: parts.hotPath,
    heapGrowthBytes: parts.heap.heapGrowthBytes,
    heap: parts.heap,
    install: parts.install,
    fleet: parts.fleet,
    coldStart: parts.coldStart,
    targets: parts.targets,
    goals: [...judge(parts.storm, parts.steady), ...judgeFleet(parts.fleet), ...judgeStart(parts.coldStart, parts.targets)],
    sectionSeconds: parts.sectionSeconds,
    benchSeconds: parts.benchSeconds,
  };
}

function judge(storm: readonly StormResult[], steady: SteadyResult): Goal[] {
  const generations = steady.refreshes.background + steady.refreshes.waited;
  const stormCalls = storm.map((run) => `${run.awsCalls.library} for ${run.clients}`).join(', ');
  const goals: Goal[] = [
    {
      goal: 'p99 connect latency within 5% of a static password, across refresh boundaries',
      met: steady.p99RatioToStatic <= 1.05,
      measured: `p99 ${steady.latencyMs.library.p99} ms vs ${steady.latencyMs.static.p99} ms: x${steady.p99RatioToStatic} ` +
        `(95 % interval ${formatInterval(steady.p99RatioToStaticCi95)}); a second static pool in the same run (A/A): ` +
        `x${steady.staticControl.p99RatioToStatic} (${formatInterval(steady.staticControl.p99RatioToStaticCi95)})`,
    },
    {
      goal: 'one AWS call for a storm of clients on a cold cache, however many',
      met: storm.every((run) => run.awsCalls.library === 1),
      measured: `library: ${stormCalls}; naive: ${storm.map((run) => `${run.awsCalls.naive} for ${run.clients}`).join(', ')}`,
    },
    {
      goal: 'exactly one AWS call per credential lifetime per target (each credential replaced by one call, never more)',
      met: steady.awsCalls.library === generations,
      measured: `${steady.awsCalls.library} calls for ${generations} credential generations in ${steady.durationMs / 1000} s ` +
        `(${steady.lifetimes} lifetimes of ${steady.lifetimeSeconds} s): one call per generation, none duplicated. ` +
        `That is ${steady.awsCallsPerLifetime} calls per issued lifetime, as each refresh starts inside the refresh window ` +
        '(the last quarter of a short lifetime, at most 60 s) so that no login waits',
    },
    {
      goal: 'no connection waits on AWS after the first login',
      met: steady.connectionsWaitedOnAws === 0 && steady.refreshes.waited <= 1,
      measured: `${steady.connectionsWaitedOnAws} of ${steady.connections.library - 1} connections after the first login waited; ` +
        `${steady.refreshes.background} background refreshes, ${steady.refreshes.waited} waited for (cold start: ${steady.coldStartWaits} connection)`,
    },
  ];
  const missedBy = [
    `x${round(steady.p99RatioToStatic / 1.05, 3)} the limit (x${steady.p99RatioToStatic} vs x1.05)`,
    `${Math.max(...storm.map((run) => run.awsCalls.library))} calls for one storm`,
    `${steady.awsCalls.library - generations} calls more than generations`,
    `${steady.connectionsWaitedOnAws} waits over 0`,
  ];
  return goals.map((goal, index) => (goal.met ? goal : { ...goal, missedBy: missedBy[index] }));
}


/** A goal "value <= limit": met, or missed by the ratio to the limit (or the excess, for a limit of 0). */
function atMost(goal: string, value: number, limit: number, measured: string): Goal {
  const met = value <= limit;
  if (met) return { goal, met, measured };
  const missedBy = limit > 0 ? `x${round(value / limit, 2)} the limit (${round(value, 3)} vs ${limit})` : `${round(value, 3)} over 0`;
  return { goal, met, measured, missedBy };
}

function judgeFleet(fleet: FleetResult): Goal[] {
  const { settings, baseline, fleets, throttled, sparse } = fleet;
  const W = settings.windowSeconds;
  const worstPeak = Math.max(...fleets.map((run) => run.peakRatioToTarget));
  const worstCalls = Math.max(...fleets.map((run) => run.callsPerCachePerLifetime));
  const baselineCalls = baseline.callsPerCachePerLifetime;
  const sparseDefault = sparse.variants.find((variant) => variant.keepWarm === undefined);
  const sparseWaits = sparseDefault?.waitsAfterFirstLogin ?? NaN;
  const failed = fleets.reduce((sum, run) => sum + run.failedFirstLifetime + run.failedLater, 0);
  // Call counts of a fleet whose connects failed undercount what it would ask for: such a goal is
  // not met, whatever the numbers say.
  const unhealthy = fleets.filter((run) => run.failedFirstLifetime + run.failedLater > 0).map((run) => `N=${run.caches}`);
  const healthy = (goal: Goal): Goal =>
    unhealthy.length === 0 ? goal : { ...goal, met: false, missedBy: `no valid measurement: connects failed at ${unhealthy.join(', ')}` };
  return [
    // Without this, a fleet whose calls never got through would look as if it met the call targets.
    atMost(
      'fleet (unthrottled): every connect succeeds, so that the call counts below mean something',
      failed,
      0,
      fleets.map((run) => `N=${run.caches}: ${run.failedFirstLifetime + run.failedLater} of ${run.connects} failed`).join('; ') +
        (fleets.find((run) => run.firstError !== undefined)?.firstError?.slice(0, 120)?.replace(/^/, '; first: ') ?? ''),
    ),
    healthy(atMost(
      `fleet: peak AWS calls/s after the cold start <= 2 x N / W (W = ${W} s)`,
      worstPeak,
      1,
      fleets.map((run) => `N=${run.caches}: ${run.peakCallsPerSecond}/s = x${run.peakRatioToN} N = x${run.peakRatioToTarget} of 2N/W (${run.peakTarget}/s)`).join('; '),
    )),
    healthy(atMost(
      'fleet: calls per process per lifetime within +10 % of a fleet-free process',
      worstCalls / baselineCalls,
      1.1,
      `fleet-free: ${baselineCalls}; ` + fleets.map((run) => `N=${run.caches}: ${run.callsPerCachePerLifetime} (x${round(run.callsPerCachePerLifetime / baselineCalls, 3)})`).join('; '),
    )),
    atMost(
      `throttled fleet at half of demand (N=${throttled.caches}): <= 2 calls per process per lifetime`,
      throttled.callsPerCachePerLifetime,
      2,
      `${throttled.callsPerCachePerLifetime} calls per process per lifetime (${throttled.throttledCalls} of ${throttled.awsCalls} calls throttled), ` +
        `${throttled.waitsAfterFirst} waits after the first connect`,
    ),
    atMost(
      `throttled fleet (N=${throttled.caches}): no failed connect after the first lifetime`,
      throttled.failedLater,
      0,
      `${throttled.failedLater} of ${throttled.connects} connects failed after the first lifetime, ${throttled.failedFirstLifetime} in it` +
        (throttled.firstError === undefined ? '' : ` (first: ${throttled.firstError.slice(0, 120)})`),
    ),
    atMost(
      'sparse traffic: no connect waits on AWS after the first login',
      sparseWaits,
      0,
      sparse.variants.map((variant) => `keepWarm ${variant.keepWarm ?? 'default'}: ${variant.waitsAfterFirstLogin} waits in ${variant.connects} connects of ${variant.pools} pools`).join('; '),
    ),
  ];
}

function judgeStart(coldStart: ColdStartResult, targets: TargetsResult): Goal[] {
  return [
    atMost(
      "loading the package <= x1.2 the CPU of require('pg')",
      coldStart.requireCpuRatio,
      1.2,
      `${coldStart.requireCpuMs.package} ms vs ${coldStart.requireCpuMs.pg} ms CPU: x${coldStart.requireCpuRatio} (median of ${coldStart.repeats})`,
    ),
    atMost(
      "process start -> first query <= the naive callback's",
      coldStart.firstQueryRatioToNaive,
      1,
      `library ${coldStart.firstQueryMs.library} ms, naive ${coldStart.firstQueryMs.naive} ms, static ${coldStart.firstQueryMs.static} ms (median of ${coldStart.repeats})`,
    ),
    atMost(
      'heap per extra target <= 8 KiB',
      targets.heapPerExtraTargetBytes,
      8192,
      `${targets.heapPerExtraTargetBytes} bytes per target over a second batch of ${targets.extraTargets} (${targets.heapPerFirstBatchTargetBytes} over the first, one-offs included)`,
    ),
    atMost(
      'one identity resolution per AWS identity, however many targets',
      targets.identityResolutions / targets.identities,
      1,
      `${targets.identityResolutions} resolutions of ${targets.identities} identity for ${2 * targets.extraTargets + 1} targets`,
    ),
  ];
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
