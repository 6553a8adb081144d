import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function runFixture(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/pool-lifecycle.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A process that does not exit by itself after pool.end() has a leaked timer or socket.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('no leaks', () => {
  it('a pool used through fetches, refreshes, a rejected login and a failure leaks no password, logs its work, and lets the process exit by itself', async () => {
    const { code, stdout, stderr } = await runFixture({ ...process.env, NODE_DEBUG: 'pg-redshift-iam', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    expect({ code, stderrTail: code === 0 ? '' : stderr.slice(-2000) }).toEqual({ code: 0, stderrTail: '' });
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(report).toMatchObject({ leaks: 0, sawFetch: true, sawHit: true, sawRetry: true, sawFailure: true });
    expect(report.passwordsIssued).toBeGreaterThanOrEqual(2);
    expect(report.debugLines).toBeGreaterThan(5);
  });
});
