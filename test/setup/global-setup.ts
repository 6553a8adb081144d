import { startTestPostgres, type TestPostgres } from '../../lib/testing/postgres';
import { TEST_POSTGRES_ENV } from './test-postgres';

declare global {
  var __testPostgres: TestPostgres | undefined;
}

/** One PostgreSQL server for the whole jest run; workers find it through the environment. */
export default async function globalSetup(): Promise<void> {
  // The AWS SDK's notice about Node 22 would repeat in every worker; the tests know the Node version.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const server = await startTestPostgres();
  globalThis.__testPostgres = server;
  process.env[TEST_POSTGRES_ENV] = JSON.stringify({
    provider: server.provider,
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
  });
}
