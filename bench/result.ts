import { cpus, loadavg, totalmem } from 'node:os';
import type { HeapResult } from './heap';
import type { HotPathResult } from './hot-path';
import type { InstallFootprint } from './install-size';
import type { BenchOptions } from './options';
import { formatInterval } from './percentiles';
import type { SteadyResult } from './steady';
import type { StormResult } from './storm';

/** One goal of the library, and whether this run met it. */
export interface Goal {
  readonly goal: string;
  readonly met: boolean;
  readonly measured: string;
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
  readonly goals: readonly Goal[];
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
    goals: judge(parts.storm, parts.steady),
    benchSeconds: parts.benchSeconds,
  };
}

function judge(storm: readonly StormResult[], steady: SteadyResult): Goal[] {
  const generations = steady.refreshes.background + steady.refreshes.waited;
  const stormCalls = storm.map((run) => `${run.awsCalls.library} for ${run.clients}`).join(', ');
  return [
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
}
