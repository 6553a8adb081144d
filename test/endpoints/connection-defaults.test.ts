import { connectionDefaults, isRedshiftAddress } from '../../lib/pg/connection-defaults';

const SUFFIX = 'k7rfausgmlzieup51zgg';
const env = {};

describe('Redshift connection defaults for every kind of address', () => {
  it.each([
    ['a cluster endpoint', 'sales.abc123xyz789.us-east-1.redshift.amazonaws.com', {}],
    ['a managed VPC endpoint (provisioned)', `etl-endpoint-${SUFFIX}.abc123xyz789.us-east-1.redshift.amazonaws.com`, {}],
    ['a managed VPC endpoint (Serverless)', `bi-endpoint-${SUFFIX}.123456789012.us-east-1.redshift-serverless.amazonaws.com`, {}],
    ['a custom domain host', 'warehouse.example.com', {}],
    ['a tunnel with iam.customDomainName', 'localhost', { customDomainName: 'warehouse.example.com' }],
  ])('%s: port 5439 and verified TLS', (_kind, host, iam) => {
    expect(isRedshiftAddress(host, iam)).toBe(true);
    expect(connectionDefaults({ host, database: 'dev' }, iam, env)).toEqual({ host, port: 5439, database: 'dev', ssl: { rejectUnauthorized: true } });
  });

  it.each([['localhost'], ['127.0.0.1'], ['db'], ['host.docker.internal'], ['vpce-0abc.redshift.us-east-1.vpce.amazonaws.com']])('%s is a tunnel: pg defaults', (host) => {
    expect(connectionDefaults({ host, database: 'dev' }, { clusterIdentifier: 'sales' }, env)).toEqual({ host, port: undefined, database: 'dev', ssl: undefined });
  });

  it('no host with a named cluster or workgroup: verified TLS, the port left to the lookup', () => {
    for (const iam of [{ clusterIdentifier: 'sales' }, { workgroupName: 'bi-wg' }]) {
      expect(connectionDefaults({ database: 'dev' }, iam, env)).toEqual({ host: undefined, port: undefined, database: 'dev', ssl: { rejectUnauthorized: true } });
    }
  });

  it('explicit ssl and port win', () => {
    expect(connectionDefaults({ host: 'warehouse.example.com', port: 6000, ssl: false, database: 'dev' }, {}, env)).toMatchObject({ port: 6000, ssl: false });
    expect(connectionDefaults({ database: 'dev', ssl: false }, { clusterIdentifier: 'sales' }, env)).toMatchObject({ ssl: false });
  });
});
