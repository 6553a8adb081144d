// Preloaded (node --require, set by pg-version.config.js) into the child processes of a pg-version
// test run: `require('pg')` and `require('pg/...')` load the copy in PG_REDSHIFT_IAM_PG_DIR.
const Module = require('node:module');
const { join } = require('node:path');

const prefix = process.env.PG_REDSHIFT_IAM_PG_DIR;
if (prefix) {
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const copy = request === 'pg' || request.startsWith('pg/') ? join(prefix, 'node_modules', request) : request;
    return resolveFilename.call(this, copy, ...rest);
  };
}
