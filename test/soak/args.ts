import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { SoakOptions } from './soak';

/** What `npm run soak -- ...` accepts. */
export interface SoakCliOptions extends Omit<SoakOptions, 'log'> {
  /** Also write the full report as JSON to this file. */
  readonly json: string | undefined;
  readonly help: boolean;
}

/** `npm run soak -- --help`. */
export const USAGE = `Usage: npm run soak -- [options]

Runs a pool under query load for many credential lifetimes while faults are injected (AWS 503s,
500s, throttling, latency, an outage, answers that stall or trickle after their headers, revoked
passwords, terminated backends, real PostgreSQL restarts), then checks that no query failed without
cause, no connect or pool.end() hung, every fault healed, nothing was lost or left open and no secret
leaked. Exits 1 on any violation; the last line is a one-line summary.

  --seconds N        how long to inject faults (default 120; every fault kind runs at least once)
  --lifetime N       credential lifetime in seconds handed out by the emulator (default 3, at least 2)
  --workers N        concurrent query loops (default 4)
  --max N            pool size (default 3)
  --max-uses N       queries per connection before it is replaced (default 10)
  --idle-timeout N   idleTimeoutMillis of the pool (default 300)
  --fetch-timeout N  iam.fetchTimeoutSeconds: the deadline of one credentials fetch (default 5, at least 4);
                     connectionTimeoutMillis is twice that
  --seed N           seed of the fault schedule (default random; printed, so a run can be replayed)
  --json FILE        also write the full report as JSON
  --verbose          also print the library's NODE_DEBUG lines (always captured and scanned)
  --help`;

/** Parses the command line; throws a `TypeError` that says what is wrong. */
export function parseSoakArgs(argv: readonly string[]): SoakCliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      seconds: { type: 'string' },
      lifetime: { type: 'string' },
      workers: { type: 'string' },
      max: { type: 'string' },
      'max-uses': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'fetch-timeout': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  return {
    seconds: number(values.seconds, 'seconds', 120, 1),
    // The Date header has whole seconds, so a 1 s lifetime can look like none at all.
    lifetimeSeconds: number(values.lifetime, 'lifetime', 3, 2),
    workers: number(values.workers, 'workers', 4, 1),
    max: number(values.max, 'max', 3, 1),
    maxUses: number(values['max-uses'], 'max-uses', 10, 1),
    idleTimeoutMillis: number(values['idle-timeout'], 'idle-timeout', 300, 1),
    // A throttling burst's SDK back-off (up to 1 s + 2 s) and a latency spike (up to 3.5 s) must fit.
    fetchTimeoutSeconds: number(values['fetch-timeout'], 'fetch-timeout', 5, 4),
    seed: number(values.seed, 'seed', randomInt(2 ** 31), 0),
    json: values.json,
    verbose: values.verbose ?? false,
    help: values.help ?? false,
  };
}

function number(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min) throw new TypeError(`--${name} must be a whole number of at least ${min}, not ${JSON.stringify(value)}`);
  return parsed;
}
