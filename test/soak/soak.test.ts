import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTypeScript, type ChildRun } from '../setup/run-child';
import { FAULT_KINDS, STALL_KINDS } from './chaos';

// The short soak: `npm run soak` itself, in a child process (NODE_DEBUG must be set at startup for
// the leak scan to see the library's debug lines), with its own PostgreSQL server. Every fault kind
// runs once (a stalled and a trickled AWS answer, a real server restart among them); a failed run
// prints its report and the seed to replay it: npm run soak -- --seed N.
const SEED = process.env.SOAK_SEED ?? '1';
const CHILD_DEADLINE_MS = 280_000;

interface JsonReport {
  passed: boolean;
  violations: string[];
  events: { kind: string; recoveryMs: number | null; settledMs: number | null }[];
  queries: { ok: { select: number; insert: number; sleep: number }; failed: number };
  failures: { category: string }[];
  logins: { attempted: number; succeeded: number };
  credentials: { refreshes: number };
  aws: { calls: number; rejectedByOutage: number; stalled: number };
  connects: { count: number; maxMs: number; slow: number; limitMs: number };
  stuckWorkers: number;
  uncaught: string[];
  poolEndMs: number | null;
  writes: { acknowledged: number; lost: string[] };
  quiet: { ok: number; failed: number };
  resources: { extra: Record<string, number>; sharedCachesLeft: number };
  leaks: { secretsChecked: number; texts: number; debugLines: number; findings: unknown[] };
}

function runSoak(args: string[]): Promise<ChildRun> {
  return runTypeScript(join(__dirname, 'run.ts'), args, {
    env: { ...process.env, NODE_DEBUG: 'pg-redshift-iam', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // About a minute when every fault heals; a library that wedges makes every later fault wait out
    // its limits, which takes minutes: the child is killed before jest gives up on beforeAll.
    timeoutMs: CHILD_DEADLINE_MS,
  });
}

describe('short chaos soak (npm run soak -- --seconds 5 --lifetime 2)', () => {
  let dir: string;
  let run: ChildRun;
  let report: JsonReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'soak-'));
    const json = join(dir, 'report.json');
    run = await runSoak(['--seconds', '5', '--lifetime', '2', '--fetch-timeout', '5', '--seed', SEED, '--json', json]);
    try {
      report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
    } catch {
      throw new Error(`the soak wrote no report (exit code ${run.code}):\n${run.stdout}\n${run.stderr}`);
    }
  }, CHILD_DEADLINE_MS + 20_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every expectation and says so in its last line', () => {
    expect(report.violations).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^SOAK PASSED: seed \d+, /);
  });

  it('injected every kind of fault, and queries succeeded after each with no credentials fetch left hanging', () => {
    expect(new Set(report.events.map((event) => event.kind))).toEqual(new Set(FAULT_KINDS));
    for (const event of report.events) {
      expect(event.recoveryMs).toEqual(expect.any(Number));
      expect(event.settledMs).toEqual(expect.any(Number));
    }
  });

  it('stalled AWS answers after their headers, and the target healed once AWS answered again', () => {
    expect(report.aws.stalled).toBeGreaterThanOrEqual(STALL_KINDS.length);
    expect(report.events.filter((event) => (STALL_KINDS as readonly string[]).includes(event.kind)).length).toBeGreaterThanOrEqual(STALL_KINDS.length);
    expect(report.quiet.failed).toBe(0);
  });

  it('never let a connect outlast connectionTimeoutMillis (plus slack), let nothing go uncaught, and pool.end() returned', () => {
    expect(report.connects.count).toBeGreaterThan(0);
    expect(report.connects.slow).toBe(0);
    expect(report.connects.maxMs).toBeLessThanOrEqual(report.connects.limitMs);
    expect(report.stuckWorkers).toBe(0);
    expect(report.uncaught).toEqual([]);
    expect(report.poolEndMs).toEqual(expect.any(Number));
  });

  it('kept logging in anew across several credential lifetimes', () => {
    expect(report.credentials.refreshes).toBeGreaterThanOrEqual(5);
    expect(report.logins.succeeded).toBeGreaterThan(report.credentials.refreshes);
    expect(report.queries.ok.select + report.queries.ok.insert + report.queries.ok.sleep).toBeGreaterThan(100);
    expect(report.aws.rejectedByOutage).toBeGreaterThan(0);
  });

  it('failed queries only on ended backends, during the restart, or in AWS outages and stalls, and none after the chaos', () => {
    expect(report.failures.filter((failure) => failure.category === 'unexpected')).toEqual([]);
    expect(report.failures.length).toBe(report.queries.failed);
    expect(report.quiet.failed).toBe(0);
    expect(report.quiet.ok).toBeGreaterThan(0);
  });

  it('lost no acknowledged row, across a real server restart too', () => {
    expect(report.writes.acknowledged).toBeGreaterThan(0);
    expect(report.writes.lost).toEqual([]);
  });

  it('left no handle or cache behind and leaked no password', () => {
    expect(report.resources.extra).toEqual({});
    expect(report.resources.sharedCachesLeft).toBe(0);
    expect(report.leaks.secretsChecked).toBeGreaterThanOrEqual(2);
    expect(report.leaks.debugLines).toBeGreaterThan(0);
    expect(report.leaks.findings).toEqual([]);
  });
});
