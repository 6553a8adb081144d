import {
  ClusterNotFoundFault,
  CustomDomainAssociationNotFoundFault,
  DescribeClustersCommand,
  DescribeCustomDomainAssociationsCommand,
  DescribeEndpointAccessCommand,
  EndpointNotFoundFault,
  GetClusterCredentialsCommand,
  GetClusterCredentialsWithIAMCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  GetCredentialsCommand,
  GetEndpointAccessCommand,
  GetWorkgroupCommand,
  ListCustomDomainAssociationsCommand,
  RedshiftServerlessClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-redshift-serverless';
import { startRedshiftEmulator, type RedshiftEmulator } from '../../lib/testing';
import { testPostgres } from '../setup/test-postgres';
import { loginUser, rejectionOf } from './emulator-helpers';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'emudisc';

let emulator: RedshiftEmulator;
let redshift: RedshiftClient;
let serverless: RedshiftServerlessClient;

beforeAll(async () => {
  emulator = await startRedshiftEmulator({
    postgres: testPostgres(),
    iamUserName: `${NAME}-user`,
    roleName: `${NAME}-role`,
    clusters: [{ clusterIdentifier: 'examplecluster' }, { clusterIdentifier: 'Remote', address: 'remote.internal', port: 5439, customDomainName: 'remote.example.com' }],
    workgroups: [{ workgroupName: 'default-workgroup' }, { workgroupName: 'far', address: 'far.internal', port: 6543 }],
  });
  // One attempt: a modelled error must arrive as itself, not after retries.
  redshift = new RedshiftClient({ ...emulator.clientConfig(), maxAttempts: 1 });
  serverless = new RedshiftServerlessClient({ ...emulator.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  redshift?.destroy();
  serverless?.destroy();
  await emulator?.close();
});

describe('Redshift lookups', () => {
  it('DescribeClusters answers Endpoint.Address/Port, by default the PostgreSQL server; unknown is ClusterNotFound', async () => {
    const { host, port } = testPostgres();
    const out = await redshift.send(new DescribeClustersCommand({ ClusterIdentifier: 'ExampleCluster' }));
    expect(out.Clusters).toHaveLength(1);
    expect(out.Clusters?.[0]).toMatchObject({ ClusterIdentifier: 'examplecluster', ClusterStatus: 'available', DBName: 'dev', Endpoint: { Address: host, Port: port } });

    const remote = await redshift.send(new DescribeClustersCommand({ ClusterIdentifier: 'remote' }));
    expect(remote.Clusters?.[0]).toMatchObject({ Endpoint: { Address: 'remote.internal', Port: 5439 }, CustomDomainName: 'remote.example.com' });
    const all = await redshift.send(new DescribeClustersCommand({}));
    expect(all.Clusters?.map((cluster) => cluster.ClusterIdentifier)).toEqual(['examplecluster', 'remote']);

    const error = await rejectionOf(redshift.send(new DescribeClustersCommand({ ClusterIdentifier: 'nope' })));
    expect(error).toBeInstanceOf(ClusterNotFoundFault);
    expect(error).toMatchObject({ message: 'Cluster nope not found.', $metadata: { httpStatusCode: 404 } });
  });

  it('DescribeEndpointAccess maps an endpoint to its cluster and address; unknown is EndpointNotFound', async () => {
    emulator.addEndpointAccess({ endpointName: 'etl-endpoint', clusterIdentifier: 'examplecluster', address: 'vpce-1.internal', port: 5440 });
    emulator.addEndpointAccess({ endpointName: 'remote-endpoint', clusterIdentifier: 'remote' });
    const out = await redshift.send(new DescribeEndpointAccessCommand({ EndpointName: 'ETL-endpoint' }));
    expect(out.EndpointAccessList).toEqual([
      expect.objectContaining({ EndpointName: 'etl-endpoint', ClusterIdentifier: 'examplecluster', Address: 'vpce-1.internal', Port: 5440, EndpointStatus: 'active' }),
    ]);
    // Without an address of its own, an endpoint answers its cluster's.
    const remote = await redshift.send(new DescribeEndpointAccessCommand({ EndpointName: 'remote-endpoint' }));
    expect(remote.EndpointAccessList?.[0]).toMatchObject({ ClusterIdentifier: 'remote', Address: 'remote.internal', Port: 5439 });
    const byCluster = await redshift.send(new DescribeEndpointAccessCommand({ ClusterIdentifier: 'remote' }));
    expect(byCluster.EndpointAccessList?.map((endpoint) => endpoint.EndpointName)).toEqual(['remote-endpoint']);

    const error = await rejectionOf(redshift.send(new DescribeEndpointAccessCommand({ EndpointName: 'missing' })));
    expect(error).toBeInstanceOf(EndpointNotFoundFault);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 404 } });
    // A workgroup's endpoint is not a Redshift (provisioned) endpoint.
    emulator.addEndpointAccess({ endpointName: 'wg-only', workgroupName: 'far' });
    expect(await rejectionOf(redshift.send(new DescribeEndpointAccessCommand({ EndpointName: 'wg-only' })))).toBeInstanceOf(EndpointNotFoundFault);
    expect(await rejectionOf(redshift.send(new DescribeEndpointAccessCommand({ ClusterIdentifier: 'nope' })))).toBeInstanceOf(ClusterNotFoundFault);
  });

  it('DescribeCustomDomainAssociations maps a domain to its cluster; an unknown domain is CustomDomainAssociationNotFoundFault', async () => {
    emulator.addCustomDomain({ customDomainName: 'Warehouse.Example.com', clusterIdentifier: 'examplecluster' });
    const out = await redshift.send(new DescribeCustomDomainAssociationsCommand({ CustomDomainName: 'warehouse.example.com' }));
    expect(out.Associations).toHaveLength(1);
    expect(out.Associations?.[0]?.CertificateAssociations).toEqual([{ CustomDomainName: 'Warehouse.Example.com', ClusterIdentifier: 'examplecluster' }]);
    expect(out.Associations?.[0]?.CustomDomainCertificateArn).toMatch(/^arn:aws:acm:us-east-1:\d{12}:certificate\//);
    expect(out.Associations?.[0]?.CustomDomainCertificateExpiryDate).toBeInstanceOf(Date);
    const all = await redshift.send(new DescribeCustomDomainAssociationsCommand({}));
    expect(all.Associations?.flatMap((association) => association.CertificateAssociations?.map((item) => item.ClusterIdentifier))).toEqual([
      'Remote',
      'examplecluster',
    ]);

    const error = await rejectionOf(redshift.send(new DescribeCustomDomainAssociationsCommand({ CustomDomainName: 'other.example.com' })));
    expect(error).toBeInstanceOf(CustomDomainAssociationNotFoundFault);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('the credential operations take CustomDomainName instead of ClusterIdentifier', async () => {
    emulator.addCustomDomain({ customDomainName: 'iam.example.com', clusterIdentifier: 'examplecluster' });
    const out = await redshift.send(new GetClusterCredentialsWithIAMCommand({ CustomDomainName: 'IAM.example.com', DbName: 'dev' }));
    expect(await loginUser(out.DbUser, out.DbPassword)).toBe(`IAM:${NAME}-user`);
    const dbUser = await redshift.send(new GetClusterCredentialsCommand({ CustomDomainName: 'iam.example.com', DbUser: `${NAME}_auto`, AutoCreate: true }));
    expect(await loginUser(dbUser.DbUser, dbUser.DbPassword)).toBe(`IAMA:${NAME}_auto`);
    expect(await rejectionOf(redshift.send(new GetClusterCredentialsWithIAMCommand({ CustomDomainName: 'unknown.example.com' })))).toBeInstanceOf(
      CustomDomainAssociationNotFoundFault,
    );
  });
});

describe('Redshift Serverless lookups', () => {
  it('GetWorkgroup answers workgroup.endpoint.address/port; unknown is ResourceNotFoundException', async () => {
    const { host, port } = testPostgres();
    const out = await serverless.send(new GetWorkgroupCommand({ workgroupName: 'default-workgroup' }));
    expect(out.workgroup).toMatchObject({ workgroupName: 'default-workgroup', status: 'AVAILABLE', endpoint: { address: host, port } });
    expect(out.workgroup?.creationDate).toBeInstanceOf(Date);
    const far = await serverless.send(new GetWorkgroupCommand({ workgroupName: 'far' }));
    expect(far.workgroup?.endpoint).toMatchObject({ address: 'far.internal', port: 6543 });

    const error = await rejectionOf(serverless.send(new GetWorkgroupCommand({ workgroupName: 'nope' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ resourceName: 'nope', $metadata: { httpStatusCode: 404 } });
  });

  it('GetEndpointAccess maps an endpoint to its workgroup and address; unknown is ResourceNotFoundException', async () => {
    emulator.addEndpointAccess({ endpointName: 'bi-endpoint', workgroupName: 'default-workgroup', address: 'bi-endpoint-endpoint-abc.internal' });
    const out = await serverless.send(new GetEndpointAccessCommand({ endpointName: 'bi-endpoint' }));
    expect(out.endpoint).toMatchObject({
      endpointName: 'bi-endpoint',
      workgroupName: 'default-workgroup',
      address: 'bi-endpoint-endpoint-abc.internal',
      port: testPostgres().port,
      endpointStatus: 'ACTIVE',
    });
    expect(await rejectionOf(serverless.send(new GetEndpointAccessCommand({ endpointName: 'missing' })))).toBeInstanceOf(ResourceNotFoundException);
    // A cluster's endpoint is not a Serverless endpoint.
    expect(await rejectionOf(serverless.send(new GetEndpointAccessCommand({ endpointName: 'etl-endpoint' })))).toBeInstanceOf(ResourceNotFoundException);
  });

  it('ListCustomDomainAssociations filters by domain (no match: an empty list); GetCredentials takes customDomainName', async () => {
    emulator.addCustomDomain({ customDomainName: 'lake.example.com', workgroupName: 'default-workgroup' });
    const out = await serverless.send(new ListCustomDomainAssociationsCommand({ customDomainName: 'lake.example.com' }));
    expect(out.associations).toEqual([
      expect.objectContaining({ customDomainName: 'lake.example.com', workgroupName: 'default-workgroup', customDomainCertificateArn: expect.stringContaining(':certificate/') }),
    ]);
    expect(out.associations?.[0]?.customDomainCertificateExpiryTime).toBeInstanceOf(Date);
    // Cluster domains are not Serverless associations.
    expect((await serverless.send(new ListCustomDomainAssociationsCommand({ customDomainName: 'remote.example.com' }))).associations).toEqual([]);

    const creds = await serverless.send(new GetCredentialsCommand({ customDomainName: 'lake.example.com', dbName: 'dev' }));
    expect(await loginUser(creds.dbUser, creds.dbPassword)).toBe(`IAM:${NAME}-user`);
    expect(await rejectionOf(serverless.send(new GetCredentialsCommand({ customDomainName: 'remote.example.com' })))).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('faults of the lookups', () => {
  it('accessDenied names the lookup action and its resource, as IAM does', async () => {
    emulator.failNext(1, 'accessDenied', 'DescribeClusters');
    expect(await rejectionOf(redshift.send(new DescribeClustersCommand({ ClusterIdentifier: 'examplecluster' })))).toMatchObject({
      name: 'AccessDenied',
      message: `User: ${emulator.identities.iamUser.arn} is not authorized to perform: redshift:DescribeClusters on resource: arn:aws:redshift:us-east-1:${emulator.accountId}:cluster:examplecluster`,
    });
    emulator.failNext(1, 'accessDenied', 'GetWorkgroup');
    expect(await rejectionOf(serverless.send(new GetWorkgroupCommand({ workgroupName: 'far' })))).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`redshift-serverless:GetWorkgroup on resource: arn:aws:redshift-serverless:us-east-1:${emulator.accountId}:workgroup/far`),
    });
    // The queue was used up: the next calls succeed.
    await redshift.send(new DescribeClustersCommand({ ClusterIdentifier: 'examplecluster' }));
    await serverless.send(new GetWorkgroupCommand({ workgroupName: 'far' }));
  });
});

describe('registration controls', () => {
  it('refuse bad names, unknown targets and ambiguous targets', () => {
    expect(() => emulator.addEndpointAccess({ endpointName: '1bad', clusterIdentifier: 'examplecluster' })).toThrow(TypeError);
    expect(() => emulator.addEndpointAccess({ endpointName: 'double--hyphen', clusterIdentifier: 'examplecluster' })).toThrow(TypeError);
    expect(() => emulator.addEndpointAccess({ endpointName: 'a'.repeat(31), clusterIdentifier: 'examplecluster' })).toThrow(TypeError);
    expect(() => emulator.addEndpointAccess({ endpointName: 'ok', clusterIdentifier: 'nope' })).toThrow(/addCluster it first/);
    expect(() => emulator.addEndpointAccess({ endpointName: 'ok', clusterIdentifier: 'examplecluster', workgroupName: 'far' })).toThrow(/exactly one/);
    expect(() => emulator.addCustomDomain({ customDomainName: 'x.example.com' })).toThrow(/exactly one/);
    expect(() => emulator.addCustomDomain({ customDomainName: 'x.example.com', workgroupName: 'nope' })).toThrow(/addWorkgroup it first/);
    expect(() => emulator.addCluster({ clusterIdentifier: 'c', port: 0 })).toThrow(TypeError);
  });
});
