import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchResult } from '../../bench/result';
import { testPostgres } from '../setup/test-postgres';

const root = join(__dirname, '..', '..');

describe('npm run bench -- --quick', () => {
  let outDir: string;
  let stdout: string;
  let result: BenchResult;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    const server = testPostgres();
    // The run's PostgreSQL server (startTestPostgres honours TEST_PG_URL) saves starting another.
    const url = `postgres://${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}@${server.host}:${server.port}/${server.database}`;
    try {
      ({ stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', outDir], {
        cwd: root,
        env: { ...process.env, TEST_PG_URL: url },
        timeout: 170_000,
      }));
    } catch (error) {
      const { stderr } = error as { stderr?: string };
      throw new Error(`the bench failed: ${String(error)}\n${stderr?.slice(-3000) ?? ''}`);
    }
    result = JSON.parse(await readFile(join(outDir, 'latest.json'), 'utf8')) as BenchResult;
  }, 180_000);

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes latest.json and a timestamped copy, and prints the tables', async () => {
    const files = await readdir(outDir);
    expect(files).toContain('latest.json');
    expect(files.filter((file) => /^\d{4}-\d\d-\d\dT[\d-]+Z\.json$/.test(file))).toHaveLength(1);
    expect(stdout).toContain('### Connection storm');
    expect(stdout).toContain('### Steady state');
    expect(result.settings.quick).toBe(true);
  });

  it('makes one AWS call per storm for the library and one per connection for the naive callback', () => {
    expect(result.storm).toHaveLength(1);
    const [storm] = result.storm;
    expect(storm?.clients).toBe(20);
    expect(storm?.awsCalls).toEqual({ static: 0, library: 1, naive: 20 });
    expect(storm?.failures).toEqual({ static: 0, library: 0, naive: 0 });
    for (const variant of ['static', 'library', 'naive'] as const) expect(storm?.msToAllConnected[variant]).toBeGreaterThan(0);
  });

  it('makes one AWS call per credential generation in the steady state, and one per connection for naive', () => {
    const { steady } = result;
    expect(steady.lifetimes).toBe(2);
    expect(steady.lifetimeSeconds).toBe(2);
    expect(steady.failures).toEqual({ static: 0, library: 0, naive: 0 });
    expect(steady.awsCalls.static).toBe(0);
    // The cold start plus at least one background refresh per lifetime boundary crossed.
    expect(steady.refreshes.background).toBeGreaterThanOrEqual(1);
    expect(steady.awsCalls.library).toBe(steady.refreshes.background + steady.refreshes.waited);
    expect(steady.awsCalls.naive).toBe(steady.connections.naive);
    expect(steady.naive.awsCallsPer1000).toBe(1000);
    expect(steady.coldStartWaits).toBe(1);
    for (const value of [steady.p50RatioToStatic, steady.p99RatioToStatic, steady.awsCallsPer1000, steady.connectionsWaitedOnAws]) {
      expect(Number.isFinite(value)).toBe(true);
    }
  });

  it('reports the hot path, the heap and the install footprint', () => {
    expect(result.hotPath.nsPerOp.library).toBeGreaterThan(0);
    expect(result.hotPath.nsPerOp.static).toBeGreaterThan(0);
    expect(Number.isFinite(result.heapGrowthBytes)).toBe(true);
    expect(result.heap.heapSamplesBytes).toHaveLength(5);
    expect(result.install.directDependencies).toContain('@aws-sdk/client-redshift');
    expect(result.install.dependencyCount).toBeGreaterThanOrEqual(result.install.directDependencies.length);
  });

  it('runs the fleet, the throttled fleet and sparse traffic, counting every AWS call at the proxy', () => {
    const { fleet } = result;
    expect(fleet.fleets.map((run) => run.caches)).toEqual([10]);
    for (const run of [fleet.baseline, ...fleet.fleets, fleet.throttled]) {
      // Every cache fetched at least once (the proxy saw it), and each connect is counted.
      expect(run.awsCalls).toBeGreaterThanOrEqual(run.caches);
      expect(run.awsCalls).toBeGreaterThanOrEqual(run.coldStartCalls);
      expect(run.connects).toBeGreaterThan(run.caches);
      expect(run.peakCallsPerSecondByRound.length).toBeGreaterThanOrEqual(1);
      expect(run.peakTarget).toBe((2 * run.caches) / fleet.settings.windowSeconds);
      expect(Number.isFinite(run.callsPerCachePerLifetime)).toBe(true);
    }
    expect(fleet.fleets[0]?.throttle).toBeUndefined();
    // Half of demand: N calls per window W, halved.
    expect(fleet.throttled.throttle?.ratePerSecond).toBe(fleet.throttled.caches / fleet.settings.windowSeconds / 2);
    expect(fleet.throttled.throttledCalls).toBeLessThanOrEqual(fleet.throttled.awsCalls);
    expect(fleet.sparse.variants.map((variant) => variant.keepWarm ?? 'default')).toEqual(['default', false]);
    for (const variant of fleet.sparse.variants) {
      expect(variant.connects).toBeGreaterThan(variant.pools);
      expect(variant.failedConnects).toBe(0);
    }
  });

  it('measures the cold start and the memory per target in child processes', () => {
    const { coldStart, targets } = result;
    expect(coldStart.requireCpuMs.pg).toBeGreaterThan(0);
    expect(coldStart.requireCpuMs.package).toBeGreaterThan(0);
    expect(coldStart.requireCpuRatio).toBeCloseTo(coldStart.requireCpuMs.package / coldStart.requireCpuMs.pg, 2);
    for (const variant of ['static', 'naive', 'library'] as const) expect(coldStart.firstQueryMs[variant]).toBeGreaterThan(0);
    expect(targets.extraTargets).toBe(10);
    expect(targets.identityResolutions).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(targets.heapPerExtraTargetBytes)).toBe(true);
    expect(Number.isFinite(targets.heapPerFirstBatchTargetBytes)).toBe(true);
  });

  it('judges every target and says by how much a missed one is missed', () => {
    expect(result.goals).toHaveLength(14);
    for (const goal of result.goals) {
      expect(typeof goal.met).toBe('boolean');
      if (!goal.met) expect(goal.missedBy).toMatch(/\d/);
    }
    expect(stdout).toContain('### Fleet');
    expect(stdout).toContain('### Sparse traffic');
    expect(stdout).toContain('### Cold start');
    expect(stdout).toContain('### Memory per target');
    expect(Object.keys(result.sectionSeconds)).toEqual(['storm', 'steady', 'hotPath', 'heap', 'install', 'fleet', 'coldStart', 'targets']);
  });

  it('never writes a password', async () => {
    const json = await readFile(join(outDir, 'latest.json'), 'utf8');
    expect(json).not.toMatch(/AMA[A-Za-z0-9+/]{40,}/);
    expect(stdout).not.toMatch(/AMA[A-Za-z0-9+/]{40,}/);
  });
});
