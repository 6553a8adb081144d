import fc from 'fast-check';
import { RedshiftIamError } from '../../lib/errors';
import { partitionOfRegion } from '../../lib/host';
import { resolveTarget } from '../../lib/options/validate';

// IAM's rules (AssumeRole API reference): names and paths of [\w+=,.@-], ExternalId 2..1224 of
// [\w+=,.@:/-], RoleSessionName 2..64 of [\w+=,.@-].
const nameChar = fc.constantFrom(...'abcXYZ019_+=,.@-');
const roleName = fc.string({ unit: nameChar, minLength: 1, maxLength: 64 });
const path = fc.array(fc.string({ unit: nameChar, minLength: 1, maxLength: 10 }), { maxLength: 3 });
const region = fc.constantFrom('us-east-1', 'eu-west-3', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'eusc-de-east-1');
const externalId = fc.string({ unit: fc.constantFrom(...'aZ09_+=,.@:/-'), minLength: 2, maxLength: 1224 });
const sessionName = fc.string({ unit: nameChar, minLength: 2, maxLength: 64 });

function optionOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(RedshiftIamError);
    return (error as RedshiftIamError).option;
  }
}

describe('role options (property)', () => {
  it('accepts every role ARN, ExternalId and session name IAM allows, in the region\'s partition', () => {
    fc.assert(fc.property(region, fc.stringMatching(/^\d{12}$/), path, roleName, externalId, sessionName, (r, account, p, name, id, session) => {
      const roleArn = `arn:${partitionOfRegion(r)}:iam::${account}:role/${[...p, name].join('/')}`;
      expect(optionOf(() => resolveTarget({ clusterIdentifier: 'c1', region: r, roleArn, externalId: id, roleSessionName: session }, 'iam.'))).toBeUndefined();
    }), { numRuns: 300 });
  });

  it('rejects a role ARN of another partition than the region\'s, naming iam.roleArn', () => {
    fc.assert(fc.property(region, region, roleName, (r, other, name) => {
      fc.pre(partitionOfRegion(r) !== partitionOfRegion(other));
      const roleArn = `arn:${partitionOfRegion(other)}:iam::123456789012:role/${name}`;
      expect(optionOf(() => resolveTarget({ clusterIdentifier: 'c1', region: r, roleArn }, 'iam.'))).toBe('iam.roleArn');
    }), { numRuns: 200 });
  });

  it('rejects any ExternalId or session name with a character outside IAM\'s set, naming the option', () => {
    const bad = fc.constantFrom(' ', '\n', '#', '!', '"', '*', 'é', '\u0000');
    const roleArn = 'arn:aws:iam::123456789012:role/r';
    fc.assert(fc.property(externalId, sessionName, bad, fc.nat(), (id, session, char, at) => {
      const badId = `${id.slice(0, at % id.length)}${char}${id.slice(at % id.length)}`.slice(0, 1224);
      const badSession = `${session.slice(0, at % session.length)}${char}${session.slice(at % session.length)}`.slice(0, 64);
      fc.pre(badId.includes(char) && badSession.includes(char));
      expect(optionOf(() => resolveTarget({ clusterIdentifier: 'c1', roleArn, externalId: badId }, 'iam.'))).toBe('iam.externalId');
      expect(optionOf(() => resolveTarget({ clusterIdentifier: 'c1', roleArn, roleSessionName: badSession }, 'iam.'))).toBe('iam.roleSessionName');
    }), { numRuns: 300 });
  });
});
