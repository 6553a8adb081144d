import { RedshiftIamError } from '../../lib/errors';
import { resolveTarget } from '../../lib/options/validate';
import type { RedshiftCredentialsOptions } from '../../lib/options/types';

const CLUSTER_HOST = 'examplecluster.abc123.us-east-1.redshift.amazonaws.com';
const WORKGROUP_HOST = 'wg1.123456789012.us-east-1.redshift-serverless.amazonaws.com';

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
    ['region differs from host', { host: CLUSTER_HOST, region: 'eu-west-1' }, 'iam.region'],
    ['cluster differs from host', { host: CLUSTER_HOST, clusterIdentifier: 'other' }, 'iam.clusterIdentifier'],
    ['workgroup on a cluster host', { host: CLUSTER_HOST, workgroupName: 'wg1' }, 'iam.workgroupName'],
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

  it('rejects a non-object with INVALID_OPTION', () => {
    for (const value of [null, 42, 'x', []]) {
      expect(() => resolveTarget(value as unknown as RedshiftCredentialsOptions)).toThrow(RedshiftIamError);
    }
  });
});
