import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** What one `npm run bench` measures, and how long for. */
export interface BenchOptions {
  /** Latency the emulator adds to every AWS call, in milliseconds. */
  readonly latencyMs: number;
  /** A small smoke run (seconds, not minutes). */
  readonly quick: boolean;
  /** Directory for `latest.json` and the timestamped copy. */
  readonly outDir: string;
  /** Client counts of the connection storms. */
  readonly stormSizes: readonly number[];
  /** Runs of each storm per variant (in rotating order); the median is reported. */
  readonly stormRepeats: number;
  /** Credential lifetime forced on the emulator during the steady-state run, in seconds. */
  readonly lifetimeSeconds: number;
  /** How many credential lifetimes the steady-state run spans. */
  readonly lifetimes: number;
  /** Length of the naive steady-state run, in seconds (its latency does not depend on lifetimes). */
  readonly naiveSeconds: number;
  /** Connections opened at once, continuously, during the steady-state run. */
  readonly concurrency: number;
  /** Time budget of each hot-path task, in milliseconds. */
  readonly hotPathMs: number;
  /** Refresh cycles between the two heap snapshots. */
  readonly refreshCycles: number;
}

const USAGE = `Usage: npm run bench -- [options]
  --latency-ms <ms>        latency added to every emulated AWS call (default 100)
  --quick                  small smoke run: storm of 20, 2 lifetimes of 2 s
  --out <dir>              where to write latest.json and a timestamped copy (default bench/results)
  --storm <n,n,...>        storm sizes (default 200,1000; quick 20)
  --repeats <n>            runs of each storm per variant, median reported (default 5; quick 1)
  --lifetime-seconds <s>   credential lifetime during the steady-state run (default 6; quick 2)
  --lifetimes <n>          lifetimes the steady-state run spans (default 10; quick 2)
  --naive-seconds <s>      length of the naive steady-state run (default 15; quick 2)
  --concurrency <n>        connections opened in parallel in the steady state (default 4)
  --refresh-cycles <n>     refresh cycles for the heap check (default 2000; quick 100)
  --help                   show this text`;

/** Parses the command line; prints usage and exits on `--help`. Throws on a bad value. */
export function parseBenchArgs(argv: readonly string[], defaultOutDir: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      'latency-ms': { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      storm: { type: 'string' },
      repeats: { type: 'string' },
      'lifetime-seconds': { type: 'string' },
      lifetimes: { type: 'string' },
      'naive-seconds': { type: 'string' },
      concurrency: { type: 'string' },
      'refresh-cycles': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const lifetimeSeconds = number(values['lifetime-seconds'], quick ? 2 : 6, 'lifetime-seconds', 2);
  // p99 of a few thousand connects moves by ±15 % between 15-second windows here; ten lifetimes of
  // interleaved connects are what it takes to compare p99 to within a few percent.
  const lifetimes = number(values.lifetimes, quick ? 2 : 10, 'lifetimes', 1);
  return {
    latencyMs: number(values['latency-ms'], 100, 'latency-ms', 0),
    quick,
    outDir: values.out ?? defaultOutDir,
    stormSizes: values.storm === undefined ? (quick ? [20] : [200, 1000]) : values.storm.split(',').map((size) => number(size, 0, 'storm', 1)),
    stormRepeats: number(values.repeats, quick ? 1 : 5, 'repeats', 1),
    lifetimeSeconds,
    lifetimes,
    naiveSeconds: number(values['naive-seconds'], quick ? 2 : 15, 'naive-seconds', 1),
    concurrency: number(values.concurrency, 4, 'concurrency', 1),
    hotPathMs: quick ? 200 : 1500,
    refreshCycles: number(values['refresh-cycles'], quick ? 100 : 2000, 'refresh-cycles', 10),
  };
}

/** The default results directory, next to this file. */
export const DEFAULT_OUT_DIR = join(__dirname, 'results');

function number(raw: string | undefined, fallback: number, name: string, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new RangeError(`--${name} must be a number >= ${min}, not ${JSON.stringify(raw)}.\n${USAGE}`);
  return value;
}
