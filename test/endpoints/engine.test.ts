import { sharedIdentityCount } from '../../lib/aws/identity';
import { sharedClientCount } from '../../lib/aws/shared-clients';
import { sharedCacheCount } from '../../lib/credentials/registry';
import { createRedshiftCredentials, createRedshiftPool } from '../../lib';
import { useStandIn } from '../setup/stand-in';
import { rejection } from '../setup/thrown-by';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'endpoint-engine';
const SUFFIX = 'k7rfausgmlzieup51zgg';
const standIn = useStandIn(NAME, { clusters: [{ clusterIdentifier: 'sales' }] });

const endpointHost = (name: string) => `${name}-endpoint-${SUFFIX}.abc123xyz789.${standIn.emulator.region}.redshift.amazonaws.com`;
const options = (extra: object = {}) => ({
  host: endpointHost('etl'), database: 'dev', endpoint: standIn.emulator.endpoint, credentials: standIn.emulator.identities.iamUser, ...extra,
});
const operations = () => standIn.emulator.calls.map((call) => call.operation);

beforeAll(() => standIn.emulator.addEndpointAccess({ endpointName: 'etl', clusterIdentifier: 'sales' }));


/** Resolves once the emulator has received `count` calls. */
async function callsArrived(count: number): Promise<void> {
  while (standIn.emulator.calls.length < count) await new Promise((resolve) => setImmediate(resolve));
}

describe('an engine whose target needs a lookup', () => {
  it('has no target, empty stats and nothing to invalidate before the lookup; looks up at the first acquire', async () => {
    const engine = createRedshiftCredentials(options());
    try {
      expect(engine.target).toBeUndefined();
      expect(engine.invalidate()).toBe(false);
      expect(engine.stats()).toMatchObject({ fetches: 0, waiting: 0, user: undefined, keepWarm: 'idle' });
      expect(operations()).toEqual([]);
      expect((await engine.get()).user).toBe(`IAM:${NAME}-user`);
      expect(engine.target).toMatchObject({ clusterIdentifier: 'sales' });
      expect(engine.stats()).toMatchObject({ fetches: 1, waits: 1 });
      expect(operations()).toEqual(['DescribeEndpointAccess', 'GetClusterCredentialsWithIAM']);
    } finally {
      await engine.close();
    }
  });

  it('the lookup and the credentials call share one SDK client and identity, released on close', async () => {
    const before = { clients: sharedClientCount(), identities: sharedIdentityCount(), caches: sharedCacheCount() };
    const engine = createRedshiftCredentials(options());
    await engine.get();
    expect(sharedClientCount()).toBe(before.clients + 1);
    expect(sharedIdentityCount()).toBe(before.identities + 1);
    await engine.close();
    expect({ clients: sharedClientCount(), identities: sharedIdentityCount(), caches: sharedCacheCount() }).toEqual(before);
  });

  it('close() ends a wait for the lookup with CLOSED at once', async () => {
    standIn.emulator.failNext(1, 'stall', 'DescribeEndpointAccess');
    const engine = createRedshiftCredentials(options());
    const waiting = rejection(engine.get());
    await callsArrived(1);
    expect(engine.stats().waiting).toBe(1);
    await engine.close();
    expect(await waiting).toMatchObject({ code: 'CLOSED' });
    expect(() => engine.stats()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
  });

  it('a stalled lookup fails with AWS_UNAVAILABLE after fetchTimeoutSeconds', async () => {
    standIn.emulator.failNext(1, 'stall', 'DescribeEndpointAccess');
    const engine = createRedshiftCredentials(options({ fetchTimeoutSeconds: 0.2 }));
    try {
      expect(await rejection(engine.get())).toMatchObject({ code: 'AWS_UNAVAILABLE' });
    } finally {
      await engine.close();
    }
  });

  it('a failed lookup is not kept: the next acquire looks up again', async () => {
    const engine = createRedshiftCredentials(options({ host: endpointHost('later') }));
    try {
      expect(await rejection(engine.get())).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
      standIn.emulator.addEndpointAccess({ endpointName: 'later', clusterIdentifier: 'sales' });
      expect((await engine.get()).user).toBe(`IAM:${NAME}-user`);
      expect(operations()).toEqual(['DescribeEndpointAccess', 'DescribeEndpointAccess', 'GetClusterCredentialsWithIAM']);
    } finally {
      await engine.close();
    }
  });

  it("a pool's connectionTimeoutMillis ends a connect waiting for the lookup", async () => {
    standIn.emulator.failNext(1, 'stall', 'DescribeEndpointAccess');
    const { host, database, ...iam } = options();
    const pool = createRedshiftPool({ host, database, ssl: false, connectionTimeoutMillis: 100, iam });
    try {
      const error = await rejection(pool.query('SELECT 1'));
      expect(error.message).toMatch(/timeout|timed out/i);
    } finally {
      await pool.end();
    }
  });

  it('pool.end() ends a connect waiting for the lookup with CLOSED', async () => {
    standIn.emulator.failNext(1, 'stall', 'DescribeEndpointAccess');
    const { host, database, ...iam } = options();
    const pool = createRedshiftPool({ host, database, ssl: false, iam });
    const waiting = rejection(pool.query('SELECT 1'));
    await callsArrived(1);
    await pool.end();
    expect(await waiting).toMatchObject({ code: 'CLOSED' });
  });
});
