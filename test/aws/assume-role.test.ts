import { inspect } from 'node:util';
import { createRedshiftCredentials, createRedshiftPool } from '../../lib';
import { sharedIdentityCount } from '../../lib/aws/identity';
import { freshConnectionUser } from '../setup/pool-helpers';
import { useStandIn } from '../setup/stand-in';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'awsrole';
const EXTERNAL_ID = 'partner-7f3a9c';
const standIn = useStandIn(NAME);

afterEach(() => {
  standIn.emulator.setClockOffset(0);
  delete process.env.AWS_ENDPOINT_URL_STS;
});

function assumeRoleCalls() {
  return standIn.emulator.calls.filter((call) => call.operation === 'AssumeRole');
}

describe('cross-account access with roleArn', () => {
  it('assumes the role with STS and logs in as IAMR:<role>, with the default session name', async () => {
    const roleArn = standIn.emulator.addRole({ roleName: `${NAME}-reader`, externalId: EXTERNAL_ID });
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, roleArn, externalId: EXTERNAL_ID, stsEndpoint: standIn.emulator.endpoint } });
    try {
      expect(await freshConnectionUser(pool)).toBe(`IAMR:${NAME}-reader`);
      expect(await freshConnectionUser(pool)).toBe(`IAMR:${NAME}-reader`);
      expect(assumeRoleCalls()).toEqual([
        expect.objectContaining({ outcome: 'ok', identityArn: standIn.emulator.identities.iamUser.arn, assumedRoleArn: expect.stringMatching(/assumed-role\/awsrole-reader\/pg-redshift-iam$/) }),
      ]);
    } finally {
      await pool.end();
    }
    expect(sharedIdentityCount()).toBe(0);
  });

  it('honours AWS_ENDPOINT_URL_STS when stsEndpoint is not given, and a roleSessionName', async () => {
    const roleArn = standIn.emulator.addRole({ roleName: `${NAME}-env` });
    process.env.AWS_ENDPOINT_URL_STS = standIn.emulator.endpoint;
    const engine = createRedshiftCredentials({ ...standIn.iam, database: standIn.pg.database, roleArn, roleSessionName: 'nightly-etl' });
    try {
      expect((await engine.get()).user).toBe(`IAMR:${NAME}-env`);
      expect(assumeRoleCalls()[0]).toMatchObject({ outcome: 'ok', assumedRoleArn: expect.stringMatching(/\/nightly-etl$/) });
    } finally {
      await engine.close();
    }
  });

  it('keeps the role and the base identity apart: one cache each', async () => {
    const roleArn = standIn.emulator.addRole({ roleName: `${NAME}-apart` });
    const base = createRedshiftCredentials({ ...standIn.iam, database: standIn.pg.database });
    const role = createRedshiftCredentials({ ...standIn.iam, database: standIn.pg.database, roleArn, stsEndpoint: standIn.emulator.endpoint });
    try {
      expect((await base.get()).user).toBe(`IAM:${NAME}-user`);
      expect((await role.get()).user).toBe(`IAMR:${NAME}-apart`);
    } finally {
      await base.close();
      await role.close();
    }
  });

  it('a wrong ExternalId is ACCESS_DENIED naming sts:AssumeRole and the role, not a Redshift action', async () => {
    const roleArn = standIn.emulator.addRole({ roleName: `${NAME}-guarded`, externalId: EXTERNAL_ID });
    const engine = createRedshiftCredentials({ ...standIn.iam, database: standIn.pg.database, roleArn, externalId: 'not-the-right-one', stsEndpoint: standIn.emulator.endpoint });
    try {
      const error = await engine.get().then(() => undefined, (e: unknown) => e as Error & { code: string });
      expect(error).toMatchObject({ name: 'RedshiftIamError', code: 'ACCESS_DENIED' });
      expect(error!.message).toContain(`sts:AssumeRole of ${roleArn} failed`);
      expect(error!.message).toContain('ExternalId');
      expect(error!.message).not.toMatch(/redshift:GetClusterCredentials/);
      expect(inspect(error, { showHidden: true, depth: Infinity })).not.toMatch(/SecretAccessKey|secretAccessKey: '/);
      // Redshift was never called: the identity could not be had.
      expect(standIn.emulator.calls.filter((call) => call.service !== 'sts')).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('a role that does not exist (or does not trust the caller) is ACCESS_DENIED naming sts:AssumeRole and the role', async () => {
    const roleArn = `arn:aws:iam::${standIn.emulator.accountId}:role/${NAME}-nosuchrole`;
    const engine = createRedshiftCredentials({ ...standIn.iam, database: standIn.pg.database, roleArn, stsEndpoint: standIn.emulator.endpoint });
    try {
      const error = await engine.get().then(() => undefined, (e: unknown) => e as Error & { code: string });
      expect(error).toMatchObject({ code: 'ACCESS_DENIED' });
      expect(error!.message).toMatch(new RegExp(`^sts:AssumeRole of ${roleArn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} failed after 1 attempt: AccessDenied: `));
      expect(error!.message).not.toMatch(/\.\./);
    } finally {
      await engine.close();
    }
  });

  it('renews the role session after it expires, and goes on logging in', async () => {
    const roleArn = standIn.emulator.addRole({ roleName: `${NAME}-short`, sessionDurationSeconds: 2 });
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, roleArn, stsEndpoint: standIn.emulator.endpoint } });
    try {
      expect(await freshConnectionUser(pool)).toBe(`IAMR:${NAME}-short`);
      const firstSessionEnds = assumeRoleCalls()[0]!.expiration!.getTime();
      // "AWS's" clock passes the end of the first role session: its keys are now refused.
      standIn.emulator.setClockOffset(3_000);
      await pool.credentials.refresh();
      expect(await freshConnectionUser(pool)).toBe(`IAMR:${NAME}-short`);
      // A new session was assumed (the SDK renews sessions within 5 minutes of their end, so a
      // 2-second session is renewed at every use), and no call was refused with expired keys.
      expect(assumeRoleCalls().some((call) => call.expiration!.getTime() > firstSessionEnds + 2_000)).toBe(true);
      expect(standIn.emulator.calls.filter((call) => call.outcome !== 'ok')).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});
