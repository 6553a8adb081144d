import { parseRedshiftHost } from '../../lib/host';

describe('parseRedshiftHost', () => {
  it.each([
    ['examplecluster.abc123xyz789.us-west-2.redshift.amazonaws.com', { type: 'provisioned', clusterIdentifier: 'examplecluster', region: 'us-west-2' }],
    ['My-Cluster.ABC123.eu-central-1.redshift.amazonaws.com.', { type: 'provisioned', clusterIdentifier: 'my-cluster', region: 'eu-central-1' }],
    ['c1.xyz.cn-north-1.redshift.amazonaws.com.cn', { type: 'provisioned', clusterIdentifier: 'c1', region: 'cn-north-1' }],
    ['gov.xyz.us-gov-west-1.redshift.amazonaws.com', { type: 'provisioned', clusterIdentifier: 'gov', region: 'us-gov-west-1' }],
    ['default-wg.123456789012.us-east-1.redshift-serverless.amazonaws.com', { type: 'serverless', workgroupName: 'default-wg', accountId: '123456789012', region: 'us-east-1' }],
    ['wg1.123456789012.cn-northwest-1.redshift-serverless.amazonaws.com.cn', { type: 'serverless', workgroupName: 'wg1', accountId: '123456789012', region: 'cn-northwest-1' }],
    ['analytics.123456789012.us-gov-east-1.redshift-serverless.amazonaws.com', { type: 'serverless', workgroupName: 'analytics', accountId: '123456789012', region: 'us-gov-east-1' }],
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
