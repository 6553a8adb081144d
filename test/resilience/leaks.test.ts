import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { LeakScenarioResult } from '../soak/leak-scenario';

// The scenario runs in its own process because NODE_DEBUG is read once, at startup. Everything it
// writes (debug lines, console.error of errors, inspect and JSON of pools, engines, options,
// credentials, events) is grepped here for every password the emulator issued and every AWS secret.
function runScenario(): Promise<{ code: number | null; output: string; result: LeakScenarioResult | undefined }> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, '..', 'soak', 'leak-scenario.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, NODE_DEBUG: 'pg-redshift-iam', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let output = '';
    let result: LeakScenarioResult | undefined;
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('message', (message) => (result = message as LeakScenarioResult));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, result }));
  });
}

describe('no secret in any output', () => {
  let run: Awaited<ReturnType<typeof runScenario>>;
  beforeAll(async () => {
    run = await runScenario();
  }, 60_000);

  it('the scenario ran to the end', () => {
    expect({ code: run.code, tail: run.code === 0 ? '' : run.output.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(run.result).toBeDefined();
  });

  it('walked every path that produces text', () => {
    const result = run.result!;
    expect(result.errorCodes).toEqual(expect.arrayContaining([
      'ACCESS_DENIED', 'THROTTLED', 'AWS_UNAVAILABLE', 'CLUSTER_NOT_FOUND', 'AWS_CREDENTIALS_INVALID', 'CONNECT_ABORTED', 'CLOSED',
      'INVALID_OPTION', '57P01',
    ]));
    expect(run.output).toMatch(/could not be refreshed/);
    expect(result.refreshEvents).toBeGreaterThanOrEqual(5);
    expect(result.refreshErrorEvents).toBeGreaterThanOrEqual(2);
    expect(result.poolErrorEvents).toBeGreaterThanOrEqual(2);
    // Fetches, cache hits, stale hits, the rejected-login retry: the debug log saw them all.
    const debugLines = run.output.split('\n').filter((line) => line.startsWith('PG-REDSHIFT-IAM '));
    expect(debugLines.length).toBeGreaterThan(20);
    for (const pattern of [/fetched credentials for/, /cache hit for/, /refresh window reached/, /login as .* refused .* retrying once/, /failed after/]) {
      expect(debugLines.some((line) => pattern.test(line))).toBe(true);
    }
  });

  it('no issued password and no AWS secret appears anywhere in the output', () => {
    const result = run.result!;
    expect(result.passwords.length).toBeGreaterThanOrEqual(4);
    const secrets = [
      ...result.passwords.map((value, index) => ({ label: `issued password #${index + 1}`, value })),
      ...result.awsSecrets.map((value, index) => ({ label: `AWS secret #${index + 1}`, value })),
    ];
    // Labels only: a failure message must not print the secret it found.
    const leaked = secrets.filter(({ value }) => value.length > 0 && run.output.includes(value)).map(({ label }) => label);
    expect(leaked).toEqual([]);
  });
});
