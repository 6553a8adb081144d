import { parseArgs } from 'node:util';

/** What the demo was asked to do. */
export interface DemoOptions {
  /** How long the pool runs queries, in seconds. */
  readonly seconds: number;
  /** Lifetime of each temporary password the emulator hands out, in seconds. */
  readonly expirySeconds: number;
  /** Concurrent query loops (and the pool's `max`). */
  readonly workers: number;
  /** Print the usage and exit. */
  readonly help: boolean;
}

/** The usage text for `--help` and for bad arguments. */
export const USAGE = `Usage: npm run demo -- [--seconds N] [--expiry N] [--workers N]

Runs a pg pool that logs in to a local Redshift stand-in (embedded PostgreSQL plus the
Redshift API emulator) with short-lived IAM credentials, and shows the refreshes live.

  --seconds N   how long to run queries (default 20)
  --expiry N    lifetime of each temporary password in seconds (default 6; AWS: 900..3600)
  --workers N   concurrent query loops and pool size (default 4)
  --help        show this text`;

/** Parses the command line; throws a `TypeError` with a readable message on bad input. */
export function parseDemoOptions(args: readonly string[]): DemoOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seconds: { type: 'string', default: '20' },
      expiry: { type: 'string', default: '6' },
      workers: { type: 'string', default: '4' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    seconds: positiveNumber('--seconds', values.seconds, 0.1),
    // Below 2 s the refresh window would be shorter than the gap between new connections.
    expirySeconds: positiveNumber('--expiry', values.expiry, 2),
    workers: Math.round(positiveNumber('--workers', values.workers, 1)),
    help: values.help,
  };
}

function positiveNumber(flag: string, raw: string, minimum: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < minimum) {
    throw new TypeError(`${flag} must be a number of at least ${minimum}, not "${raw}".`);
  }
  return value;
}
