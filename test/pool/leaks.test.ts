import { readFileSync } from 'node:fs';
import { runTypeScript } from '../setup/run-child';

// The pg the child must load: a pg-version run (test/pg/pg-version.config.js) names its copy.
const expectedPg = process.env.PG_REDSHIFT_IAM_PG_VERSION ?? (JSON.parse(readFileSync('node_modules/pg/package.json', 'utf8')) as { version: string }).version;

describe('no leaks', () => {
  it('a pool used through fetches, refreshes, a rejected login and a failure leaks no password, logs its work, and lets the process exit by itself', async () => {
    // A process that does not exit by itself after pool.end() has a leaked timer or socket.
    const { code, stdout, stderr } = await runTypeScript('test/fixtures/pool-lifecycle.ts', [], {
      env: { ...process.env, NODE_DEBUG: 'pg-redshift-iam', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeoutMs: 30_000,
    });
    expect({ code, stderrTail: code === 0 ? '' : stderr.slice(-2000) }).toEqual({ code: 0, stderrTail: '' });
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(report).toMatchObject({ pgVersion: expectedPg, leaks: 0, sawFetch: true, sawHit: true, sawRetry: true, sawFailure: true });
    expect(report.passwordsIssued).toBeGreaterThanOrEqual(2);
    expect(report.debugLines).toBeGreaterThan(5);
  });
});
