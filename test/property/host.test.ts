import fc from 'fast-check';
import { parseRedshiftHost, type RedshiftHost } from '../../lib';

// Endpoint names as AWS forms them, per partition:
//   <cluster>.<unique-id>.<region>.redshift[-fips].<dns suffix>
//   <workgroup>.<account-id>.<region>.redshift-serverless[-fips].<dns suffix>
const PARTITIONS = [
  {
    name: 'aws',
    suffix: 'amazonaws.com',
    region: fc.tuple(
      fc.constantFrom('us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'mx'),
      fc.constantFrom('east', 'west', 'north', 'south', 'central', 'northeast', 'southeast', 'northwest', 'southwest'),
      fc.integer({ min: 1, max: 9 }),
    ).map(([geo, direction, n]) => `${geo}-${direction}-${n}`),
  },
  { name: 'aws-cn', suffix: 'amazonaws.com.cn', region: fc.constantFrom('cn-north-1', 'cn-northwest-1') },
  { name: 'aws-us-gov', suffix: 'amazonaws.com', region: fc.constantFrom('us-gov-west-1', 'us-gov-east-1') },
  { name: 'aws-iso', suffix: 'c2s.ic.gov', region: fc.constantFrom('us-iso-east-1', 'us-iso-west-1') },
  { name: 'aws-iso-b', suffix: 'sc2s.sgov.gov', region: fc.constantFrom('us-isob-east-1') },
  // The AWS European Sovereign Cloud: region eusc-de-east-1, domain amazonaws.eu.
  { name: 'aws-eusc', suffix: 'amazonaws.eu', region: fc.constantFrom('eusc-de-east-1') },
] as const;

const partition = fc.constantFrom(...PARTITIONS).chain((p) => p.region.map((region) => ({ partition: p.name, suffix: p.suffix, region })));

/** Cluster identifiers as AWS allows them: a letter, then letters, digits, single hyphens; 1..63; no trailing hyphen. */
const clusterIdentifier = fc
  .tuple(fc.stringMatching(/^[a-z]$/), fc.array(fc.stringMatching(/^-?[a-z0-9]$/), { maxLength: 31 }))
  .map(([first, rest]) => `${first}${rest.join('')}`)
  .filter((id) => id.length <= 63);
const uniqueId = fc.stringMatching(/^[a-z0-9]{6,12}$/);
// A workgroup name shaped like a managed VPC endpoint's first label is read as the endpoint.
const workgroupName = fc.stringMatching(/^[a-z0-9-]{3,64}$/).filter((name) => !/-endpoint-[a-z0-9]{20}$/.test(name));
/** Managed VPC endpoint names (CreateEndpointAccess): 1..30, a letter first, single hyphens, no trailing hyphen. */
const endpointName = fc
  .tuple(fc.stringMatching(/^[a-z]$/), fc.array(fc.stringMatching(/^-?[a-z0-9]$/), { maxLength: 14 }))
  .map(([first, rest]) => `${first}${rest.join('')}`)
  .filter((name) => name.length <= 30);
const endpointSuffix = fc.stringMatching(/^[a-z0-9]{20}$/);
const accountId = fc.stringMatching(/^\d{12}$/);
/** What a person may paste around a good host name: case, a trailing dot, spaces. */
const decoration = fc.record({ upper: fc.boolean(), trailingDot: fc.boolean(), spaces: fc.boolean(), fips: fc.boolean() });

function decorate(host: string, how: { upper: boolean; trailingDot: boolean; spaces: boolean }): string {
  const name = `${how.upper ? host.toUpperCase() : host}${how.trailingDot ? '.' : ''}`;
  return how.spaces ? `  ${name}\t` : name;
}

const REGION_SHAPE = /^[a-z0-9-]+$/;

/** What any result must look like, whatever the input. */
function assertWellFormed(result: RedshiftHost | undefined, input: unknown): void {
  if (result === undefined) return;
  expect(typeof input).toBe('string');
  const name = (input as string).trim().toLowerCase();
  expect(result.region).toMatch(REGION_SHAPE);
  if (result.type === 'provisioned') {
    expect(Object.keys(result).sort()).toEqual(['clusterIdentifier', 'region', 'type']);
    expect(result.clusterIdentifier).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*$/);
    expect(result.clusterIdentifier.length).toBeLessThanOrEqual(63);
    expect(result.clusterIdentifier.endsWith('-')).toBe(false);
    expect(name.startsWith(`${result.clusterIdentifier}.`)).toBe(true);
    expect(name).toContain(`.${result.region}.redshift`);
  } else if (result.type === 'provisioned-endpoint' || result.type === 'serverless-endpoint') {
    expect(Object.keys(result).sort()).toEqual(result.type === 'provisioned-endpoint' ? ['endpointName', 'region', 'type'] : ['accountId', 'endpointName', 'region', 'type']);
    expect(result.endpointName).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*$/);
    expect(result.endpointName.length).toBeLessThanOrEqual(30);
    expect(result.endpointName.endsWith('-')).toBe(false);
    expect(name).toMatch(new RegExp(`^${result.endpointName}-endpoint-[a-z0-9]{20}\\.`));
    expect(name).toContain(`.${result.region}.redshift`);
  } else {
    expect(result.type).toBe('serverless');
    expect(Object.keys(result).sort()).toEqual(['accountId', 'region', 'type', 'workgroupName']);
    expect(result.workgroupName).toMatch(/^[a-z0-9-]{3,64}$/);
    expect(result.accountId).toMatch(/^\d{12}$/);
    expect(name.startsWith(`${result.workgroupName}.${result.accountId}.${result.region}.redshift-serverless`)).toBe(true);
  }
}

/** Strings made of the pieces of real endpoints, so that near misses are common. */
const hostLike = fc
  .array(
    fc.oneof(
      fc.constantFrom('redshift', 'redshift-serverless', 'redshift-fips', 'amazonaws', 'com', 'cn', 'eu', 'gov', 'us-east-1', 'cn-north-1',
        'us-gov-west-1', 'eusc-de-east-1', '123456789012', 'examplecluster', 'default', '-', '--', '', 'a', '1', ' ', 'A'),
      fc.stringMatching(/^[a-z0-9-]{0,8}$/),
    ),
    { maxLength: 9 },
  )
  .map((parts) => parts.join('.'));

describe('parseRedshiftHost (property)', () => {
  it('never throws and returns undefined or a well-formed result for any value', () => {
    fc.assert(fc.property(fc.anything(), (value) => assertWellFormed(parseRedshiftHost(value), value)));
  });

  it('never throws and returns undefined or a well-formed result for any string, including host-like ones', () => {
    const strings = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 300 }), hostLike, fc.domain());
    fc.assert(fc.property(strings, (value) => assertWellFormed(parseRedshiftHost(value), value)), { numRuns: 1_000 });
  });

  it('reads every valid provisioned endpoint in every partition', () => {
    fc.assert(
      fc.property(clusterIdentifier, uniqueId, partition, decoration, (cluster, id, { suffix, region }, how) => {
        const host = decorate(`${cluster}.${id}.${region}.redshift${how.fips ? '-fips' : ''}.${suffix}`, how);
        expect(parseRedshiftHost(host)).toEqual({ type: 'provisioned', clusterIdentifier: cluster, region });
      }),
      { numRuns: 500 },
    );
  });

  it('reads every valid Serverless endpoint in every partition', () => {
    fc.assert(
      fc.property(workgroupName, accountId, partition, decoration, (workgroup, account, { suffix, region }, how) => {
        const host = decorate(`${workgroup}.${account}.${region}.redshift-serverless${how.fips ? '-fips' : ''}.${suffix}`, how);
        expect(parseRedshiftHost(host)).toEqual({ type: 'serverless', workgroupName: workgroup, accountId: account, region });
      }),
      { numRuns: 500 },
    );
  });

  it('reads every managed VPC endpoint address, provisioned and Serverless, in every partition', () => {
    fc.assert(
      fc.property(endpointName, endpointSuffix, uniqueId, accountId, partition, decoration, (endpoint, suffix20, id, account, { suffix, region }, how) => {
        const label = `${endpoint}-endpoint-${suffix20}`;
        expect(parseRedshiftHost(decorate(`${label}.${id}.${region}.redshift.${suffix}`, how)))
          .toEqual({ type: 'provisioned-endpoint', endpointName: endpoint, region });
        expect(parseRedshiftHost(decorate(`${label}.${account}.${region}.redshift-serverless.${suffix}`, how)))
          .toEqual({ type: 'serverless-endpoint', endpointName: endpoint, accountId: account, region });
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a valid endpoint with anything appended, prepended or a label broken', () => {
    const breakage = fc.constantFrom(
      (host: string) => `${host}.evil.example`,
      (host: string) => `evil.${host}`,
      (host: string) => host.replace('.redshift', '.redshif'),
      (host: string) => host.replace(/^[^.]+/, (label) => `${label}--x`),
      (host: string) => host.replace(/\.[^.]+\./, '..'),
      (host: string) => `${host}:5439`,
    );
    fc.assert(
      fc.property(clusterIdentifier, uniqueId, partition, breakage, (cluster, id, { suffix, region }, broken) => {
        expect(parseRedshiftHost(broken(`${cluster}.${id}.${region}.redshift.${suffix}`))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
