import { join } from 'node:path';
import { runTypeScript } from '../setup/run-child';
import { useTcpServer } from '../setup/tcp-server';

describe('listeners cannot break fetches (issue 9 item 11)', () => {
  it('a throwing listener is an uncaught exception of its own; requests and refreshError are unaffected', async () => {
    const run = await runTypeScript(join(__dirname, 'cache-child-listener.ts'), [], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeoutMs: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      cold: ['fetched IAM:user1', 'fetched IAM:user1', 'fetched IAM:user1'],
      stale: 'stale',
      afterBackground: 'hit IAM:user2',
      refreshErrors: ['AWS_UNAVAILABLE background=true'],
      uncaught: ['refresh listener broke', 'refresh listener broke', 'engine listener broke'],
      refreshed: 'rejected AWS_UNAVAILABLE',
      otherEngine: ['AWS_UNAVAILABLE'],
    });
  });
});

describe('a script that gave up exits (issue 9 item 4)', () => {
  // Accepts connections and never answers: AWS hanging.
  const server = useTcpServer();

  it('after its only get({ signal }) aborted while AWS hangs, with the engine left open', async () => {
    const port = server.port();
    const run = await runTypeScript(join(__dirname, 'cache-child-exit.ts'), [`http://127.0.0.1:${port}`], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      // Main kept the process alive about 40 s (SDK retries of the abandoned fetch); a bound, not a timing goal.
      timeoutMs: 15_000,
    });
    expect({ signal: run.signal, code: run.code, stdout: run.stdout }).toEqual({ signal: null, code: 0, stdout: 'CONNECT_ABORTED\n' });
  });

  it('after its only get({ signal }) aborted while the lookup of its target hangs', async () => {
    const port = server.port();
    const run = await runTypeScript(join(__dirname, 'cache-child-exit.ts'), [`http://127.0.0.1:${port}`, 'lookup'], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      // The lookup no caller waited for ran on to its 30 s deadline (SDK retries); a bound, not a timing goal.
      timeoutMs: 15_000,
    });
    expect({ signal: run.signal, code: run.code, stdout: run.stdout }).toEqual({ signal: null, code: 0, stdout: 'CONNECT_ABORTED\n' });
  });
});
