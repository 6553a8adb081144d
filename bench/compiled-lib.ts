import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Compiles lib/ to CommonJS under `.tmp/bench-lib` (file by file, as `npm run build` lays it out,
 * so lazy requires stay lazy) and returns the path of its `index.js`. Child processes that measure
 * loading and memory require this, not the TypeScript sources: a loader like tsx would add its own
 * cost. `transpileModule` suffices because the project compiles with `isolatedModules`.
 */
export async function compileLib(root: string): Promise<string> {
  const source = join(root, 'lib');
  // Under the project, so that `require('pg')` and the SDK resolve from its node_modules.
  const out = join(root, '.tmp', 'bench-lib');
  await rm(out, { recursive: true, force: true });
  for (const file of await tsFiles(source)) {
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const target = join(out, relative(source, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  return join(out, 'index.js');
}

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
