import { RedshiftClient } from '@aws-sdk/client-redshift';
import { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { createTargetResolver, type CnameResolver, type DiscoveryClients, type TargetResolverOptions } from '../../lib/discovery';
import { planTarget } from '../../lib/options/validate';
import type { RedshiftCredentialsOptions } from '../../lib/options/types';
import { startRedshiftEmulator, type RedshiftEmulator } from '../../lib/testing';
import { testPostgres } from '../setup/test-postgres';
import { rejection } from '../setup/thrown-by';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'discres';
const SUFFIX = 'k7rfausgmlzieup51zgg';

let emulator: RedshiftEmulator;
const created: Array<{ destroy(): void }> = [];

/** Real SDK clients against the emulator, one attempt each so that faults arrive as themselves. */
function clients(): DiscoveryClients {
  const config = (region: string | undefined) => ({ endpoint: emulator.endpoint, credentials: emulator.identities.iamUser, region, maxAttempts: 1 });
  return {
    redshift: (region) => {
      const client = new RedshiftClient(config(region));
      created.push(client);
      return client;
    },
    serverless: (region) => {
      const client = new RedshiftServerlessClient(config(region));
      created.push(client);
      return client;
    },
  };
}

const noCname: CnameResolver = () => Promise.reject(Object.assign(new Error('queryCname ENODATA'), { code: 'ENODATA' }));

function resolverFor(options: RedshiftCredentialsOptions, extra: Partial<TargetResolverOptions> = {}) {
  return createTargetResolver(planTarget(options, 'iam.'), { clients: clients(), resolveCname: noCname, ...extra });
}


const operations = () => emulator.calls.map((call) => call.operation);

beforeAll(async () => {
  emulator = await startRedshiftEmulator({
    postgres: testPostgres(),
    iamUserName: `${NAME}-user`,
    roleName: `${NAME}-role`,
    clusters: [{ clusterIdentifier: 'sales' }, { clusterIdentifier: 'remote', address: 'remote.internal', port: 5440 }],
    workgroups: [{ workgroupName: 'bi-wg' }, { workgroupName: 'far', address: 'far.internal', port: 6543 }],
  });
  emulator.addEndpointAccess({ endpointName: 'etl', clusterIdentifier: 'sales' });
  emulator.addEndpointAccess({ endpointName: 'bi-endpoint', workgroupName: 'bi-wg' });
  emulator.addCustomDomain({ customDomainName: 'warehouse.example.com', clusterIdentifier: 'sales' });
  emulator.addCustomDomain({ customDomainName: 'lake.example.com', workgroupName: 'bi-wg' });
});

beforeEach(() => {
  emulator.clearCalls();
  emulator.clearFaults();
  emulator.setLatency(0);
});

afterAll(async () => {
  for (const client of created) client.destroy();
  await emulator?.close();
});

describe('createTargetResolver', () => {
  it('looks nothing up when the options name the target, whatever the host', async () => {
    const host = `etl-endpoint-${SUFFIX}.abc123xyz789.us-east-1.redshift.amazonaws.com`;
    const resolver = resolverFor({ host, clusterIdentifier: 'sales', database: 'dev' });
    expect(resolver.resolved?.target).toMatchObject({ api: 'GetClusterCredentialsWithIAM', clusterIdentifier: 'sales', region: 'us-east-1' });
    expect(await resolver.resolve()).toBe(resolver.resolved);
    expect(operations()).toEqual([]);
  });

  it('finds the cluster behind a provisioned VPC endpoint with one DescribeEndpointAccess for many concurrent connects', async () => {
    const resolver = resolverFor({ host: `etl-endpoint-${SUFFIX}.abc123xyz789.us-east-1.redshift.amazonaws.com`, database: 'dev' });
    expect(resolver.resolved).toBeUndefined();
    const results = await Promise.all(Array.from({ length: 5 }, () => resolver.resolve()));
    for (const result of results) {
      expect(result.target).toMatchObject({ api: 'GetClusterCredentialsWithIAM', clusterIdentifier: 'sales', region: 'us-east-1', database: 'dev' });
      expect(result.address).toBeUndefined();
    }
    await resolver.resolve();
    expect(operations()).toEqual(['DescribeEndpointAccess']);
  });

  it('finds the workgroup behind a Serverless VPC endpoint with GetEndpointAccess', async () => {
    const resolver = resolverFor({ host: `bi-endpoint-endpoint-${SUFFIX}.${'1'.repeat(12)}.us-east-1.redshift-serverless.amazonaws.com` });
    expect((await resolver.resolve()).target).toMatchObject({ api: 'GetCredentials', workgroupName: 'bi-wg', clusterIdentifier: undefined });
    expect(operations()).toEqual(['GetEndpointAccess']);
  });

  it('fails an unknown VPC endpoint with ENDPOINT_NOT_FOUND naming the option that avoids the lookup, and does not cache the failure', async () => {
    const resolver = resolverFor({ host: `later-endpoint-${SUFFIX}.abc123xyz789.us-east-1.redshift.amazonaws.com` });
    const error = await rejection(resolver.resolve());
    expect(error).toMatchObject({ name: 'RedshiftIamError', code: 'ENDPOINT_NOT_FOUND', awsErrorName: 'EndpointNotFoundFault' });
    expect(error.hint).toContain('iam.clusterIdentifier');
    emulator.addEndpointAccess({ endpointName: 'later', clusterIdentifier: 'remote' });
    expect((await resolver.resolve()).target.clusterIdentifier).toBe('remote');

    const serverless = resolverFor({ host: `gone-endpoint-${SUFFIX}.${'1'.repeat(12)}.us-east-1.redshift-serverless.amazonaws.com` });
    expect(await rejection(serverless.resolve())).toMatchObject({ code: 'ENDPOINT_NOT_FOUND', hint: expect.stringContaining('iam.workgroupName') });
  });

  it('takes a custom domain host to a cluster or a workgroup, asking both services when DNS gives no hint', async () => {
    const cluster = await resolverFor({ host: 'Warehouse.Example.com', region: 'us-east-1' }).resolve();
    expect(cluster.target).toMatchObject({ api: 'GetClusterCredentialsWithIAM', customDomainName: 'warehouse.example.com', clusterIdentifier: undefined, region: 'us-east-1' });
    const workgroup = await resolverFor({ host: 'lake.example.com', region: 'us-east-1' }).resolve();
    expect(workgroup.target).toMatchObject({ api: 'GetCredentials', customDomainName: 'lake.example.com', workgroupName: undefined });
    expect(operations().sort()).toEqual(['DescribeCustomDomainAssociations', 'DescribeCustomDomainAssociations', 'ListCustomDomainAssociations', 'ListCustomDomainAssociations']);
  });

  it('takes the region and the service from the Redshift endpoint a custom domain is a CNAME of', async () => {
    const asked: string[] = [];
    const resolveCname: CnameResolver = async (name) => {
      asked.push(name);
      return [`bi-wg.${'1'.repeat(12)}.us-east-1.redshift-serverless.amazonaws.com`];
    };
    const result = await resolverFor({ host: 'lake.example.com' }, { resolveCname }).resolve();
    expect(result.target).toMatchObject({ api: 'GetCredentials', customDomainName: 'lake.example.com', region: 'us-east-1' });
    expect(asked).toEqual(['lake.example.com']);
    expect(operations()).toEqual(['ListCustomDomainAssociations']);
  });

  it('fails a custom domain no cluster or workgroup has with ENDPOINT_NOT_FOUND', async () => {
    const error = await rejection(resolverFor({ host: 'nobody.example.com', region: 'us-east-1' }).resolve());
    expect(error.code).toBe('ENDPOINT_NOT_FOUND');
    expect(error.message).toContain('nobody.example.com');
    expect(error.hint).toContain('iam.clusterIdentifier');
  });

  it('rejects options that clash with what the lookup found (dbUser for a Serverless custom domain)', async () => {
    expect(await rejection(resolverFor({ host: 'lake.example.com', region: 'us-east-1', dbUser: 'alice' }).resolve()))
      .toMatchObject({ code: 'INVALID_OPTION', option: 'iam.dbUser' });
  });

  it('without a host, finds the address and port of a named cluster or workgroup (DescribeClusters / GetWorkgroup)', async () => {
    const cluster = await resolverFor({ clusterIdentifier: 'remote', region: 'us-east-1' }, { discoverAddress: true }).resolve();
    expect(cluster).toMatchObject({ address: 'remote.internal', port: 5440, target: { clusterIdentifier: 'remote' } });
    const workgroup = await resolverFor({ workgroupName: 'far', region: 'us-east-1' }, { discoverAddress: true }).resolve();
    expect(workgroup).toMatchObject({ address: 'far.internal', port: 6543, target: { api: 'GetCredentials', workgroupName: 'far' } });
    expect(operations()).toEqual(['DescribeClusters', 'GetWorkgroup']);
    // A custom domain named in the options is the address itself.
    expect(resolverFor({ customDomainName: 'warehouse.example.com' }, { discoverAddress: true }).resolved).toMatchObject({ address: 'warehouse.example.com' });
  });

  it('fails discovery of an unknown cluster or workgroup with CLUSTER_NOT_FOUND / WORKGROUP_NOT_FOUND', async () => {
    expect(await rejection(resolverFor({ clusterIdentifier: 'nope', region: 'us-east-1' }, { discoverAddress: true }).resolve()))
      .toMatchObject({ code: 'CLUSTER_NOT_FOUND', hint: expect.stringContaining('iam.clusterIdentifier') });
    expect(await rejection(resolverFor({ workgroupName: 'nope', region: 'us-east-1' }, { discoverAddress: true }).resolve()))
      .toMatchObject({ code: 'WORKGROUP_NOT_FOUND', hint: expect.stringContaining('iam.workgroupName') });
  });

  it('maps access denied to ACCESS_DENIED naming the action and its ARN', async () => {
    emulator.failNext(1, 'accessDenied', 'DescribeClusters');
    const error = await rejection(resolverFor({ clusterIdentifier: 'sales', region: 'us-east-1' }, { discoverAddress: true }).resolve());
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.hint).toContain('redshift:DescribeClusters on arn:aws:redshift:us-east-1:<account-id>:cluster:sales');
    emulator.failNext(1, 'accessDenied', 'GetEndpointAccess');
    const endpoint = await rejection(resolverFor({ host: `bi-endpoint-endpoint-${SUFFIX}.${'1'.repeat(12)}.us-east-1.redshift-serverless.amazonaws.com` }).resolve());
    expect(endpoint).toMatchObject({ code: 'ACCESS_DENIED', hint: expect.stringContaining('redshift-serverless:GetEndpointAccess') });
  });

  it('ends one caller\'s wait on its signal with CONNECT_ABORTED while the shared lookup goes on for the others', async () => {
    emulator.setLatency(100);
    const resolver = resolverFor({ host: `etl-endpoint-${SUFFIX}.abc123xyz789.us-east-1.redshift.amazonaws.com` });
    const controller = new AbortController();
    const first = resolver.resolve(controller.signal);
    const second = resolver.resolve();
    controller.abort();
    expect(await rejection(first)).toMatchObject({ code: 'CONNECT_ABORTED' });
    expect((await second).target.clusterIdentifier).toBe('sales');
    expect(operations()).toEqual(['DescribeEndpointAccess']);
    // A caller that already gave up starts nothing.
    const fresh = resolverFor({ host: `etl-endpoint-${SUFFIX}.abc123xyz789.us-east-1.redshift.amazonaws.com` });
    expect(await rejection(fresh.resolve(AbortSignal.abort()))).toMatchObject({ code: 'CONNECT_ABORTED' });
    expect(operations()).toEqual(['DescribeEndpointAccess']);
  });

  it('stops a lookup once every caller waiting for it gave up; the next caller starts a new one', async () => {
    emulator.failNext(1, 'stall', 'DescribeEndpointAccess');
    const resolver = resolverFor({ host: `etl-endpoint-${SUFFIX}.abc123xyz789.us-east-1.redshift.amazonaws.com` }, { timeoutMs: 10_000 });
    const callers = [new AbortController(), new AbortController()];
    const waits = callers.map((caller) => rejection(resolver.resolve(caller.signal)));
    while (emulator.calls.length < 1) await new Promise((resolve) => setImmediate(resolve));
    for (const caller of callers) caller.abort();
    for (const wait of waits) expect(await wait).toMatchObject({ code: 'CONNECT_ABORTED' });
    // Joining the abandoned lookup would wait on the stalled answer and fail at the 10 s deadline.
    expect((await resolver.resolve()).target.clusterIdentifier).toBe('sales');
    expect(operations()).toEqual(['DescribeEndpointAccess', 'DescribeEndpointAccess']);
  });

  it('gives up a lookup that never answers at its deadline with AWS_UNAVAILABLE', async () => {
    emulator.failNext(1, 'stall', 'DescribeEndpointAccess');
    const resolver = resolverFor({ host: `etl-endpoint-${SUFFIX}.abc123xyz789.us-east-1.redshift.amazonaws.com` }, { timeoutMs: 300 });
    expect(await rejection(resolver.resolve())).toMatchObject({ code: 'AWS_UNAVAILABLE', message: expect.stringContaining('0.3 s') });
    expect((await resolver.resolve()).target.clusterIdentifier).toBe('sales');
  });

  it('fails with INVALID_OPTION naming iam.region when neither options, DNS nor the SDK chain give a region', async () => {
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION, AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_PROFILE: process.env.AWS_PROFILE };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
    process.env.AWS_CONFIG_FILE = '/nonexistent/pg-redshift-iam-config';
    try {
      expect(await rejection(resolverFor({ host: 'warehouse.example.com' }).resolve())).toMatchObject({ code: 'INVALID_OPTION', option: 'iam.region' });
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
