#!/usr/bin/env node
import { runCli } from './run';

// No process.exit(): it could cut off output still buffered for a pipe. runCli closes everything
// it opened, so the process ends by itself with this code.
void runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then((exitCode) => {
  process.exitCode = exitCode;
});
