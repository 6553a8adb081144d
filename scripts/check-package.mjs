// After `npm run build`: checks that both entry points load by package name, from ESM and from
// CommonJS, that they share one module instance and are one file each, and that the packed files
// are what users need.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { dirname, relative, sep } from 'node:path';

const require = createRequire(import.meta.url);
for (const entry of ['pg-redshift-iam', 'pg-redshift-iam/testing']) {
  const esm = await import(entry);
  const cjs = require(entry);
  assert.deepEqual(Object.keys(esm).sort(), Object.keys(cjs).filter((name) => name !== '__esModule').sort(), `${entry}: ESM and CJS export the same names`);
  for (const name of Object.keys(cjs)) {
    if (name !== '__esModule') assert.equal(esm[name], cjs[name], `${entry}: ${name} is one instance for import and require`);
  }
}
// Each entry point is one file (scripts/bundle.mjs): loading the package reads no other file of
// its own, and the AWS SDK is not loaded before the first fetch.
const root = dirname(require.resolve('pg-redshift-iam/package.json'));
const ownFiles = Object.keys(require.cache).filter((file) => file.startsWith(root + sep) && !file.includes(`${sep}node_modules${sep}`)).map((file) => relative(root, file));
assert.deepEqual(ownFiles.sort(), ['dist/cjs/index.js', 'dist/cjs/testing/index.js'], 'each entry point loads as one file');
assert.ok(!Object.keys(require.cache).some((file) => file.includes(`${sep}@aws-sdk${sep}`)), 'no AWS SDK module is loaded at import');

const { createRedshiftPool, RedshiftIamError } = await import('pg-redshift-iam');
assert.throws(() => createRedshiftPool({ host: 'localhost', database: 'dev' }), (error) => error instanceof RedshiftIamError && error.code === 'INVALID_OPTION');

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const files = pack.files.map((file) => file.path);
for (const required of ['dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/esm/index.mjs', 'dist/esm/index.d.mts', 'dist/cjs/testing/index.js', 'dist/cjs/cli/main.js', 'README.md']) {
  assert.ok(files.includes(required), `the package contains ${required}`);
}
const stray = files.filter((file) => !/^(dist\/|README\.md$|SECURITY\.md$|package\.json$|LICENSE)/.test(file));
assert.deepEqual(stray, [], 'the package contains nothing but dist/, docs and package.json');
console.log(`package check: ${files.length} files, ${(pack.unpackedSize / 1024).toFixed(0)} KiB unpacked; ESM and CJS entry points agree`);
