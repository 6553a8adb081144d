import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Active handles and requests by type, as `process.getActiveResourcesInfo()` lists them. */
export type ResourceCounts = Readonly<Record<string, number>>;

/** The process's active resources by type. */
export function activeResources(): ResourceCounts {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Resources in `after` beyond those in `before`, by type; empty when nothing leaked. */
export function extraResources(before: ResourceCounts, after: ResourceCounts): ResourceCounts {
  const extra: Record<string, number> = {};
  for (const [type, count] of Object.entries(after)) {
    const more = count - (before[type] ?? 0);
    if (more > 0) extra[type] = more;
  }
  return extra;
}

/**
 * Waits (up to `timeoutMs`) until no resource beyond `before` is left: sockets and child processes
 * close a few ticks after the calls that end them resolve. Returns what is still extra.
 */
export async function settleResources(before: ResourceCounts, timeoutMs = 5_000): Promise<ResourceCounts> {
  const deadline = Date.now() + timeoutMs;
  let extra = extraResources(before, activeResources());
  while (Object.keys(extra).length > 0 && Date.now() < deadline) {
    await sleep(50);
    extra = extraResources(before, activeResources());
  }
  return extra;
}

let collect: (() => void) | undefined;

/** Used heap bytes after a full garbage collection (exposes `gc` on first use, no flag needed). */
export function heapAfterGc(): number {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}
