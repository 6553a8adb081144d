import { join } from 'node:path';
import { runTypeScript } from '../setup/run-child';

describe('a fetch abandoned during the SDK\'s retry delay', () => {
  it('leaves no timer or socket behind, so the process exits at once', async () => {
    const run = await runTypeScript(join(__dirname, 'fixtures', 'abandon-fetch.ts'), [], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeoutMs: 60_000,
    });
    expect(run.stderr).toBe('');
    const [outcome, resources] = run.stdout.trim().split('\n');
    expect(outcome).toMatch(/^rejected /);
    // Retry-After: 20 made the SDK wait 5 s or more before its next attempt; that timer must be gone.
    const { requests, alive } = JSON.parse(resources!) as { requests: number; alive: string[] };
    expect(requests).toBe(1);
    expect(alive).not.toContain('Timeout');
    expect(run.code).toBe(0);
  });
});
