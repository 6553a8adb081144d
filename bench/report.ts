import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatInterval, type LatencySummary } from './percentiles';
import type { FleetResult, FleetRunResult } from './fleet';
import type { BenchResult } from './result';
import type { SteadyResult } from './steady';
import { VARIANTS } from './variants';

/** The result as Markdown tables, ready to paste into the README. */
export function formatReport(result: BenchResult): string {
  const { steady, hotPath, heap, install } = result;
  const lines: string[] = [];
  lines.push(
    `pg-redshift-iam bench — ${result.date}, Node ${result.environment.node}, ${result.environment.cpus} x ${result.environment.cpuModel}, ` +
      `PostgreSQL ${result.environment.postgres}, emulated AWS latency ${result.settings.latencyMs} ms${result.settings.quick ? ' (quick run)' : ''}, ` +
      `load average ${result.environment.loadAverage.start} at the start, ${result.environment.loadAverage.end} at the end`,
    '',
    `### Connection storm (cold cache, all clients at once; ${result.settings.stormRepeats} runs each, variants in rotating order)`,
    '',
    table(
      ['clients', 'login', 'AWS calls', 'ms until all connected (median)', 'x static', 'every run, ms', 'failed'],
      result.storm.flatMap((run) =>
        VARIANTS.map((variant) => [
          String(run.clients),
          variant,
          String(run.awsCalls[variant]),
          String(run.msToAllConnected[variant]),
          variant === 'static' ? '1' : String(run.ratioToStatic[variant]),
          run.runsMs[variant].join(', '),
          String(run.failures[variant]),
        ]),
      ),
    ),
    '',
    `### Steady state (${steady.concurrency} connections at a time, each a new login; static and library take turns for ` +
      `${steady.durationMs / 1000} s = ${steady.lifetimes} credential lifetimes of ${steady.lifetimeSeconds} s; naive alone for ${steady.naiveDurationMs / 1000} s)`,
    '',
    table(
      ['login', 'connections', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'p50 x static', 'p99 x static', 'AWS calls', 'per 1,000 connections'],
      steadyRows(steady),
    ),
    '',
    `p99 x static, 95 % bootstrap interval: library ${formatInterval(steady.p99RatioToStaticCi95)}, A/A control ${formatInterval(steady.staticControl.p99RatioToStaticCi95)}.`,
    `Library: ${steady.refreshes.background} background refreshes, ${steady.connectionsWaitedOnAws} connections waited on AWS after the first login ` +
      `(${steady.coldStartWaits} at the cold start). Connects overlapping a refresh: library p50 ${steady.latencyDuringRefreshMs.library.p50} ms, ` +
      `p99 ${steady.latencyDuringRefreshMs.library.p99} ms (n=${steady.latencyDuringRefreshMs.library.count}); static p50 ` +
      `${steady.latencyDuringRefreshMs.static.p50} ms, p99 ${steady.latencyDuringRefreshMs.static.p99} ms (n=${steady.latencyDuringRefreshMs.static.count}).`,
    '',
    '### Hot path (credentials on a cache hit)',
    '',
    table(
      ['', 'ns/op', '± %'],
      [
        ['library: engine.get(), warm cache', String(hotPath.nsPerOp.library), String(hotPath.rmePercent.library)],
        ['static: async () => password', String(hotPath.nsPerOp.static), String(hotPath.rmePercent.static)],
      ],
    ),
    '',
    '### Footprint',
    '',
    `- Heap growth over ${heap.refreshCycles} refresh cycles (after ${heap.warmUpCycles} warm-up cycles, each snapshot after GC): ` +
      `${heap.heapGrowthBytes} bytes; snapshots ${heap.heapSamplesBytes.map(mb).join(', ')}; trend ${heap.slopeBytesPerCycle} bytes/cycle`,
    `- Runtime dependencies: ${install.directDependencies.length} direct (${install.directDependencies.join(', ')}), ` +
      `${install.dependencyCount} packages in all, ${mb(install.dependencyBytes)} on disk; ` +
      `@aws-sdk/client-redshift alone (the naive approach needs it too): ${install.sdkClientOnly.dependencyCount} packages, ${mb(install.sdkClientOnly.dependencyBytes)}`,
    `- Peer dependency, not counted: ${install.peerDependencies.join(', ')}`,
    'unavailable' in install.pack
      ? `- Package: ${install.pack.unavailable}`
      : `- Package: ${kb(install.pack.tarballBytes)} tarball, ${kb(install.pack.unpackedBytes)} unpacked, ${install.pack.files} files` +
          (install.pack.distUpToDate ? '' : ' (dist/ is older than lib/: run `npm run build` for current numbers)'),
    '',
    ...fleetLines(result.fleet),
    '',
    ...startLines(result),
    '',
    '### Goals',
    '',
    table(['goal', 'met', 'measured'], result.goals.map((goal) => [goal.goal, goal.met ? 'yes' : `NO, missed by ${goal.missedBy ?? '?'}`, goal.measured])),
    '',
    `Bench duration ${result.benchSeconds} s (${Object.entries(result.sectionSeconds).map(([name, seconds]) => `${name} ${seconds} s`).join(', ')}).`,
  );
  return lines.join('\n');
}

function fleetLines(fleet: FleetResult): string[] {
  const { settings } = fleet;
  const row = (run: FleetRunResult) => [
    run.label,
    String(run.caches),
    String(run.processes),
    run.throttle === undefined ? '-' : `${run.throttle.ratePerSecond}/s, burst ${run.throttle.burst}`,
    String(run.awsCalls),
    String(run.coldStartCalls),
    String(run.throttledCalls),
    run.peakCallsPerSecondByRound.join(' / '),
    `x${run.peakRatioToN}`,
    `x${run.peakRatioToTarget}`,
    String(run.callsPerCachePerLifetime),
    String(run.maxCallsPerCachePerLifetime),
    `${run.waitsAfterFirst} (${run.waitsPerCachePerLifetime}/process/lifetime, p99 ${run.waitMs.p99} ms)`,
    `${run.failedFirstLifetime} / ${run.failedLater}`,
  ];
  return [
    `### Fleet (independent caches in ${settings.processes} child processes, one AWS identity each, started at one instant; ` +
      `lifetime ${settings.lifetimeSeconds} s, refresh window W = ${settings.windowSeconds} s, one connect per ${settings.connectIntervalSeconds} s per process, ` +
      `${settings.lifetimes} lifetimes, connect deadline ${settings.connectTimeoutSeconds} s)`,
    '',
    table(
      ['run', 'N', 'processes', 'token bucket', 'AWS calls', 'at cold start', 'throttled', 'peak calls/s per lifetime after the cold start', 'peak x N',
        'peak x 2N/W', 'calls per process per lifetime', 'most by one process', 'waits after first connect', 'failed connects (1st lifetime / later)'],
      [fleet.baseline, ...fleet.fleets, fleet.throttled].map(row),
    ),
    '',
    `Throttled: the proxy answers Throttling once its token bucket is empty; it refills at half of demand, where demand is N calls per refresh window. ` +
      `First failure: ${fleet.throttled.firstError ?? 'none'}.`,
    '',
    `### Sparse traffic (${fleet.sparse.settings.pools} pools per variant, real logins, one connect per ~${fleet.sparse.settings.meanIntervalSeconds} s ` +
      `(exponential), lifetime ${fleet.sparse.settings.lifetimeSeconds} s, W = ${fleet.sparse.settings.windowSeconds} s, ${fleet.sparse.settings.durationSeconds} s)`,
    '',
    table(
      ['keepWarm', 'connects', 'waited on AWS after the first login', 'failed', 'AWS calls per pool per lifetime'],
      fleet.sparse.variants.map((variant) => [
        String(variant.keepWarm ?? 'default'),
        String(variant.connects),
        String(variant.waitsAfterFirstLogin),
        String(variant.failedConnects),
        String(variant.awsCallsPerPoolPerLifetime),
      ]),
    ),
  ];
}

function startLines(result: BenchResult): string[] {
  const { coldStart, targets } = result;
  return [
    `### Cold start (fresh child processes, variants interleaved, median of ${coldStart.repeats}; the package compiled from lib/ to CommonJS)`,
    '',
    table(
      ['', 'CPU ms', 'wall ms', 'x pg (CPU)'],
      [
        ["require('pg')", String(coldStart.requireCpuMs.pg), String(coldStart.requireWallMs.pg), '1'],
        ['require(package)', String(coldStart.requireCpuMs.package), String(coldStart.requireWallMs.package), String(coldStart.requireCpuRatio)],
      ],
    ),
    '',
    table(
      ['process start -> first query', 'ms', 'CPU ms'],
      (['static', 'naive', 'library'] as const).map((variant) => [variant, String(coldStart.firstQueryMs[variant]), String(coldStart.firstQueryCpuMs[variant])]),
    ),
    '',
    `Library: x${coldStart.firstQueryRatioToNaive} the naive callback, x${coldStart.firstQueryRatioToStatic} a static password.`,
    '',
    '### Memory per target',
    '',
    `- Two batches of ${targets.extraTargets} extra targets (distinct database users, one AWS identity), after a first target: ` +
      `${targets.heapPerExtraTargetBytes} bytes of heap each in the second batch, ${targets.heapPerFirstBatchTargetBytes} in the first ` +
      `(which also pays one-offs: code V8 compiles for paths first run there, sockets for its concurrent fetches); ` +
      `the identity's provider function was called ${targets.identityResolutions} times for ${2 * targets.extraTargets + 1} targets.`,
  ];
}

function steadyRows(steady: SteadyResult): string[][] {
  const row = (login: string, latency: LatencySummary, connections: number, ratios: readonly [number, number], awsCalls: number, per1000: number) =>
    [login, connections, latency.p50, latency.p95, latency.p99, latency.max, ratios[0], ratios[1], awsCalls, per1000].map(String);
  const { latencyMs, connections, awsCalls, staticControl: control } = steady;
  return [
    row('static', latencyMs.static, connections.static, [1, 1], 0, 0),
    row('library', latencyMs.library, connections.library, [steady.p50RatioToStatic, steady.p99RatioToStatic], awsCalls.library, steady.awsCallsPer1000),
    row('naive', latencyMs.naive, connections.naive, [steady.naive.p50RatioToStatic, steady.naive.p99RatioToStatic], awsCalls.naive, steady.naive.awsCallsPer1000),
    row('static, A/A control', control.latencyMs, control.latencyMs.count, [control.p50RatioToStatic, control.p99RatioToStatic], 0, 0),
  ];
}

/** Writes `latest.json` and a timestamped copy; returns both paths. */
export async function writeResult(result: BenchResult, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const paths = [join(outDir, 'latest.json'), join(outDir, `${result.date.replace(/[:.]/g, '-')}.json`)];
  for (const path of paths) await writeFile(path, json);
  return paths;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(2)} MB`;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}
