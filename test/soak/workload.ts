import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { summarizeError, type Operation, type QueryFailure } from './failures';
import type { Prng } from './prng';

/** The table the workload writes to, so that the soak can check that no acknowledged row is lost. */
export const ROWS_TABLE = 'soak_rows';

/** What one worker wrote. */
export interface WorkerWrites {
  /** Sequence numbers 0..attempted-1 were sent. */
  attempted: number;
  /** Those whose INSERT failed: they may or may not have committed. */
  readonly inDoubt: number[];
}

/** Counters of a running workload; kept small so the heap stays flat however long it runs. */
export interface WorkloadCounters {
  readonly ok: Record<Operation, number>;
  failed: number;
  /** Per worker, for the loss check. */
  readonly writes: WorkerWrites[];
}

/** A running workload. */
export interface Workload {
  readonly counters: WorkloadCounters;
  /** Lets every worker finish its query, then resolves. */
  stop(): Promise<void>;
}

/** Settings of {@link startWorkload}. */
export interface WorkloadOptions {
  readonly pool: pg.Pool;
  readonly workers: number;
  readonly prng: Prng;
  readonly onSuccess: (startedAt: number, at: number) => void;
  /** Gets the error itself too, so that its texts can be scanned; keep only the summary. */
  readonly onFailure: (failure: QueryFailure, error: unknown) => void;
}

/**
 * Starts `workers` loops that each run one query at a time through the pool: mostly short
 * SELECTs, some INSERTs (numbered, for the loss check) and some slow queries (pg_sleep) that a
 * restart is likely to catch mid-flight. A failed worker pauses briefly, as an application would.
 */
export function startWorkload(options: WorkloadOptions): Workload {
  const counters: WorkloadCounters = {
    ok: { select: 0, insert: 0, sleep: 0 },
    failed: 0,
    writes: Array.from({ length: options.workers }, () => ({ attempted: 0, inDoubt: [] })),
  };
  let stopped = false;
  const loops = counters.writes.map(async (writes, worker) => {
    while (!stopped) {
      const roll = options.prng.next();
      const operation: Operation = roll < 0.7 ? 'select' : roll < 0.9 ? 'insert' : 'sleep';
      const startedAt = Date.now();
      const seq = operation === 'insert' ? writes.attempted++ : -1;
      try {
        await run(options.pool, operation, worker, seq, options.prng);
        counters.ok[operation]++;
        options.onSuccess(startedAt, Date.now());
        await sleep(options.prng.int(0, 20));
      } catch (error) {
        if (operation === 'insert') writes.inDoubt.push(seq);
        counters.failed++;
        options.onFailure({ operation, startedAt, at: Date.now(), error: summarizeError(error) }, error);
        await sleep(100);
      }
    }
  });
  return {
    counters,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function run(pool: pg.Pool, operation: Operation, worker: number, seq: number, prng: Prng): Promise<void> {
  switch (operation) {
    case 'select': {
      const value = prng.int(0, 1_000_000);
      const { rows } = await pool.query<{ n: number }>('SELECT $1::int + 1 AS n', [value]);
      if (rows[0]?.n !== value + 1) throw new Error(`wrong result: ${JSON.stringify(rows)} for ${value} + 1`);
      return;
    }
    case 'insert':
      await pool.query(`INSERT INTO ${ROWS_TABLE} (worker, seq) VALUES ($1, $2)`, [worker, seq]);
      return;
    case 'sleep':
      await pool.query('SELECT pg_sleep($1)', [prng.int(100, 400) / 1000]);
      return;
  }
}
