// Runs the tests against another copy of pg, e.g. the oldest supported one:
//
//   npm install --prefix /tmp/pg-8.11.0 --no-save --no-package-lock pg@8.11.0
//   PG_REDSHIFT_IAM_PG_DIR=/tmp/pg-8.11.0 npx jest -c test/pg/pg-version.config.js test/pool test/pg
//
// `PG_REDSHIFT_IAM_PG_DIR` is the prefix holding node_modules/pg (that pg finds its own pg-pool
// there). Jest resolves 'pg' through moduleNameMapper; child processes that the tests start get a
// preload (use-pg-copy.cjs) that does the same for Node's resolver.
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const base = require('../../jest.config.js');

const prefix = process.env.PG_REDSHIFT_IAM_PG_DIR;
if (!prefix) throw new Error('Set PG_REDSHIFT_IAM_PG_DIR to a directory with node_modules/pg (npm install --prefix <dir> pg@<version>).');
const pgDir = resolve(prefix, 'node_modules', 'pg');
if (!existsSync(join(pgDir, 'package.json'))) throw new Error(`No pg in ${pgDir}: run npm install --prefix ${prefix} pg@<version>.`);
const { version } = JSON.parse(readFileSync(join(pgDir, 'package.json'), 'utf8'));
process.env.PG_REDSHIFT_IAM_PG_VERSION = version;
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'use-pg-copy.cjs')}`.trim();
process.stderr.write(`pg-redshift-iam: testing with pg ${version} from ${pgDir}\n`);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: resolve(__dirname, '..', '..'),
  moduleNameMapper: { '^pg$': pgDir, '^pg/(.*)$': `${pgDir}/$1` },
};
