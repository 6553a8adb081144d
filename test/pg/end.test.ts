// pool.end() and client.end() while credentials are still being fetched. A `credentials` provider
// whose promise never settles hangs the AWS fetch without any server: the SDK waits for it forever.
import { Client as PgClient } from 'pg';
import { createRedshiftClient, createRedshiftPool, redshiftPoolConfig, RedshiftIamError, type RedshiftPoolConfig } from '../../lib';
import { socketOf } from '../../lib/pg/internals';

// A deadline of its own for each test: without the guarded line, the connect never settles.
const DEADLINE_MS = 10_000;

/** A config whose every AWS fetch hangs; `provided` counts the identity requests the SDK made. */
function hangingConfig(extra: Partial<RedshiftPoolConfig> = {}): RedshiftPoolConfig & { provided: () => number } {
  let calls = 0;
  const config = {
    host: '127.0.0.1',
    port: 1,
    database: 'dev',
    ...extra,
    iam: {
      clusterIdentifier: 'examplecluster',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: () => {
        calls++;
        return new Promise<never>(() => undefined);
      },
    },
  };
  Object.defineProperty(config, 'provided', { value: () => calls, enumerable: false });
  return config as unknown as RedshiftPoolConfig & { provided: () => number };
}

/** Resolves once the SDK has asked the provider for the AWS identity, i.e. the fetch is under way. */
async function fetchStarted(config: { provided: () => number }): Promise<void> {
  while (config.provided() === 0) await new Promise((resolve) => setImmediate(resolve));
}

/** Settles `promise` into a value to assert on, so that an early rejection is never unhandled. */
function outcome(promise: Promise<unknown>): Promise<{ resolved?: unknown; rejected?: unknown }> {
  return promise.then((resolved) => ({ resolved }), (rejected: unknown) => ({ rejected }));
}

describe('pool.end() while credentials are being fetched', () => {
  it('rejects every pending connect (logging in or queued for a slot) with CLOSED and resolves while the fetch hangs', async () => {
    const config = hangingConfig({ max: 2 });
    const pool = createRedshiftPool(config);
    const connects = [outcome(pool.connect()), outcome(pool.connect()), outcome(pool.connect())];
    const queried = outcome(pool.query('SELECT 1'));
    await fetchStarted(config);
    await pool.end();
    for (const result of await Promise.all([...connects, queried])) {
      expect(result.rejected).toBeInstanceOf(RedshiftIamError);
      expect(result.rejected).toMatchObject({ code: 'CLOSED' });
    }
    expect(pool.totalCount).toBe(0);
    await expect(pool.connect()).rejects.toMatchObject({ code: 'CLOSED' });
  }, DEADLINE_MS);

  it('works with the callback forms of connect and end', async () => {
    const config = hangingConfig();
    const pool = createRedshiftPool(config);
    const connected = new Promise<Error | undefined>((resolve) => pool.connect((error) => resolve(error)));
    await fetchStarted(config);
    await new Promise<void>((resolve) => pool.end(resolve));
    expect(await connected).toMatchObject({ code: 'CLOSED' });
  }, DEADLINE_MS);

  it('createRedshiftClient: end() rejects the pending connect with CLOSED and resolves while the fetch hangs', async () => {
    const config = hangingConfig();
    const client = createRedshiftClient(config);
    const connected = outcome(client.connect());
    await fetchStarted(config);
    await client.end();
    expect((await connected).rejected).toMatchObject({ code: 'CLOSED' });
  }, DEADLINE_MS);
});

describe('the credentials wait of one client', () => {
  // These use the Client class alone: its engine stays open, so only the client can end the wait.
  it('ends when client.end() is called', async () => {
    const config = hangingConfig();
    const options = redshiftPoolConfig(config);
    const client = new options.Client(options);
    try {
      const connected = outcome(client.connect());
      await fetchStarted(config);
      await client.end();
      expect((await connected).rejected).toMatchObject({ code: 'CONNECT_ABORTED' });
    } finally {
      await options.credentials.close();
    }
  }, DEADLINE_MS);

  it("ends when the socket is destroyed, as pg-pool's connection timeout does", async () => {
    const config = hangingConfig();
    const options = redshiftPoolConfig(config);
    const client = new options.Client(options);
    try {
      const connected = outcome(client.connect());
      await fetchStarted(config);
      socketOf(client).destroy();
      const { rejected } = await connected;
      expect(rejected).toMatchObject({ code: 'CONNECT_ABORTED' });
      expect(String((rejected as Error).cause)).toContain('socket was destroyed');
    } finally {
      await options.credentials.close();
    }
  }, DEADLINE_MS);

  it('Client.endLogins() refuses a connect that has not started yet', async () => {
    const options = redshiftPoolConfig(hangingConfig());
    const client = new options.Client(options);
    try {
      options.Client.endLogins();
      await expect(client.connect()).rejects.toMatchObject({ code: 'CLOSED' });
    } finally {
      await options.credentials.close();
    }
  });
});

describe('the pg seam', () => {
  it('refuses, at pool creation, a pg Client that lacks an internal it needs, naming the pg version and the internal', () => {
    class Changed extends PgClient {
      constructor(config?: object) {
        super(config);
        delete (this as unknown as { _queryable?: boolean })._queryable;
      }
    }
    let thrown: unknown;
    try {
      createRedshiftPool({ ...hangingConfig(), Client: Changed });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RedshiftIamError);
    const { version } = jest.requireActual<{ version: string }>('pg/package.json');
    expect(thrown).toMatchObject({ code: 'INVALID_OPTION', option: 'Client', message: expect.stringContaining(`pg ${version} lacks client._queryable`) });
  });
});
