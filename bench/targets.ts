import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchStand } from './stand';

/** What each additional distinct target (here: database user) costs one process. */
export interface TargetsResult {
  /** Targets in each measured batch beyond the first, each with its own `dbUser`, all with one AWS identity. */
  readonly extraTargets: number;
  /**
   * Heap after GC per extra target, each having fetched its credentials once, in bytes: the growth
   * over a second batch of `extraTargets`, what each target adds once the process has run a few.
   */
  readonly heapPerExtraTargetBytes: number;
  /**
   * The same over the first batch after the first target, which also pays one-offs: V8 compiling
   * the paths a first batch runs, and the HTTP agent's sockets for its concurrent fetches.
   */
  readonly heapPerFirstBatchTargetBytes: number;
  /** Calls of the one `credentials` provider function shared by all targets. */
  readonly identityResolutions: number;
  /** Distinct AWS identities used (1). */
  readonly identities: number;
}

const run = promisify(execFile);

// Plain JavaScript in a fresh process with --expose-gc: nothing else on its heap.
const SCRIPT = `
const config = JSON.parse(process.env.BENCH_TARGETS);
const { createRedshiftCredentials } = require(config.lib);
const { getHeapStatistics } = require('node:v8');
let resolutions = 0;
// One AWS identity, resolved through a provider function that counts its calls.
const credentials = async () => {
  resolutions++;
  return { accessKeyId: config.identity.accessKeyId, secretAccessKey: config.identity.secretAccessKey };
};
const target = (index) => createRedshiftCredentials({ ...config.target, dbUser: 'benchtarget' + index, credentials });
async function settledHeap() {
  for (let round = 0; round < 4; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return getHeapStatistics().used_heap_size;
}
(async () => {
  const engines = [target(0)];
  // The first target loads the modules and builds what every later one could share.
  await engines[0].get();
  const batch = async () => {
    const added = [];
    for (let index = 0; index < config.extraTargets; index++) added.push(target(engines.length + index));
    engines.push(...added);
    await Promise.all(added.map((engine) => engine.get()));
  };
  const start = await settledHeap();
  await batch();
  const afterFirst = await settledHeap();
  await batch();
  const afterSecond = await settledHeap();
  await Promise.all(engines.map((engine) => engine.close()));
  process.stdout.write(JSON.stringify({
    heapPerExtraTargetBytes: Math.round((afterSecond - afterFirst) / config.extraTargets),
    heapPerFirstBatchTargetBytes: Math.round((afterFirst - start) / config.extraTargets),
    identityResolutions: resolutions,
  }));
})().catch((error) => {
  console.error(String(error && error.message));
  process.exitCode = 1;
});
`;

/**
 * In a fresh process: one target, then two batches of `extraTargets` more (distinct database users,
 * one AWS identity given as a counting provider function), each fetching its credentials once.
 * Heap after GC per target of each batch, and how often the identity was resolved.
 */
export async function measureTargets(stand: BenchStand, libPath: string, extraTargets: number): Promise<TargetsResult> {
  const config = {
    lib: libPath,
    extraTargets,
    identity: { accessKeyId: stand.emulator.identity.accessKeyId, secretAccessKey: stand.emulator.identity.secretAccessKey },
    target: {
      clusterIdentifier: stand.iam.clusterIdentifier,
      database: stand.pg.database,
      autoCreate: true,
      region: stand.sdkConfig.region,
      endpoint: stand.sdkConfig.endpoint,
    },
  };
  const { stdout } = await run(process.execPath, ['--expose-gc', '-e', SCRIPT], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', BENCH_TARGETS: JSON.stringify(config) },
    timeout: 120_000,
  });
  const measured = JSON.parse(stdout) as { heapPerExtraTargetBytes: number; heapPerFirstBatchTargetBytes: number; identityResolutions: number };
  await stand.emulator.clearCalls();
  return { extraTargets, ...measured, identities: 1 };
}
