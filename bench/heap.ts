import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createRedshiftCredentials } from '../lib';
import type { BenchStand } from './stand';

/** Heap before and after many refresh cycles, each measured after full garbage collections. */
export interface HeapResult {
  readonly refreshCycles: number;
  /** Cycles run before the first snapshot, so that JIT and lazily built SDK state settle. */
  readonly warmUpCycles: number;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  readonly heapGrowthBytes: number;
  /** Heap after GC at evenly spaced points of the measured cycles, first and last included. */
  readonly heapSamplesBytes: readonly number[];
  /** Least-squares slope of those samples: what a leak would show, unlike the noise of two points. */
  readonly slopeBytesPerCycle: number;
}

const CHECKPOINTS = 5;

/**
 * Each cycle: a refresh (a real AWS call to the emulator), ten cache hits, and a second engine that
 * leases and releases the shared cache. The emulator's latency is set to 0 meanwhile so that the
 * cycles are many; it runs in another process, so its call log does not count here.
 */
export async function measureHeap(stand: BenchStand, cycles: number, latencyMs: number): Promise<HeapResult> {
  const gc = exposeGc();
  const options = { ...stand.iam, host: stand.pg.host, database: stand.pg.database };
  const engine = createRedshiftCredentials(options);
  const cycle = async () => {
    await engine.refresh();
    for (let i = 0; i < 10; i++) await engine.get();
    const other = createRedshiftCredentials(options);
    await other.get();
    await other.close();
  };
  await stand.emulator.setLatency(0);
  try {
    const warmUpCycles = Math.max(20, Math.round(cycles / 2));
    for (let i = 0; i < warmUpCycles; i++) await cycle();
    const samples = [{ cycle: 0, bytes: await settledHeap(gc) }];
    let done = 0;
    for (let checkpoint = 1; checkpoint < CHECKPOINTS; checkpoint++) {
      const target = Math.round((cycles * checkpoint) / (CHECKPOINTS - 1));
      for (; done < target; done++) await cycle();
      samples.push({ cycle: done, bytes: await settledHeap(gc) });
    }
    const heapBeforeBytes = samples[0]?.bytes ?? NaN;
    const heapAfterBytes = samples[samples.length - 1]?.bytes ?? NaN;
    return {
      refreshCycles: cycles,
      warmUpCycles,
      heapBeforeBytes,
      heapAfterBytes,
      heapGrowthBytes: heapAfterBytes - heapBeforeBytes,
      heapSamplesBytes: samples.map((sample) => sample.bytes),
      slopeBytesPerCycle: Math.round(slope(samples.map((sample) => [sample.cycle, sample.bytes] as const)) * 10) / 10,
    };
  } finally {
    await engine.close();
    await stand.emulator.setLatency(latencyMs);
    await stand.emulator.clearCalls();
  }
}

function slope(points: readonly (readonly [number, number])[]): number {
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return variance === 0 ? 0 : covariance / variance;
}

/** `global.gc`, switched on at run time when node was not started with `--expose-gc`. */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function settledHeap(gc: () => void): Promise<number> {
  // Several rounds: finalizers and weak references free more on the next collection.
  for (let round = 0; round < 4; round++) {
    gc();
    await nextTurn();
  }
  return getHeapStatistics().used_heap_size;
}
