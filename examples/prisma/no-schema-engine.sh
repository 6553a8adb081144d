#!/bin/sh
# Stands in for Prisma's schema engine binary, which `prisma generate` requires to exist but never
# runs, so the client can be generated offline: PRISMA_SCHEMA_ENGINE_BINARY=examples/prisma/no-schema-engine.sh
echo "The Prisma schema engine is not installed here (only 'prisma generate' works offline)." >&2
exit 1
