// Turns the file-per-module CommonJS that tsc wrote into one file per entry point: Node resolves,
// reads and wraps every file it requires, and for this package's ~40 small modules that cost
// more CPU than the code itself (×1.22 the CPU of `require('pg')` file by file, ×1.01 bundled).
// Dependencies stay external `require()`s, so the AWS SDK still loads only at the first fetch,
// and esbuild keeps this package's own lazy `require('./…')`s lazy. The `.d.ts` files stay as tsc
// wrote them; the per-module `.js` files are removed, so that nothing can load a second copy.
import { build } from 'esbuild';
import { readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The entry points under the build directory: the package, `./testing`, and the CLI (`bin`). */
export const ENTRY_POINTS = ['index.js', 'testing/index.js', 'cli/main.js'];

/**
 * Bundles each entry point of `dir` (tsc's CommonJS output) in place and deletes every other
 * `.js` file there. `entries` defaults to all of {@link ENTRY_POINTS} found in `dir`.
 */
export async function bundleInPlace(dir, entries = ENTRY_POINTS) {
  const entryFiles = entries.map((entry) => join(dir, entry));
  await build({
    entryPoints: entryFiles,
    outdir: dir,
    outbase: dir,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // pg, the AWS SDK and the test kit's optional peers come from the user's node_modules.
    packages: 'external',
    logLevel: 'warning',
  });
  const keep = new Set(entryFiles);
  const files = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const file of files) {
    const path = join(file.parentPath, file.name);
    if (file.isFile() && file.name.endsWith('.js') && !keep.has(path)) await rm(path);
  }
  return entryFiles.map((file) => relative(dir, file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? 'dist/cjs';
  const bundled = await bundleInPlace(dir);
  console.log(`bundle: ${bundled.join(', ')} in ${dir}`);
}
