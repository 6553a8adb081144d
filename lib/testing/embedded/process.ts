import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { OsUser } from './access';
import type { PostgresBinaries } from './binaries';

/** Output lines of the server and initdb, for the error message when they fail. */
export type ServerLog = (line: string) => void;

/** Where and how one PostgreSQL server runs. */
export interface ServerSettings {
  readonly binaries: PostgresBinaries;
  readonly dataDir: string;
  readonly port: number;
  readonly maxConnections: number;
  /** Set when running as root: the server runs as this (unprivileged) user. */
  readonly runAs: OsUser | undefined;
  readonly log: ServerLog;
}

const START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 20_000;
// English messages: we wait for a sentence in the server log.
const ENV = { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' };

/**
 * Runs `initdb` with a superuser password read from `passwordFile`, resolving when it exits 0.
 * Every failure, including a spawn error (EACCES, ENOENT), rejects: nothing is left as an
 * unhandled 'error' event.
 */
export function initdb(settings: ServerSettings, passwordFile: string): Promise<void> {
  const args = [
    `--pgdata=${settings.dataDir}`,
    '--auth=scram-sha-256',
    '--username=postgres',
    `--pwfile=${passwordFile}`,
    '--encoding=UTF8',
    '--locale=C',
    // Throwaway test data: skip the fsync calls that dominate initdb's time.
    '--no-sync',
  ];
  const child = spawn(settings.binaries.initdb, args, spawnOptions(settings));
  forward(child, settings.log);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`initdb did not finish within ${START_DEADLINE_MS / 1000} s`));
    }, START_DEADLINE_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(spawnError(settings.binaries.initdb, error));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`initdb failed (exit code ${code ?? 'none'}, signal ${signal ?? 'none'})`));
    });
  });
}

/**
 * Starts the server and resolves once it accepts connections. The process does not keep Node
 * alive by itself (a forgotten server must not hang a test run): the caller's process 'exit' hook
 * ends it with the `kill` handed to `onSpawn`, which can be called at any time.
 */
export async function startServer(settings: ServerSettings, onSpawn: (kill: () => void) => void): Promise<RunningServer> {
  const args = [
    '-D', settings.dataDir,
    '-p', String(settings.port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', 'password_encryption=scram-sha-256',
    '-c', `max_connections=${settings.maxConnections}`,
    // Throwaway test data: durability against OS crashes buys nothing here.
    '-c', 'fsync=off',
  ];
  const child = spawn(settings.binaries.postgres, args, spawnOptions(settings));
  forward(child, settings.log);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  onSpawn(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not accept connections within ${START_DEADLINE_MS / 1000} s`)), START_DEADLINE_MS);
      const done = (error?: Error) => {
        clearTimeout(timer);
        child.stderr?.off('data', watch);
        if (error) reject(error);
        else resolve();
      };
      const watch = (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('database system is ready to accept connections')) done();
      };
      child.stderr?.on('data', watch);
      child.once('error', (error) => done(spawnError(settings.binaries.postgres, error)));
      child.once('close', (code, signal) => done(new Error(`the server exited while starting (exit code ${code ?? 'none'}, signal ${signal ?? 'none'})`)));
    });
  } catch (error) {
    await stopProcess(child, exited);
    throw error;
  }
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  return {
    stop: () => stopProcess(child, exited),
  };
}

/** A server started by {@link startServer}. */
export interface RunningServer {
  /** Fast shutdown (SIGINT: a checkpoint, no data loss), SIGKILL after a deadline. */
  stop(): Promise<void>;
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_DEADLINE_MS)));
  if ((await Promise.race([exited, late])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

function spawnOptions(settings: ServerSettings): SpawnOptions {
  return {
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(settings.runAs ? { uid: settings.runAs.uid, gid: settings.runAs.gid } : {}),
  };
}

function forward(child: ChildProcess, log: ServerLog): void {
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
}

function spawnError(program: string, error: Error): Error {
  return new Error(`could not run ${program}: ${error.message}`);
}
