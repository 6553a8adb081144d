/** The environment variable through which global-setup hands the server to jest workers. */
export const TEST_POSTGRES_ENV = 'PG_REDSHIFT_IAM_TEST_POSTGRES';

/** Superuser settings of the PostgreSQL server that this jest run started. */
export interface TestPostgresSettings {
  provider: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** The run's PostgreSQL server; fails loudly when global-setup did not start one. */
export function testPostgres(): TestPostgresSettings {
  const raw = process.env[TEST_POSTGRES_ENV];
  if (!raw) throw new Error(`${TEST_POSTGRES_ENV} is not set: run the tests through jest (npm test), whose global setup starts PostgreSQL.`);
  return JSON.parse(raw) as TestPostgresSettings;
}
