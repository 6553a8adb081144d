import { createRedshiftClient, createRedshiftPool, RedshiftIamError } from '../../lib';
import { thrownBy } from '../setup/thrown-by';

// Each of these throws synchronously from the factory, so no AWS call can have been made.
const base = { host: '127.0.0.1', port: 5432, database: 'dev', iam: { clusterIdentifier: 'examplecluster', region: 'us-east-1' } };

describe.each([
  ['createRedshiftPool', createRedshiftPool],
  ['createRedshiftClient', createRedshiftClient],
] as const)('%s rejects before any AWS call', (_, create) => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a cluster identifier that ends with a hyphen', { clusterIdentifier: 'abc-' }, 'iam.clusterIdentifier', /does not end with a hyphen/],
    ['clientConfig as an array', { clientConfig: [] }, 'iam.clientConfig', /expected an object/],
    ['iam.host', { host: 'other.example.com' }, 'iam.host', /top-level host/],
    ['iam.database', { database: 'other' }, 'iam.database', /top-level database/],
  ])('%s', (_name, iam, option, message) => {
    const thrown = thrownBy(() => create({ ...base, iam: { ...base.iam, ...iam } } as Parameters<typeof create>[0]));
    expect(thrown).toBeInstanceOf(RedshiftIamError);
    expect(thrown).toMatchObject({ code: 'INVALID_OPTION', option });
    expect((thrown as Error).message).toMatch(message);
  });
});
