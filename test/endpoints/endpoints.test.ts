import * as cnameRegion from '../../lib/discovery/cname-region';
import pg from 'pg';
import { createRedshiftClient, createRedshiftPool, redshiftPoolConfig, type RedshiftPool } from '../../lib';
import { withoutPgHostEnv } from '../setup/pg-env';
import { useStandIn } from '../setup/stand-in';
import { routeTo } from './route';
import { rejection } from '../setup/thrown-by';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'endpoints';
const USER = `IAM:${NAME}-user`;
const SUFFIX = 'k7rfausgmlzieup51zgg';
const standIn = useStandIn(NAME, {
  clusters: [{ clusterIdentifier: 'sales' }],
  workgroups: [{ workgroupName: 'bi-wg' }],
});

const clusterEndpointHost = () => `etl-endpoint-${SUFFIX}.abc123xyz789.${standIn.emulator.region}.redshift.amazonaws.com`;
const workgroupEndpointHost = () => `bi-endpoint-${SUFFIX}.${standIn.emulator.accountId}.${standIn.emulator.region}.redshift-serverless.amazonaws.com`;
/** IAM options without a cluster or workgroup: the host (or a lookup) must tell. */
const iam = () => ({ endpoint: standIn.emulator.endpoint, credentials: standIn.emulator.identities.iamUser });

beforeAll(() => {
  standIn.emulator.addEndpointAccess({ endpointName: 'etl', clusterIdentifier: 'sales' });
  standIn.emulator.addEndpointAccess({ endpointName: 'bi', workgroupName: 'bi-wg' });
  standIn.emulator.addCustomDomain({ customDomainName: 'warehouse.example.com', clusterIdentifier: 'sales' });
  standIn.emulator.addCustomDomain({ customDomainName: 'lake.example.com', workgroupName: 'bi-wg' });
});

let cname: jest.SpyInstance;
beforeEach(() => {
  // DNS: custom domains are CNAMEs of their cluster's or workgroup's endpoint (this machine has no resolver).
  const cnames: Record<string, string> = {
    'warehouse.example.com': `sales.abc123xyz789.${standIn.emulator.region}.redshift.amazonaws.com`,
    'lake.example.com': `bi-wg.${standIn.emulator.accountId}.${standIn.emulator.region}.redshift-serverless.amazonaws.com`,
  };
  cname = jest.spyOn(cnameRegion, 'resolveCname').mockImplementation(async (name) => {
    const alias = cnames[name];
    if (alias === undefined) throw Object.assign(new Error(`queryCname ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return [alias];
  });
});
afterEach(() => cname.mockRestore());

const operations = () => standIn.emulator.calls.map((call) => call.operation);

/** Logs three connections in at once (each a new physical connection) and returns their users. */
async function threeLogins(pool: pg.Pool): Promise<string[]> {
  const clients = await Promise.all([0, 1, 2].map(() => pool.connect()));
  try {
    return await Promise.all(clients.map(async (client) => (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u));
  } finally {
    clients.forEach((client) => client.release());
  }
}


async function withPool<T>(pool: RedshiftPool, use: (pool: RedshiftPool) => Promise<T>): Promise<T> {
  try {
    return await use(pool);
  } finally {
    await pool.end();
  }
}

describe('a Redshift-managed VPC endpoint host', () => {
  it('provisioned: DescribeEndpointAccess finds the cluster once; every connection logs in through the endpoint on 5439', async () => {
    const route = routeTo(standIn.pg);
    const pool = createRedshiftPool({ host: clusterEndpointHost(), database: 'dev', ssl: false, stream: route.stream, max: 3, iam: iam() });
    await withPool(pool, async () => {
      expect(await threeLogins(pool)).toEqual([USER, USER, USER]);
      expect(operations()).toEqual(['DescribeEndpointAccess', 'GetClusterCredentialsWithIAM']);
      expect(standIn.emulator.calls[0]!.params).toMatchObject({ EndpointName: 'etl' });
      expect(standIn.emulator.calls[1]!.params).toMatchObject({ ClusterIdentifier: 'sales', DbName: 'dev' });
      expect(route.dialed).toEqual(Array(3).fill(`${clusterEndpointHost()}:5439`));
      expect(pool.credentials.target).toMatchObject({ api: 'GetClusterCredentialsWithIAM', clusterIdentifier: 'sales', region: standIn.emulator.region });
    });
  });

  it('Serverless: GetEndpointAccess finds the workgroup once', async () => {
    const route = routeTo(standIn.pg);
    const pool = createRedshiftPool({ host: workgroupEndpointHost(), database: 'dev', ssl: false, stream: route.stream, max: 3, iam: iam() });
    await withPool(pool, async () => {
      expect(pool.credentials.target).toBeUndefined();
      expect(await threeLogins(pool)).toEqual([USER, USER, USER]);
      expect(operations()).toEqual(['GetEndpointAccess', 'GetCredentials']);
      expect(standIn.emulator.calls[1]!.params).toMatchObject({ workgroupName: 'bi-wg', dbName: 'dev' });
      expect(route.dialed[0]).toBe(`${workgroupEndpointHost()}:5439`);
    });
  });

  it('an explicit cluster name wins: no lookup at all', async () => {
    const route = routeTo(standIn.pg);
    const pool = createRedshiftPool({ host: clusterEndpointHost(), database: 'dev', ssl: false, stream: route.stream, max: 3, iam: { ...iam(), clusterIdentifier: 'sales' } });
    await withPool(pool, async () => {
      expect(await threeLogins(pool)).toEqual([USER, USER, USER]);
      expect(operations()).toEqual(['GetClusterCredentialsWithIAM']);
    });
  });

  it('an unknown endpoint is ENDPOINT_NOT_FOUND naming the option that avoids the lookup', async () => {
    const host = `nope-endpoint-${SUFFIX}.abc123xyz789.${standIn.emulator.region}.redshift.amazonaws.com`;
    const pool = createRedshiftPool({ host, database: 'dev', ssl: false, stream: routeTo(standIn.pg).stream, iam: iam() });
    await withPool(pool, async () => {
      const error = await rejection(pool.query('SELECT 1'));
      expect(error).toMatchObject({ name: 'RedshiftIamError', code: 'ENDPOINT_NOT_FOUND' });
      expect(error.hint).toContain('iam.clusterIdentifier');
      expect(operations()).toEqual(['DescribeEndpointAccess']);
    });
  });

  it('verifies TLS on port 5439 by default', () => {
    const options = redshiftPoolConfig({ host: clusterEndpointHost(), database: 'dev', iam: iam() });
    try {
      expect(options).toMatchObject({ host: clusterEndpointHost(), port: 5439, ssl: { rejectUnauthorized: true } });
    } finally {
      void options.credentials.close();
    }
  });
});

describe('a custom domain host', () => {
  it('of a cluster: the CNAME gives the region, DescribeCustomDomainAssociations the owner, once', async () => {
    const route = routeTo(standIn.pg);
    const pool = createRedshiftPool({ host: 'warehouse.example.com', database: 'dev', ssl: false, stream: route.stream, max: 3, iam: iam() });
    await withPool(pool, async () => {
      expect(await threeLogins(pool)).toEqual([USER, USER, USER]);
      expect(operations()).toEqual(['DescribeCustomDomainAssociations', 'GetClusterCredentialsWithIAM']);
      expect(standIn.emulator.calls[1]!.params).toMatchObject({ CustomDomainName: 'warehouse.example.com', DbName: 'dev' });
      expect(route.dialed).toEqual(Array(3).fill('warehouse.example.com:5439'));
      expect(cname).toHaveBeenCalledTimes(1);
    });
  });

  it('of a workgroup: ListCustomDomainAssociations, then GetCredentials with the domain', async () => {
    const pool = createRedshiftPool({ host: 'lake.example.com', database: 'dev', ssl: false, stream: routeTo(standIn.pg).stream, max: 3, iam: iam() });
    await withPool(pool, async () => {
      expect(await threeLogins(pool)).toEqual([USER, USER, USER]);
      expect(operations()).toEqual(['ListCustomDomainAssociations', 'GetCredentials']);
      expect(standIn.emulator.calls[1]!.params).toMatchObject({ customDomainName: 'lake.example.com' });
    });
  });

  it('an unknown domain is ENDPOINT_NOT_FOUND naming the options that avoid the lookup', async () => {
    const pool = createRedshiftPool({ host: 'unknown.example.com', database: 'dev', ssl: false, stream: routeTo(standIn.pg).stream, iam: { ...iam(), region: standIn.emulator.region } });
    await withPool(pool, async () => {
      const error = await rejection(pool.query('SELECT 1'));
      expect(error).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
      expect(error.hint).toContain('iam.clusterIdentifier');
      expect(error.hint).toContain('iam.workgroupName');
    });
  });
});

describe('no host: the address is looked up', () => {
  withoutPgHostEnv();

  it('DescribeClusters once per pool, then every connection goes to the cluster address', async () => {
    const pool = createRedshiftPool({ database: 'dev', ssl: false, max: 3, iam: { ...iam(), clusterIdentifier: 'sales', region: standIn.emulator.region } });
    await withPool(pool, async () => {
      expect(await threeLogins(pool)).toEqual([USER, USER, USER]);
      expect(await threeLogins(pool)).toEqual([USER, USER, USER]);
      expect(operations()).toEqual(['DescribeClusters', 'GetClusterCredentialsWithIAM']);
      expect(await pool.credentials.address()).toEqual({ host: standIn.pg.host, port: standIn.pg.port });
    });
  });

  it('GetWorkgroup for a workgroup, with createRedshiftClient', async () => {
    const client = createRedshiftClient({ database: 'dev', ssl: false, iam: { ...iam(), workgroupName: 'bi-wg', region: standIn.emulator.region } });
    try {
      await client.connect();
      expect((await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u).toBe(USER);
      expect(operations()).toEqual(['GetWorkgroup', 'GetCredentials']);
    } finally {
      await client.end();
    }
  });

  it('an unknown cluster is CLUSTER_NOT_FOUND; no credentials call', async () => {
    const pool = createRedshiftPool({ database: 'dev', ssl: false, iam: { ...iam(), clusterIdentifier: 'missing', region: standIn.emulator.region } });
    await withPool(pool, async () => {
      const error = await rejection(pool.query('SELECT 1'));
      expect(error).toMatchObject({ code: 'CLUSTER_NOT_FOUND' });
      expect(operations()).toEqual(['DescribeClusters']);
    });
  });

  it('defaults to verified TLS and dials the looked-up address and port (pg names that host to TLS)', async () => {
    // The test PostgreSQL speaks no TLS: the connect fails at the TLS step, after pg dialled the looked-up address.
    const route = routeTo(standIn.pg);
    standIn.emulator.addCluster({ clusterIdentifier: 'named', address: 'named.abc123xyz789.us-east-1.redshift.amazonaws.com', port: 5440 });
    const pool = createRedshiftPool({ database: 'dev', stream: route.stream, iam: { ...iam(), clusterIdentifier: 'named', region: standIn.emulator.region } });
    await withPool(pool, async () => {
      expect(pool.options).toMatchObject({ ssl: { rejectUnauthorized: true } });
      await expect(pool.query('SELECT 1')).rejects.toThrow(/SSL|TLS/i);
      expect(route.dialed).toEqual(['named.abc123xyz789.us-east-1.redshift.amazonaws.com:5440']);
    });
  });

  it('createRedshiftPool() without arguments takes host and database from PGHOST and PGDATABASE', async () => {
    Object.assign(process.env, standIn.emulator.environment(), {
      PGHOST: `sales.abc123xyz789.${standIn.emulator.region}.redshift.amazonaws.com`,
      PGDATABASE: 'dev',
    });
    delete process.env.AWS_PROFILE;
    const pool = createRedshiftPool();
    await withPool(pool, async () => {
      expect(pool.options).toMatchObject({ host: process.env.PGHOST, port: 5439, database: 'dev', ssl: { rejectUnauthorized: true } });
      expect(pool.credentials.target).toMatchObject({ clusterIdentifier: 'sales', database: 'dev' });
      expect((await pool.credentials.get()).user).toBe(USER);
    });
  });
});
