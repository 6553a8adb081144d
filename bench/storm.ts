import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { describeError } from './describe-error';
import { ratio, round } from './percentiles';
import type { BenchStand } from './stand';
import { createVariantPool, VARIANTS, type Variant } from './variants';

/** One storm size: `clients` connections requested at the same instant on a cold cache. */
export interface StormResult {
  readonly clients: number;
  /** AWS calls the emulator received during a storm (the most of any run). */
  readonly awsCalls: Record<Variant, number>;
  /** From the first `connect()` until the last one resolved: the median of the runs. */
  readonly msToAllConnected: Record<Variant, number>;
  /** Every run, in the order they ran. */
  readonly runsMs: Record<Variant, readonly number[]>;
  /** `msToAllConnected` relative to the static password. */
  readonly ratioToStatic: { readonly library: number; readonly naive: number };
  /** Connections that failed, over all runs (0 expected). */
  readonly failures: Record<Variant, number>;
  /** The first failure of each variant, if any (never contains a password). */
  readonly firstError: Partial<Record<Variant, string>>;
}

interface StormRun {
  readonly ms: number;
  readonly awsCalls: number;
  readonly failures: number;
  readonly firstError: string | undefined;
}

/**
 * Runs the storm `repeats` times for every variant, each on a fresh pool (a cold cache for the
 * library) and a quiet server; the order of the variants rotates so that none always goes first.
 */
export async function runStorm(stand: BenchStand, clients: number, repeats: number, log: (line: string) => void): Promise<StormResult> {
  const runs: Record<Variant, StormRun[]> = { static: [], library: [], naive: [] };
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const variant of rotate(VARIANTS, repeat)) {
      const run = await stormOnce(stand, variant, clients);
      runs[variant].push(run);
      log(`storm ${clients} ${variant}: ${round(run.ms, 1)} ms, ${run.awsCalls} AWS calls, ${run.failures} failed`);
    }
  }
  const perVariant = <T>(pick: (runs: readonly StormRun[]) => T) =>
    Object.fromEntries(VARIANTS.map((variant) => [variant, pick(runs[variant])])) as Record<Variant, T>;
  const msToAllConnected = perVariant((variantRuns) => round(median(variantRuns.map((run) => run.ms)), 1));
  const firstErrors = perVariant((variantRuns) => variantRuns.find((run) => run.firstError !== undefined)?.firstError);
  return {
    clients,
    awsCalls: perVariant((variantRuns) => Math.max(...variantRuns.map((run) => run.awsCalls))),
    msToAllConnected,
    runsMs: perVariant((variantRuns) => variantRuns.map((run) => round(run.ms, 1))),
    ratioToStatic: {
      library: ratio(msToAllConnected.library, msToAllConnected.static),
      naive: ratio(msToAllConnected.naive, msToAllConnected.static),
    },
    failures: perVariant((variantRuns) => variantRuns.reduce((sum, run) => sum + run.failures, 0)),
    firstError: Object.fromEntries(Object.entries(firstErrors).filter(([, error]) => error !== undefined)),
  };
}

/**
 * A static storm whose result is thrown away: the first storm on a new server pays for memory the
 * server touches for the first time, which would otherwise count against whichever variant ran first.
 */
export async function warmUpStorm(stand: BenchStand, clients: number): Promise<void> {
  await stormOnce(stand, 'static', clients);
}

async function stormOnce(stand: BenchStand, variant: Variant, clients: number): Promise<StormRun> {
  await stand.primeRoles();
  // max = clients: every request opens its own physical connection at once.
  const { pool, close } = createVariantPool(variant, stand, { max: clients });
  let outcome: Omit<StormRun, 'awsCalls'>;
  try {
    const started = performance.now();
    const settled = await Promise.allSettled(Array.from({ length: clients }, () => pool.connect()));
    const ms = performance.now() - started;
    const connected = settled.filter((result): result is PromiseFulfilledResult<pg.PoolClient> => result.status === 'fulfilled');
    for (const { value } of connected) value.release();
    const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    outcome = { ms, failures: clients - connected.length, firstError: rejected === undefined ? undefined : describeError(rejected.reason) };
  } finally {
    await close();
  }
  const awsCalls = (await stand.emulator.calls()).length;
  await stand.waitForQuiet();
  return { ...outcome, awsCalls };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

export { describeError };
