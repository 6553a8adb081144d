import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { Client } from 'pg';
import { testPostgres } from '../setup/test-postgres';

/** Logs in to the run's PostgreSQL server as a Redshift database user would log in to the cluster. */
export async function connectAs(user: string | undefined, password: string | undefined, database = 'dev'): Promise<Client> {
  const { host, port } = testPostgres();
  const client = new Client({ host, port, database, user, password });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/** The current user of a fresh login, which is then closed. */
export async function loginUser(user: string | undefined, password: string | undefined, database = 'dev'): Promise<string> {
  const client = await connectAs(user, password, database);
  try {
    const { rows } = await client.query<{ current_user: string }>('SELECT current_user');
    return rows[0]?.current_user ?? '';
  } finally {
    await client.end();
  }
}

/** Runs `work` as the superuser of the run's PostgreSQL server. */
export async function asSuperuser<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(testPostgres());
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `pg_roles.rolvaliduntil` of a role, or undefined when the role does not exist. */
export function validUntilOf(role: string): Promise<Date | null | undefined> {
  return asSuperuser(async (client) => {
    const { rows } = await client.query<{ rolvaliduntil: Date | null }>('SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [role]);
    return rows[0]?.rolvaliduntil;
  });
}

/** The rejection of `promise`; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number }; $fault?: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/**
 * A retry strategy that retries what the SDK classified as THROTTLING or TRANSIENT without delay
 * (the standard strategy waits up to seconds) and records the classification of every failure.
 */
export class RecordingRetryStrategy implements RetryStrategyV2 {
  readonly errorTypes: string[] = [];

  constructor(private readonly maxAttempts = 3) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    this.errorTypes.push(info.errorType);
    const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
    if (!retryable || previous.getRetryCount() + 1 >= this.maxAttempts) throw new Error('no retry');
    return token(previous.getRetryCount() + 1);
  }

  recordSuccess(): void {}
}

function token(count: number): RetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => 0 };
}

/** Sleeps until `date` (plus `marginMs`) has passed on the real clock. */
export function sleepUntil(date: Date, marginMs: number): Promise<void> {
  const wait = Math.max(0, date.getTime() - Date.now() + marginMs);
  return new Promise((resolve) => setTimeout(resolve, wait));
}
