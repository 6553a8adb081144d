import { join } from 'node:path';
import { runTypeScript } from '../setup/run-child';

// Each login waiting for credentials listens on the pool's (and the engine's) abort signal until its
// wait ends. Node warns about a "possible memory leak" from the 11th listener on: with a pool of more
// than 10 connections that is a false alarm in every application's log, so the library lifts the
// limit on the signals it owns. Jest's sandbox does not see process warnings: a child process does.
it('twenty logins waiting at once print no MaxListenersExceededWarning, and all end at their timeout', async () => {
  const { PGHOST: _host, PGDATABASE: _database, ...env } = process.env;
  const run = await runTypeScript(join(__dirname, 'child-many-waits.ts'), [], { env, timeoutMs: 30_000 });
  expect(run.stdout).toBe('40 rejected\n');
  expect(run.stderr).not.toMatch(/MaxListenersExceededWarning/);
  expect(run.code).toBe(0);
});
