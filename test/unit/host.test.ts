import { classifyHost, parseRedshiftHost, partitionOfRegion } from '../../lib/host';

describe('parseRedshiftHost', () => {
  it.each([
    ['examplecluster.abc123xyz789.us-west-2.redshift.amazonaws.com', { type: 'provisioned', clusterIdentifier: 'examplecluster', region: 'us-west-2' }],
    ['My-Cluster.ABC123.eu-central-1.redshift.amazonaws.com.', { type: 'provisioned', clusterIdentifier: 'my-cluster', region: 'eu-central-1' }],
    ['c1.xyz.cn-north-1.redshift.amazonaws.com.cn', { type: 'provisioned', clusterIdentifier: 'c1', region: 'cn-north-1' }],
    ['gov.xyz.us-gov-west-1.redshift.amazonaws.com', { type: 'provisioned', clusterIdentifier: 'gov', region: 'us-gov-west-1' }],
    ['default-wg.123456789012.us-east-1.redshift-serverless.amazonaws.com', { type: 'serverless', workgroupName: 'default-wg', accountId: '123456789012', region: 'us-east-1' }],
    ['wg1.123456789012.cn-northwest-1.redshift-serverless.amazonaws.com.cn', { type: 'serverless', workgroupName: 'wg1', accountId: '123456789012', region: 'cn-northwest-1' }],
    ['analytics.123456789012.us-gov-east-1.redshift-serverless.amazonaws.com', { type: 'serverless', workgroupName: 'analytics', accountId: '123456789012', region: 'us-gov-east-1' }],
    // Managed VPC endpoints: the first label is <endpoint-name>-endpoint-<20 characters>, not the target.
    ['ddi-endpoint-endpoint-k7rfausgmlzieup51zgg.123456789012.eu-west-1.redshift-serverless.amazonaws.com', { type: 'serverless-endpoint', endpointName: 'ddi-endpoint', accountId: '123456789012', region: 'eu-west-1' }],
    ['etl-endpoint-a1b2c3d4e5f6g7h8i9j0.abc123xyz789.us-east-1.redshift.amazonaws.com', { type: 'provisioned-endpoint', endpointName: 'etl', region: 'us-east-1' }],
    ['ETL-Endpoint-A1B2C3D4E5F6G7H8I9J0.xyz.cn-north-1.redshift.amazonaws.com.cn.', { type: 'provisioned-endpoint', endpointName: 'etl', region: 'cn-north-1' }],
  ])('reads %s', (host, expected) => {
    expect(parseRedshiftHost(host)).toEqual(expected);
  });

  it.each([
    'localhost', '127.0.0.1', 'db.example.com', '', 'redshift.amazonaws.com',
    'a--b.xyz.us-east-1.redshift.amazonaws.com', 'trailing-.xyz.us-east-1.redshift.amazonaws.com',
    '1cluster.xyz.us-east-1.redshift.amazonaws.com', 'wg.12345.us-east-1.redshift-serverless.amazonaws.com',
    'c.xyz.us-east-1.redshift.amazonaws.com.evil.example', 'c.xyz.useast1.redshift.amazonaws.com',
  ])('returns undefined for %j', (host) => {
    expect(parseRedshiftHost(host)).toBeUndefined();
  });

  it('returns undefined for anything that is not a string', () => {
    for (const value of [undefined, null, 42, {}, [], Symbol('x'), () => 'x']) expect(parseRedshiftHost(value)).toBeUndefined();
  });
});

describe('classifyHost', () => {
  it.each([
    ['warehouse.example.com', { type: 'custom-domain', domainName: 'warehouse.example.com' }],
    ['Warehouse.Example.COM.', { type: 'custom-domain', domainName: 'warehouse.example.com' }],
    ['localhost', { type: 'tunnel' }],
    ['db.localhost', { type: 'tunnel' }],
    ['host.docker.internal', { type: 'tunnel' }],
    ['127.0.0.1', { type: 'tunnel' }],
    ['::1', { type: 'tunnel' }],
    ['/var/run/postgresql', { type: 'tunnel' }],
    ['redshift-proxy', { type: 'tunnel' }],
    ['vpce-0f8b12345678abcde-a1b2c3d4.vpce-svc-0a9f87654321fedcb.us-west-2.vpce.amazonaws.com', { type: 'tunnel' }],
    ['wg1.123456789012.us-east-1.redshift-serverless.amazonaws.com', { type: 'serverless', workgroupName: 'wg1', accountId: '123456789012', region: 'us-east-1' }],
  ])('classifies %s', (host, expected) => {
    expect(classifyHost(host)).toEqual(expected);
  });

  it('returns undefined without a host', () => {
    expect(classifyHost(undefined)).toBeUndefined();
  });
});

describe('partitionOfRegion', () => {
  it.each([
    ['us-east-1', 'aws'], ['cn-north-1', 'aws-cn'], ['us-gov-west-1', 'aws-us-gov'], ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'], ['eu-isoe-west-1', 'aws-iso-e'], ['us-isof-south-1', 'aws-iso-f'], ['eusc-de-east-1', 'aws-eusc'],
  ])('%s is in %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });
});
