import { RedshiftIamError } from '../../lib/errors';
import { planTarget, resolveTarget } from '../../lib/options/validate';
import type { RedshiftCredentialsOptions } from '../../lib/options/types';

const CLUSTER_HOST = 'examplecluster.abc123.us-east-1.redshift.amazonaws.com';
const WORKGROUP_HOST = 'wg1.123456789012.us-east-1.redshift-serverless.amazonaws.com';
const PROVISIONED_ENDPOINT = 'etl-endpoint-a1b2c3d4e5f6g7h8i9j0.abc123xyz789.eu-west-1.redshift.amazonaws.com';
const SERVERLESS_ENDPOINT = 'bi-endpoint-k7rfausgmlzieup51zgg.123456789012.eu-west-1.redshift-serverless.amazonaws.com';
const ROLE = 'arn:aws:iam::123456789012:role/analytics/ReadOnly';

function rejection(options: RedshiftCredentialsOptions): RedshiftIamError {
  try {
    resolveTarget(options, 'iam.');
  } catch (error) {
    expect(error).toBeInstanceOf(RedshiftIamError);
    return error as RedshiftIamError;
  }
  throw new Error('expected INVALID_OPTION');
}

describe('resolveTarget', () => {
  it('infers cluster and region from the host and uses GetClusterCredentialsWithIAM', () => {
    expect(resolveTarget({ host: CLUSTER_HOST, database: 'dev' })).toMatchObject({
      api: 'GetClusterCredentialsWithIAM', clusterIdentifier: 'examplecluster', region: 'us-east-1', database: 'dev', durationSeconds: 900,
    });
  });

  it('uses GetClusterCredentials with dbUser, autoCreate and dbGroups', () => {
    expect(resolveTarget({ clusterIdentifier: 'c1', dbUser: 'alice', autoCreate: true, dbGroups: ['analysts'], database: 'dev' })).toMatchObject({
      api: 'GetClusterCredentials', dbUser: 'alice', autoCreate: true, dbGroups: ['analysts'],
    });
  });

  it('infers a workgroup and uses GetCredentials', () => {
    expect(resolveTarget({ host: WORKGROUP_HOST, durationSeconds: 3600 })).toMatchObject({ api: 'GetCredentials', workgroupName: 'wg1', durationSeconds: 3600 });
  });

  it.each<[string, RedshiftCredentialsOptions, string]>([
    ['duration below 900', { clusterIdentifier: 'c1', durationSeconds: 899 }, 'iam.durationSeconds'],
    ['duration above 3600', { clusterIdentifier: 'c1', durationSeconds: 3601 }, 'iam.durationSeconds'],
    ['fractional duration', { clusterIdentifier: 'c1', durationSeconds: 900.5 }, 'iam.durationSeconds'],
    ['no cluster on a plain host', { host: 'localhost' }, 'iam.clusterIdentifier'],
    ['cluster and workgroup', { clusterIdentifier: 'c1', workgroupName: 'wg1' }, 'iam.workgroupName'],
    ['dbUser on Serverless', { workgroupName: 'wg1', dbUser: 'alice' }, 'iam.dbUser'],
    ['dbGroups without dbUser', { clusterIdentifier: 'c1', dbGroups: ['g'] }, 'iam.dbGroups'],
    ['autoCreate without dbUser', { clusterIdentifier: 'c1', autoCreate: true }, 'iam.autoCreate'],
    ['database with a colon', { clusterIdentifier: 'c1', database: 'a:b' }, 'database'],
    ['database with a slash', { clusterIdentifier: 'c1', database: 'a/b' }, 'database'],
    ['database starting with a digit', { clusterIdentifier: 'c1', database: '1db' }, 'database'],
    ['database of 65 characters', { clusterIdentifier: 'c1', database: `d${'x'.repeat(64)}` }, 'database'],
    ['reserved word as database', { clusterIdentifier: 'c1', database: 'select' }, 'database'],
    ['reserved word as dbUser', { clusterIdentifier: 'c1', dbUser: 'USER' }, 'iam.dbUser'],
    ['bad group', { clusterIdentifier: 'c1', dbUser: 'a', dbGroups: ['ok', 'no/pe'] }, 'iam.dbGroups[1]'],
    ['bad region', { clusterIdentifier: 'c1', region: 'mars' }, 'iam.region'],
    ['a VPC endpoint host, no cluster named', { host: PROVISIONED_ENDPOINT }, 'iam.clusterIdentifier'],
    ['a Serverless VPC endpoint host, no workgroup named', { host: SERVERLESS_ENDPOINT }, 'iam.workgroupName'],
    ['a custom domain host, no target named', { host: 'warehouse.example.com' }, 'iam.customDomainName'],
    ['dbUser through a Serverless VPC endpoint', { host: SERVERLESS_ENDPOINT, dbUser: 'alice' }, 'iam.dbUser'],
    ['role ARN of a user', { clusterIdentifier: 'c1', roleArn: 'arn:aws:iam::123456789012:user/alice' }, 'iam.roleArn'],
    ['role ARN with a short account', { clusterIdentifier: 'c1', roleArn: 'arn:aws:iam::12345:role/r' }, 'iam.roleArn'],
    ['role ARN in another partition', { clusterIdentifier: 'c1', region: 'cn-north-1', roleArn: 'arn:aws:iam::123456789012:role/r' }, 'iam.roleArn'],
    ['role ARN in another partition than the host', { host: CLUSTER_HOST, roleArn: 'arn:aws-cn:iam::123456789012:role/r' }, 'iam.roleArn'],
    ['ExternalId of 1 character', { clusterIdentifier: 'c1', roleArn: ROLE, externalId: 'x' }, 'iam.externalId'],
    ['ExternalId of 1225 characters', { clusterIdentifier: 'c1', roleArn: ROLE, externalId: 'x'.repeat(1225) }, 'iam.externalId'],
    ['ExternalId with a space', { clusterIdentifier: 'c1', roleArn: ROLE, externalId: 'ab cd' }, 'iam.externalId'],
    ['session name of 65 characters', { clusterIdentifier: 'c1', roleArn: ROLE, roleSessionName: 's'.repeat(65) }, 'iam.roleSessionName'],
    ['session name with a slash', { clusterIdentifier: 'c1', roleArn: ROLE, roleSessionName: 'a/b' }, 'iam.roleSessionName'],
    ['STS endpoint not a URL', { clusterIdentifier: 'c1', roleArn: ROLE, stsEndpoint: 'sts.local:4566' }, 'iam.stsEndpoint'],
    ['externalId without roleArn', { clusterIdentifier: 'c1', externalId: 'abc' }, 'iam.externalId'],
    ['roleSessionName without roleArn', { clusterIdentifier: 'c1', roleSessionName: 'abc' }, 'iam.roleSessionName'],
    ['stsEndpoint without roleArn', { clusterIdentifier: 'c1', stsEndpoint: 'http://127.0.0.1:1' }, 'iam.stsEndpoint'],
    ['bad cluster identifier', { clusterIdentifier: 'a--b' }, 'iam.clusterIdentifier'],
    ['bad workgroup name', { workgroupName: 'WG_1' }, 'iam.workgroupName'],
    ['unknown option', { clusterIdentifier: 'c1', clusterId: 'x' } as RedshiftCredentialsOptions, 'iam.clusterId'],
    ['credentials without secret', { clusterIdentifier: 'c1', credentials: { accessKeyId: 'AKIA', secretAccessKey: '' } }, 'iam.credentials'],
    ['endpoint not a URL', { clusterIdentifier: 'c1', endpoint: 'localhost:4566' }, 'iam.endpoint'],
    ['refresh window as long as the duration', { clusterIdentifier: 'c1', refreshWindowSeconds: 900 }, 'iam.refreshWindowSeconds'],
  ])('rejects %s, naming the option', (_, options, option) => {
    const error = rejection(options);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.option).toBe(option);
    expect(error.message).toContain(option);
  });

  it('names the option, not a TypeError, for values that cannot be turned into a string', () => {
    // Found by the property test: String({ toString: 0 }) throws.
    const odd = [{ toString: 0 }, Object.create(null) as object, Symbol('s'), [1]];
    for (const option of ['durationSeconds', 'refreshWindowSeconds', 'fetchTimeoutSeconds', 'waitTimeoutSeconds']) {
      for (const value of odd) {
        const error = rejection({ clusterIdentifier: 'c1', region: 'us-east-1', [option]: value } as RedshiftCredentialsOptions);
        expect(error).toMatchObject({ code: 'INVALID_OPTION', option: `iam.${option}` });
        expect(error.message).toMatch(/an object|an array|a symbol/);
      }
    }
  });

  it('rejects a non-object with INVALID_OPTION', () => {
    for (const value of [null, 42, 'x', []]) {
      expect(() => resolveTarget(value as unknown as RedshiftCredentialsOptions)).toThrow(RedshiftIamError);
    }
  });

  it('lets explicit names win over the host: cluster, workgroup and region', () => {
    expect(resolveTarget({ host: CLUSTER_HOST, clusterIdentifier: 'other', region: 'eu-west-1' })).toMatchObject({
      api: 'GetClusterCredentialsWithIAM', clusterIdentifier: 'other', region: 'eu-west-1',
    });
    expect(resolveTarget({ host: CLUSTER_HOST, workgroupName: 'wg9' })).toMatchObject({ api: 'GetCredentials', workgroupName: 'wg9', clusterIdentifier: undefined, region: 'us-east-1' });
    expect(resolveTarget({ host: WORKGROUP_HOST, clusterIdentifier: 'c1' })).toMatchObject({ api: 'GetClusterCredentialsWithIAM', clusterIdentifier: 'c1', workgroupName: undefined });
  });

  it('needs no lookup through a VPC endpoint when the cluster or workgroup is named, and takes the region from the host', () => {
    expect(resolveTarget({ host: PROVISIONED_ENDPOINT, clusterIdentifier: 'sales' })).toMatchObject({ clusterIdentifier: 'sales', region: 'eu-west-1' });
    expect(resolveTarget({ host: SERVERLESS_ENDPOINT, workgroupName: 'bi-wg' })).toMatchObject({ api: 'GetCredentials', workgroupName: 'bi-wg', region: 'eu-west-1' });
  });

  it('accepts a role with ExternalId, session name and STS endpoint', () => {
    expect(() => resolveTarget({
      clusterIdentifier: 'c1', region: 'us-gov-west-1', roleArn: 'arn:aws-us-gov:iam::123456789012:role/r', externalId: 'tenant:42/a=b', roleSessionName: 'etl@nightly', stsEndpoint: 'https://sts.us-gov-west-1.amazonaws.com',
    })).not.toThrow();
    expect(() => resolveTarget({ clusterIdentifier: 'c1', roleArn: ROLE })).not.toThrow();
  });
});

describe('planTarget', () => {
  it('plans a lookup for a provisioned VPC endpoint in the host\'s region, unless a region is given', () => {
    expect(planTarget({ host: PROVISIONED_ENDPOINT })).toMatchObject({
      target: undefined, lookup: { kind: 'provisioned-endpoint', endpointName: 'etl', region: 'eu-west-1', host: PROVISIONED_ENDPOINT },
    });
    expect(planTarget({ host: PROVISIONED_ENDPOINT, region: 'eu-west-2' }).lookup).toMatchObject({ region: 'eu-west-2' });
  });

  it('plans a lookup for a Serverless VPC endpoint', () => {
    expect(planTarget({ host: SERVERLESS_ENDPOINT }).lookup).toEqual({ kind: 'serverless-endpoint', endpointName: 'bi', region: 'eu-west-1', host: SERVERLESS_ENDPOINT });
  });

  it('takes a DNS name that is no Redshift endpoint for the custom domain, with the region if given', () => {
    expect(planTarget({ host: 'Warehouse.Example.com', database: 'dev' }).lookup).toEqual({ kind: 'custom-domain', domainName: 'warehouse.example.com', region: undefined });
    expect(planTarget({ host: 'warehouse.example.com', region: 'us-west-2' }).lookup).toMatchObject({ region: 'us-west-2' });
  });

  it('keeps tunnels as they were: a cluster must be named', () => {
    for (const host of ['localhost', '127.0.0.1', 'host.docker.internal', 'bastion']) {
      expect(() => planTarget({ host })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'clusterIdentifier' }));
      expect(planTarget({ host, clusterIdentifier: 'c1' }).target).toMatchObject({ clusterIdentifier: 'c1' });
    }
  });

  it('completes a found identity with the same rules as the synchronous path', () => {
    const plan = planTarget({ host: 'warehouse.example.com', database: 'dev', dbUser: 'alice' }, 'iam.');
    expect(plan.complete({ kind: 'provisioned', clusterIdentifier: undefined, customDomainName: 'warehouse.example.com', region: 'us-east-1' })).toEqual(
      resolveTarget({ customDomainName: 'warehouse.example.com', region: 'us-east-1', database: 'dev', dbUser: 'alice' }),
    );
    expect(() => plan.complete({ kind: 'serverless', workgroupName: 'wg1', customDomainName: 'warehouse.example.com', region: 'us-east-1' }))
      .toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'iam.dbUser' }));
  });

  it('plans no lookup without a host when a cluster or workgroup is named', () => {
    expect(planTarget({ clusterIdentifier: 'c1', region: 'us-east-1' })).toMatchObject({ lookup: undefined, host: undefined, target: { clusterIdentifier: 'c1' } });
  });
});
