import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FleetSettings } from './fleet';

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
  /** The fleet, throttled-fleet and sparse-traffic runs. */
  readonly fleet: FleetSettings;
  /** Child processes per variant of the cold-start measurements. */
  readonly coldStartRepeats: number;
  /** Distinct targets beyond the first in the memory-per-target measurement. */
  readonly extraTargets: number;
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
  --fleet <n,n,...>        fleet sizes, independent caches (default 50,200,500; quick 10);
                           the largest also runs throttled
  --fleet-processes <n>    child processes a fleet is spread over (default 10; quick 2)
  --fleet-lifetime-seconds <s>  credential lifetime in the fleet runs (default 40; quick 2)
  --fleet-lifetimes <n>    length of each fleet run in lifetimes (default 3; quick 2)
  --cold-start-repeats <n> child processes per variant for the cold start (default 6; quick 1)
  --extra-targets <n>      targets in each of the two batches of the memory-per-target check (default 100; quick 10)
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
      fleet: { type: 'string' },
      'fleet-processes': { type: 'string' },
      'fleet-lifetime-seconds': { type: 'string' },
      'fleet-lifetimes': { type: 'string' },
      'cold-start-repeats': { type: 'string' },
      'extra-targets': { type: 'string' },
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
    fleet: fleetSettings(values, quick),
    coldStartRepeats: number(values['cold-start-repeats'], quick ? 1 : 6, 'cold-start-repeats', 1),
    extraTargets: number(values['extra-targets'], quick ? 10 : 100, 'extra-targets', 1),
  };
}

function fleetSettings(values: Record<string, string | boolean | undefined>, quick: boolean): FleetSettings {
  const raw = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const sizesRaw = raw('fleet');
  const sizes = sizesRaw === undefined ? (quick ? [10] : [50, 200, 500]) : sizesRaw.split(',').map((size) => number(size, 0, 'fleet', 1));
  // 40 s, so that the refresh window (10 s) spreads calls over several of the 1-s bins in which the
  // peak is counted: with 8 s (a 2 s window) even a herd stays below 2 x N / W, and the goal says nothing.
  const lifetimeSeconds = number(raw('fleet-lifetime-seconds'), quick ? 2 : 40, 'fleet-lifetime-seconds', 2);
  // The default window for a short lifetime: a quarter of it. Time-scaled from Redshift's 900 s and
  // 60 s, connects every lifetime/8 stand for a busy process (one every ~2 minutes at least), and a
  // connect deadline of half a lifetime for a generous connectionTimeoutMillis: the emulator's
  // 100 ms latency does not scale down with the lifetimes.
  return {
    sizes,
    processes: number(raw('fleet-processes'), quick ? 2 : 10, 'fleet-processes', 1),
    baselineCaches: quick ? 2 : 10,
    lifetimeSeconds,
    windowSeconds: lifetimeSeconds / 4,
    lifetimes: number(raw('fleet-lifetimes'), quick ? 2 : 3, 'fleet-lifetimes', 2),
    connectIntervalSeconds: lifetimeSeconds / 8,
    connectTimeoutSeconds: lifetimeSeconds / 2,
    throttledSize: Math.max(...sizes),
    sparsePools: quick ? 3 : 10,
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
