import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/** What installing the package adds, from what `npm install` put in node_modules here. */
export interface InstallFootprint {
  /** `dependencies` of package.json. */
  readonly directDependencies: readonly string[];
  /** Packages in their transitive closure (each installed copy once). */
  readonly dependencyCount: number;
  /** Their size on disk, nested node_modules counted once as packages of their own. */
  readonly dependencyBytes: number;
  /** Peer dependencies the user installs anyway (not counted). */
  readonly peerDependencies: readonly string[];
  /** For comparison: what the naive approach's own `@aws-sdk/client-redshift` pulls in. */
  readonly sdkClientOnly: { readonly dependencyCount: number; readonly dependencyBytes: number };
  /** `npm pack --dry-run`: the tarball of dist/, or why it is missing. */
  readonly pack: PackSize | { readonly unavailable: string };
}

/** The package's own tarball. */
export interface PackSize {
  readonly tarballBytes: number;
  readonly unpackedBytes: number;
  readonly files: number;
  /** False when dist/ is older than lib/: run `npm run build` for current numbers. */
  readonly distUpToDate: boolean;
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Walks node_modules from the package root the way Node resolves packages. */
export async function installFootprint(root: string): Promise<InstallFootprint> {
  const manifest = readManifest(root);
  const direct = Object.keys(manifest.dependencies ?? {});
  const closure = dependencyClosure(root, direct);
  const sdkOnly = dependencyClosure(root, ['@aws-sdk/client-redshift']);
  return {
    directDependencies: direct,
    dependencyCount: closure.size,
    dependencyBytes: sumSizes(closure),
    peerDependencies: Object.keys(manifest.peerDependencies ?? {}).filter((name) => !manifest.peerDependenciesMeta?.[name]?.optional),
    sdkClientOnly: { dependencyCount: sdkOnly.size, dependencyBytes: sumSizes(sdkOnly) },
    pack: await packSize(root),
  };
}

function dependencyClosure(root: string, names: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (from: string, name: string, optional: boolean) => {
    const dir = resolvePackage(root, from, name);
    if (dir === undefined) {
      if (optional) return;
      throw new Error(`${name} (needed by ${from}) is not installed`);
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = readManifest(dir);
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dir, dependency, false);
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {})) visit(dir, dependency, true);
    // npm installs required peers too.
    for (const peer of Object.keys(manifest.peerDependencies ?? {})) visit(dir, peer, manifest.peerDependenciesMeta?.[peer]?.optional === true);
  };
  for (const name of names) visit(root, name, false);
  return seen;
}

function resolvePackage(root: string, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

function sumSizes(packages: ReadonlySet<string>): number {
  let total = 0;
  for (const dir of packages) total += directorySize(dir);
  return total;
}

function directorySize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directorySize(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

async function packSize(root: string): Promise<PackSize | { unavailable: string }> {
  if (!existsSync(join(root, 'dist', 'cjs', 'index.js'))) return { unavailable: 'no dist/: run `npm run build` first' };
  try {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, timeout: 60_000 });
    const [pack] = JSON.parse(stdout) as { size: number; unpackedSize: number; entryCount: number }[];
    if (pack === undefined) return { unavailable: 'npm pack printed nothing' };
    return { tarballBytes: pack.size, unpackedBytes: pack.unpackedSize, files: pack.entryCount, distUpToDate: newestMtime(join(root, 'dist')) >= newestMtime(join(root, 'lib')) };
  } catch (error) {
    return { unavailable: `npm pack --dry-run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}
