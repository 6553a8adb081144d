/** Thrown when no PostgreSQL server can be started (or restarted); the message says what to change. */
export class TestPostgresError extends Error {
  override name = 'TestPostgresError';
}
