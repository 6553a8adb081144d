import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import { within } from './limits';
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

/** How long `pool.connect()` took, succeeded or not. */
export interface ConnectTimes {
  count: number;
  failed: number;
  /** The slowest, in milliseconds. */
  maxMs: number;
  /** When the slowest one ended. */
  maxAt: number;
  /** How many took longer than the workload's `slowConnectMs`. */
  slow: number;
}

/** Counters of a running workload; kept small so the heap stays flat however long it runs. */
export interface WorkloadCounters {
  readonly ok: Record<Operation, number>;
  failed: number;
  /** Per worker, for the loss check. */
  readonly writes: WorkerWrites[];
  readonly connects: ConnectTimes;
}

/** A running workload. */
export interface Workload {
  readonly counters: WorkloadCounters;
  /**
   * Lets every worker finish its query; resolves the number of workers still busy after
   * `timeoutMs` (0 when all finished), so that a hung connect cannot hang the soak.
   */
  stop(timeoutMs: number): Promise<number>;
}

/** Settings of {@link startWorkload}. */
export interface WorkloadOptions {
  readonly pool: Pool;
  /** A `pool.connect()` slower than this is counted in {@link ConnectTimes.slow}. */
  readonly slowConnectMs: number;
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
    connects: { count: 0, failed: 0, maxMs: 0, maxAt: 0, slow: 0 },
  };
  const connect = async (): Promise<PoolClient> => {
    const started = Date.now();
    let ok = false;
    try {
      const client = await options.pool.connect();
      ok = true;
      return client;
    } finally {
      const at = Date.now();
      const { connects } = counters;
      connects.count++;
      if (!ok) connects.failed++;
      if (at - started > connects.maxMs) {
        connects.maxMs = at - started;
        connects.maxAt = at;
      }
      if (at - started > options.slowConnectMs) connects.slow++;
    }
  };
  let stopped = false;
  let busy = options.workers;
  const loops = counters.writes.map(async (writes, worker) => {
    while (!stopped) {
      const roll = options.prng.next();
      const operation: Operation = roll < 0.7 ? 'select' : roll < 0.9 ? 'insert' : 'sleep';
      const startedAt = Date.now();
      const seq = operation === 'insert' ? writes.attempted++ : -1;
      try {
        await run(connect, operation, worker, seq, options.prng);
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
    busy--;
  });
  return {
    counters,
    stop: async (timeoutMs) => {
      stopped = true;
      await within(Promise.all(loops), timeoutMs);
      return busy;
    },
  };
}

// What pool.query() does, with the connect timed on its own: a connect's duration is what the
// library bounds (connectionTimeoutMillis), a query's is not.
async function run(connect: () => Promise<PoolClient>, operation: Operation, worker: number, seq: number, prng: Prng): Promise<void> {
  const client = await connect();
  // As pool.query() does: a backend that goes away between queries emits 'error' on the checked-out
  // client, and without a listener that would crash the process; the query reports it too.
  let broken: Error | undefined;
  const onError = (error: Error) => (broken ??= error);
  client.on('error', onError);
  try {
    await query(client, operation, worker, seq, prng);
    if (broken) throw broken;
    client.release();
  } catch (error) {
    // As pool.query() does: a client whose query failed is not reused.
    client.release(error as Error);
    throw error;
  } finally {
    client.off('error', onError);
  }
}

async function query(client: PoolClient, operation: Operation, worker: number, seq: number, prng: Prng): Promise<void> {
  switch (operation) {
    case 'select': {
      const value = prng.int(0, 1_000_000);
      const { rows } = await client.query<{ n: number }>('SELECT $1::int + 1 AS n', [value]);
      if (rows[0]?.n !== value + 1) throw new Error(`wrong result: ${JSON.stringify(rows)} for ${value} + 1`);
      return;
    }
    case 'insert':
      await client.query(`INSERT INTO ${ROWS_TABLE} (worker, seq) VALUES ($1, $2)`, [worker, seq]);
      return;
    case 'sleep':
      await client.query('SELECT pg_sleep($1)', [prng.int(100, 400) / 1000]);
      return;
  }
}
