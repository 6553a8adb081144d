import { createRedshiftCredentials } from '../lib';
import { round } from './percentiles';
import type { BenchStand } from './stand';

/** Cost of obtaining a password once the cache is warm, against returning a constant. */
export interface HotPathResult {
  readonly nsPerOp: { readonly library: number; readonly static: number };
  /** Operations per sample: one timer read around many calls, so that the timer's own cost vanishes. */
  readonly batch: number;
  /** Relative margin of error (95 %) of each mean, in percent. */
  readonly rmePercent: { readonly library: number; readonly static: number };
}

const BATCH = 1000;

/** `engine.get()` on a warm cache vs an async function returning a static string, with tinybench. */
export async function runHotPath(stand: BenchStand, timeMs: number): Promise<HotPathResult> {
  const engine = createRedshiftCredentials({ ...stand.iam, host: stand.pg.host, database: stand.pg.database });
  try {
    await engine.get();
    const staticPassword = stand.staticLogin.password;
    const staticCallback = async () => staticPassword;
    // tinybench is ESM only; this file is CommonJS.
    const { Bench } = await import('tinybench');
    const bench = new Bench({ time: timeMs, warmupTime: Math.ceil(timeMs / 5), throws: true });
    bench.add('library', async () => {
      for (let i = 0; i < BATCH; i++) await engine.get();
    });
    bench.add('static', async () => {
      for (let i = 0; i < BATCH; i++) await staticCallback();
    });
    await bench.run();
    // A refresh during the measurement would make this something other than the hot path.
    if (engine.stats().fetches !== 1) throw new Error(`the hot path refreshed ${engine.stats().fetches - 1} times`);
    const library = statistics(bench.getTask('library')?.result, 'library');
    const baseline = statistics(bench.getTask('static')?.result, 'static');
    return {
      nsPerOp: { library: library.nsPerOp, static: baseline.nsPerOp },
      batch: BATCH,
      rmePercent: { library: library.rme, static: baseline.rme },
    };
  } finally {
    await engine.close();
  }
}

/** The parts of a tinybench task result used here. */
type TaskResult = { latency: { mean: number; moe: number } } | { state: string } | undefined;

function statistics(result: TaskResult, name: string): { nsPerOp: number; rme: number } {
  if (result === undefined || !('latency' in result)) throw new Error(`tinybench produced no result for ${name}`);
  const { mean, moe } = result.latency;
  return { nsPerOp: round((mean * 1e6) / BATCH, 1), rme: round((moe / mean) * 100, 2) };
}
