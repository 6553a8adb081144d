import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startTestPostgres, TestPostgresError } from '../../lib/testing';
import { allows, firstClosedDirectory } from '../../lib/testing/embedded/access';
import { binariesIn, missingLinks, stageBinaries } from '../../lib/testing/embedded/binaries';
import { initdb } from '../../lib/testing/embedded/process';
import { startEmbeddedServer } from '../../lib/testing/embedded/start';
import { runTypeScript } from '../setup/run-child';

/** Runs `use` with a fresh directory to hold the server's temp directory, so that leftovers can be listed. */
async function withTmpdir<T>(use: (dir: string) => Promise<T>, mode = 0o755): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'kit-tmpdir-'));
  await chmod(dir, mode);
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What `promise` rejects with (undefined when it resolves). */
function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (error: unknown) => error);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const stranger = { uid: 4242, gid: 4242 };

describe('embedded PostgreSQL server', () => {
  it('restart() keeps the data and the port and cuts open connections', async () => {
    const server = await startTestPostgres({ provider: 'embedded' });
    try {
        const before = new Client(server);
        await before.connect();
        const errors: Error[] = [];
      const cut = new Promise<void>((resolve) => before.on('error', (error) => resolve(void errors.push(error))));
        await before.query('CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');
        await server.restart();
        await cut;
      expect(errors[0]?.message).toMatch(/terminat/);
        const after = new Client(server);
        await after.connect();
        try {
          const { rows } = await after.query<{ x: number }>('SELECT x FROM kept');
          expect(rows).toEqual([{ x: 42 }]);
        } finally {
          await after.end();
        }
    } finally {
      await server.stop();
    }
    await expect(server.restart()).rejects.toThrow(new TestPostgresError('restart(): the server was stopped.'));
  });

  it('keeps the superuser password out of the temp directory and removes the directory on stop()', async () => {
    await withTmpdir(async (dir) => {
      const server = await startEmbeddedServer(await freePort(), 'secret-pw', 10, () => undefined, { tmpdir: dir });
      try {
        const [own] = await readdir(dir);
        expect(own).toMatch(/^pg-redshift-iam-/);
        // initdb read the password file; it is gone once the server runs.
        expect((await readdir(join(dir, own!))).sort()).toEqual(userInfo().uid === 0 ? ['data', 'postgresql'] : ['data']);
      } finally {
        await server.stop();
      }
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('a server its caller forgot to stop neither keeps Node alive nor outlives it', async () => {
    await withTmpdir(async (dir) => {
      const port = await freePort();
      const run = await runTypeScript('test/testing/fixtures/forgotten-server.ts', [dir, String(port)], { timeoutMs: 60_000 });
      expect(run).toMatchObject({ code: 0, signal: null, stdout: 'started\n' });
      expect(await readdir(dir)).toEqual([]);
      const probe = new Client({ host: '127.0.0.1', port, user: 'postgres', password: 'forgotten-pw', database: 'postgres' });
      await expect(probe.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    });
  });

  it('restart() is refused clearly for a server it did not start', async () => {
    const settings = JSON.parse(process.env.PG_REDSHIFT_IAM_TEST_POSTGRES ?? '{}') as { user: string; password: string; host: string; port: number; database: string };
    const adopted = await startTestPostgres({
      url: `postgres://${settings.user}:${encodeURIComponent(settings.password)}@${settings.host}:${settings.port}/${settings.database}`,
    });
    await expect(adopted.restart()).rejects.toThrow(new TestPostgresError('restart() needs the embedded provider; this server comes from the url provider.'));
  });

  it('fails before spawning, naming the directory and the fixes, when the server user cannot enter the temp directory', async () => {
    await withTmpdir(async (dir) => {
      const error = await rejectionOf(startEmbeddedServer(0, 'pw', 10, () => undefined, { runAs: stranger, tmpdir: dir }));
      expect(error).toBeInstanceOf(TestPostgresError);
      expect((error as Error).message).toContain(`cannot enter ${dir}.`);
      expect((error as Error).message).toMatch(/TMPDIR=\/tmp.*chmod o\+x.*non-root user.*TEST_PG_URL/);
      expect(await readdir(dir)).toEqual([]);
    }, 0o700);
  });

  it('rejects (and removes its temp directory) when the server cannot start', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      await withTmpdir(async (dir) => {
        const log: string[] = [];
        const error = await rejectionOf(startEmbeddedServer(port, 'pw', 10, (line) => log.push(line), { port, tmpdir: dir }));
        expect((error as Error).message).toMatch(/the server exited while starting/);
        expect(log.join('')).toMatch(/could not (bind|create listen)/i);
        expect(await readdir(dir)).toEqual([]);
      });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('turns a program that cannot be executed into a rejection, not an unhandled error event', async () => {
    await withTmpdir(async (dir) => {
      await mkdir(join(dir, 'bin'));
      await writeFile(join(dir, 'bin', 'initdb'), '#!/bin/sh\n', { mode: 0o644 });
      const settings = { binaries: binariesIn(dir), dataDir: join(dir, 'data'), port: 1, maxConnections: 1, runAs: undefined, log: () => undefined };
      await expect(initdb(settings, join(dir, 'pw'))).rejects.toThrow(/could not run .*initdb: spawn .* EACCES/);
    });
  });
});

describe('stageBinaries', () => {
  it('adds the library links that an unapproved install script left out', async () => {
    await withTmpdir(async (dir) => {
      const native = join(dir, 'native');
      await mkdir(join(native, 'lib'), { recursive: true });
      await mkdir(join(native, 'bin'));
      await writeFile(join(native, 'bin', 'initdb'), '#!/bin/sh\n', { mode: 0o755 });
      await writeFile(join(native, 'lib', 'libx.so.1.2'), 'library');
      await writeFile(join(native, 'pg-symlinks.json'), JSON.stringify([{ source: 'native/lib/libx.so.1.2', target: 'native/lib/libx.so.1' }]));
      expect(await missingLinks(binariesIn(native))).toEqual([{ from: 'lib/libx.so.1.2', to: 'lib/libx.so.1' }]);

      const staged = await stageBinaries(binariesIn(native), join(dir, 'staged'));
      expect(await readFile(join(staged.dir, 'lib', 'libx.so.1'), 'utf8')).toBe('library');
      expect(await missingLinks(staged)).toEqual([]);
      expect(staged.initdb).toBe(join(dir, 'staged', 'bin', 'initdb'));
    });
  });
});

describe('firstClosedDirectory', () => {
  it('names the first directory on the path that the user may not search', async () => {
    const base = await mkdtemp(join(tmpdir(), 'kit-access-'));
    try {
      await mkdir(join(base, 'open', 'inner'), { recursive: true });
      await chmod(base, 0o755);
      await chmod(join(base, 'open'), 0o700);
      const me = { uid: userInfo().uid, gid: userInfo().gid };
      expect(await firstClosedDirectory(join(base, 'open', 'inner'), stranger)).toBe(join(base, 'open'));
      await chmod(join(base, 'open'), 0o711);
      expect(await firstClosedDirectory(join(base, 'open', 'inner'), stranger)).toBeUndefined();
      expect(await firstClosedDirectory(join(base, 'open', 'inner'), me)).toBeUndefined();
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('judges by owner, then group, then others', () => {
    const user = { uid: 10, gid: 20 };
    expect(allows({ mode: 0o100, uid: 10, gid: 0 }, user, 1)).toBe(true);
    expect(allows({ mode: 0o011, uid: 10, gid: 20 }, user, 1)).toBe(false);
    expect(allows({ mode: 0o010, uid: 0, gid: 20 }, user, 1)).toBe(true);
    expect(allows({ mode: 0o001, uid: 0, gid: 20 }, user, 1)).toBe(false);
    expect(allows({ mode: 0o001, uid: 0, gid: 0 }, user, 1)).toBe(true);
  });
});
