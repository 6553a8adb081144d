#!/usr/bin/env bash
# The pool tests (test/pool, plus test/pg which proves which pg was loaded) on the other supported
# runtimes: the oldest supported pg (8.11.0 with the oldest pg-pool and pg-protocol it accepts)
# and the newest Node line (24). The main run (.ci/run) is on the oldest supported Node (22).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/runtimes.sh
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

started=$SECONDS
pg_prefix=$(runtime_dir pg@8.11.0 pg@8.11.0 pg-pool@3.6.0 pg-protocol@1.6.0)
PG_REDSHIFT_IAM_PG_DIR="$pg_prefix" node node_modules/.bin/jest -c test/pg/pg-version.config.js test/pool test/pg
echo "runtimes: pool tests on pg 8.11.0 (Node $(node --version)) passed in $((SECONDS - started)) s"

started=$SECONDS
node24=$(runtime_dir node@24 node@24)
PATH="$node24:$PATH" node node_modules/.bin/jest test/pool test/pg
echo "runtimes: pool tests on Node $("$node24/node" --version) passed in $((SECONDS - started)) s"
