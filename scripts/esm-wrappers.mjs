// Writes ESM entry points that re-export the CommonJS build, so that `import` and `require`
// share one module instance (one credential cache per process, no dual-package hazard).
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, join } from 'node:path';

const require = createRequire(import.meta.url);
const entries = ['index', 'testing/index'];

for (const entry of entries) {
  const cjsFile = `./dist/cjs/${entry}.js`;
  const names = Object.keys(require(join(process.cwd(), cjsFile))).filter((name) => name !== 'default' && name !== '__esModule');
  const esmFile = `dist/esm/${entry}.mjs`;
  mkdirSync(dirname(esmFile), { recursive: true });
  const target = relative(dirname(esmFile), cjsFile).replaceAll('\\', '/');
  const specifier = target.startsWith('.') ? target : `./${target}`;
  writeFileSync(esmFile, `import cjs from '${specifier}';\nexport const { ${names.join(', ')} } = cjs;\n`);
  writeFileSync(`dist/esm/${entry}.d.mts`, `export * from '${specifier}';\n`);
}
