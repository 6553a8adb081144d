import type { WorkerWrites } from './workload';

/** Whether every acknowledged INSERT is in the table. */
export interface LossReport {
  /** INSERTs that resolved. */
  readonly acknowledged: number;
  /** INSERTs that failed (e.g. on a terminated backend); they may or may not have committed. */
  readonly inDoubt: number;
  /** Of those in doubt, how many did commit. */
  readonly inDoubtCommitted: number;
  /** Acknowledged rows missing from the table: must be none. */
  readonly lost: readonly string[];
  /** Rows nobody sent: must be none. */
  readonly unexpected: readonly string[];
}

/** Compares what the workers were told with what the table holds. */
export function checkWrites(writes: readonly WorkerWrites[], rows: ReadonlyMap<number, ReadonlySet<number>>): LossReport {
  let acknowledged = 0;
  let inDoubt = 0;
  let inDoubtCommitted = 0;
  const lost: string[] = [];
  const unexpected: string[] = [];
  writes.forEach((worker, index) => {
    const present = rows.get(index) ?? new Set<number>();
    const doubtful = new Set(worker.inDoubt);
    for (let seq = 0; seq < worker.attempted; seq++) {
      if (doubtful.has(seq)) {
        inDoubt++;
        if (present.has(seq)) inDoubtCommitted++;
      } else {
        acknowledged++;
        if (!present.has(seq)) lost.push(`worker ${index} row ${seq}`);
      }
    }
    for (const seq of present) if (seq >= worker.attempted) unexpected.push(`worker ${index} row ${seq}`);
  });
  for (const worker of rows.keys()) if (worker >= writes.length) unexpected.push(`rows of unknown worker ${worker}`);
  return { acknowledged, inDoubt, inDoubtCommitted, lost, unexpected };
}
