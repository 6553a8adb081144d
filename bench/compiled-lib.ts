import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** Paths of the compiled JavaScript that child processes run. */
export interface CompiledBench {
  /** `lib/index.ts` compiled: what `require('pg-redshift-iam')` loads. */
  readonly libIndex: string;
  /** `bench/fleet-child.ts` compiled, requiring the compiled lib. */
  readonly fleetChild: string;
}

// The bench files a child process needs, besides lib/.
const CHILD_FILES = ['fleet-child.ts', 'fleet-protocol.ts', 'describe-error.ts'];

/**
 * Compiles lib/ (and the fleet child) to CommonJS under `.tmp/bench-build`, file by file, then
 * bundles `lib/index.js` as `npm run build` does (lazy requires stay lazy). Child processes run this with plain
 * node: a loader like tsx would add its own cost to what they measure, and its start-up, times ten
 * processes, would dominate a busy 2-core machine. `transpileModule` suffices because the project
 * compiles with `isolatedModules`.
 */
export async function compileForChildren(root: string): Promise<CompiledBench> {
  // Under the project, so that `require('pg')` and the SDK resolve from its node_modules.
  const out = join(root, '.tmp', 'bench-build');
  await rm(out, { recursive: true, force: true });
  const files = [...(await tsFiles(join(root, 'lib'))), ...CHILD_FILES.map((file) => join(root, 'bench', file))];
  for (const file of files) {
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  // The build's own bundling step (an ES module: a dynamic import from this CommonJS file).
  const { bundleInPlace } = await import('../scripts/bundle.mjs');
  await bundleInPlace(join(out, 'lib'), ['index.js']);
  return { libIndex: join(out, 'lib', 'index.js'), fleetChild: join(out, 'bench', 'fleet-child.js') };
}

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
