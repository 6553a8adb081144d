import { GetClusterCredentialsCommand, GetClusterCredentialsWithIAMCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { GetCredentialsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { startRedshiftEmulator, type EmulatorIdentity, type RedshiftEmulator } from '../../lib/testing';
import { testPostgres } from '../setup/test-postgres';
import { asSuperuser, connectAs, loginUser, rejectionOf, sleepUntil, validUntilOf } from './emulator-helpers';

// Role, group and database names are unique to this file: other files share the PostgreSQL server.
const NAME = 'emucred';
const SECOND_DB = `${NAME}_analytics`;

let emulator: RedshiftEmulator;
const clients: Array<{ destroy(): void }> = [];

function redshift(identity?: EmulatorIdentity): RedshiftClient {
  const client = new RedshiftClient(emulator.clientConfig(identity));
  clients.push(client);
  return client;
}

function serverless(identity?: EmulatorIdentity): RedshiftServerlessClient {
  const client = new RedshiftServerlessClient(emulator.clientConfig(identity));
  clients.push(client);
  return client;
}

/** A fresh IAM user, so that a test starts with no password history. */
function newUser(suffix: string): EmulatorIdentity {
  return emulator.addIdentity({ arn: `arn:aws:iam::${emulator.accountId}:user/${NAME}-${suffix}` });
}

function withIam(identity: EmulatorIdentity, input: { DbName?: string; DurationSeconds?: number; ClusterIdentifier?: string } = {}) {
  return redshift(identity).send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster', DbName: 'dev', ...input }));
}

beforeAll(async () => {
  await asSuperuser(async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${SECOND_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${SECOND_DB}`);
  });
  emulator = await startRedshiftEmulator({
    postgres: testPostgres(),
    iamUserName: `${NAME}-user`,
    roleName: `${NAME}-role`,
    dbUsers: [`${NAME}_existing`],
    clusters: [
      { clusterIdentifier: 'examplecluster', databases: ['dev'] },
      { clusterIdentifier: 'multi', databases: ['dev', SECOND_DB], customDomainName: 'db.example.com' },
    ],
  });
});

afterEach(() => {
  emulator.setExpiryOverride(undefined);
  emulator.setClockOffset(0);
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await emulator?.close();
  await asSuperuser((admin) => admin.query(`DROP DATABASE IF EXISTS ${SECOND_DB} WITH (FORCE)`));
});

describe('GetClusterCredentialsWithIAM', () => {
  it('logs an IAM user in as IAM:<user> until the expiration, with tables allowed in public', async () => {
    const before = Date.now();
    const out = await withIam(emulator.identities.iamUser);
    expect(out.DbUser).toBe(`IAM:${NAME}-user`);
    expect(out.DbPassword?.length).toBeGreaterThanOrEqual(24);
    expect(out.Expiration).toBeInstanceOf(Date);
    expect(out.Expiration!.getTime()).toBeGreaterThanOrEqual(before + 900_000 - 1000);
    expect(out.Expiration!.getTime()).toBeLessThanOrEqual(Date.now() + 900_000 + 1000);
    expect(Math.abs((await validUntilOf(out.DbUser!))!.getTime() - out.Expiration!.getTime())).toBeLessThan(1000);

    const session = await connectAs(out.DbUser, out.DbPassword);
    try {
      const { rows } = await session.query('SELECT current_user, session_user');
      expect(rows[0]).toEqual({ current_user: out.DbUser, session_user: out.DbUser });
      await session.query(`CREATE TABLE ${NAME}_t (id int)`);
      await session.query(`DROP TABLE ${NAME}_t`);
    } finally {
      await session.end();
    }
  });

  it('logs an assumed role in as IAMR:<role>', async () => {
    const out = await withIam(emulator.identities.assumedRole);
    expect(out.DbUser).toBe(`IAMR:${NAME}-role`);
    expect(await loginUser(out.DbUser, out.DbPassword)).toBe(`IAMR:${NAME}-role`);
  });

  it('without DbName allows every database of the cluster; with one, only that database', async () => {
    const all = await withIam(newUser('alldbs'), { ClusterIdentifier: 'multi', DbName: undefined });
    const session = await connectAs(all.DbUser, all.DbPassword, SECOND_DB);
    try {
      await session.query(`CREATE TABLE ${NAME}_t (id int)`);
    } finally {
      await session.end();
    }

    const one = await withIam(newUser('onedb'), { ClusterIdentifier: 'multi', DbName: 'dev' });
    const other = await connectAs(one.DbUser, one.DbPassword, SECOND_DB);
    try {
      await expect(other.query(`CREATE TABLE ${NAME}_u (id int)`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await other.end();
    }
  });

  it('finds the cluster by its custom domain name', async () => {
    const out = await redshift(newUser('domain')).send(new GetClusterCredentialsWithIAMCommand({ CustomDomainName: 'DB.example.com', DbName: SECOND_DB }));
    expect(await loginUser(out.DbUser, out.DbPassword, SECOND_DB)).toBe(`IAM:${NAME}-domain`);
  });
});

describe('GetClusterCredentials', () => {
  it('returns IAM:<user> for an existing database user', async () => {
    const out = await redshift().send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'examplecluster', DbUser: `${NAME}_existing`, DbName: 'dev' }));
    expect(out.DbUser).toBe(`IAM:${NAME}_existing`);
    expect(await loginUser(out.DbUser, out.DbPassword)).toBe(`IAM:${NAME}_existing`);
  });

  it('with AutoCreate returns IAMA:<user>, joins the DbGroups, and the user exists afterwards', async () => {
    const groups = [`${NAME}_readers`, `${NAME}_writers`];
    const out = await redshift().send(
      new GetClusterCredentialsCommand({ ClusterIdentifier: 'examplecluster', DbUser: `${NAME}_auto`, AutoCreate: true, DbGroups: groups }),
    );
    expect(out.DbUser).toBe(`IAMA:${NAME}_auto`);
    expect(await loginUser(out.DbUser, out.DbPassword)).toBe(`IAMA:${NAME}_auto`);
    const memberships = await asSuperuser(async (admin) => {
      const { rows } = await admin.query<{ rolname: string; rolcanlogin: boolean }>(
        `SELECT g.rolname, g.rolcanlogin FROM pg_auth_members m
           JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
          WHERE u.rolname = $1 ORDER BY g.rolname`,
        [out.DbUser],
      );
      return rows;
    });
    expect(memberships).toEqual(groups.map((rolname) => ({ rolname, rolcanlogin: false })));

    // Redshift created the user, so a call without AutoCreate now works for it too.
    const again = await redshift().send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'examplecluster', DbUser: `${NAME}_auto`, AutoCreate: false }));
    expect(await loginUser(again.DbUser, again.DbPassword)).toBe(`IAM:${NAME}_auto`);
  });

  it('without AutoCreate, for an unknown user: the call succeeds but the login fails', async () => {
    const out = await redshift().send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'examplecluster', DbUser: `${NAME}_nobody` }));
    expect(out.DbUser).toBe(`IAM:${NAME}_nobody`);
    expect(out.DbPassword).toBeTruthy();
    expect(await validUntilOf(`IAM:${NAME}_nobody`)).toBeUndefined();
    expect(await rejectionOf(connectAs(out.DbUser, out.DbPassword))).toMatchObject({ code: '28P01' });
  });
});

describe('Serverless GetCredentials', () => {
  it('logs the caller in as IAM:<user>, with expiration parsed as a Date', async () => {
    const identity = newUser('serverless');
    const before = Date.now();
    const out = await serverless(identity).send(new GetCredentialsCommand({ workgroupName: 'default-workgroup', dbName: 'dev', durationSeconds: 1200 }));
    expect(out.dbUser).toBe(`IAM:${NAME}-serverless`);
    expect(out.expiration).toBeInstanceOf(Date);
    expect(out.nextRefreshTime).toBeInstanceOf(Date);
    expect(out.expiration!.getTime()).toBeGreaterThanOrEqual(before + 1_200_000 - 1000);
    expect(out.expiration!.getTime()).toBeLessThanOrEqual(Date.now() + 1_200_000 + 1000);
    expect(await loginUser(out.dbUser, out.dbPassword)).toBe(out.dbUser);
  });

  it('derives IAMR:<role> for an assumed role', async () => {
    const out = await serverless(emulator.identities.assumedRole).send(new GetCredentialsCommand({ workgroupName: 'default-workgroup' }));
    expect(out.dbUser).toBe(`IAMR:${NAME}-role`);
    expect(await loginUser(out.dbUser, out.dbPassword)).toBe(out.dbUser);
  });
});

describe('password lifetime', () => {
  it('after the expiry a new login fails with 28P01 while an open session keeps working; the next call issues a new password', async () => {
    const identity = newUser('short');
    emulator.setExpiryOverride(1);
    const first = await withIam(identity, { DurationSeconds: 3600 });
    expect(first.Expiration!.getTime() - Date.now()).toBeLessThanOrEqual(1000);
    const session = await connectAs(first.DbUser, first.DbPassword);
    try {
      await sleepUntil(first.Expiration!, 200);
      expect(await rejectionOf(connectAs(first.DbUser, first.DbPassword))).toMatchObject({ code: '28P01' });
      expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await session.end();
    }

    emulator.setExpiryOverride(undefined);
    const second = await withIam(identity);
    expect(second.DbPassword).not.toBe(first.DbPassword);
    expect(await loginUser(second.DbUser, second.DbPassword)).toBe(first.DbUser);
  });

  it('a second call while the password is valid returns the same password with a later expiry, and logins keep working', async () => {
    const identity = newUser('twice');
    const first = await withIam(identity, { DurationSeconds: 900 });
    const second = await withIam(identity, { DurationSeconds: 1800 });
    expect(second.DbPassword).toBe(first.DbPassword);
    expect(second.Expiration!.getTime()).toBeGreaterThan(first.Expiration!.getTime());
    expect(Math.abs((await validUntilOf(second.DbUser!))!.getTime() - second.Expiration!.getTime())).toBeLessThan(1000);
    expect(await loginUser(first.DbUser, first.DbPassword)).toBe(first.DbUser);
    expect(await loginUser(second.DbUser, second.DbPassword)).toBe(first.DbUser);

    // A shorter request does not cut the validity already promised for the same password.
    const third = await withIam(identity, { DurationSeconds: 900 });
    expect(third.DbPassword).toBe(first.DbPassword);
    expect(Math.abs((await validUntilOf(second.DbUser!))!.getTime() - second.Expiration!.getTime())).toBeLessThan(1000);
    expect(emulator.issuedPasswords().filter((password) => password === first.DbPassword)).toHaveLength(1);
  });

  it('concurrent calls for one user and for many users all succeed (role DDL is serialized)', async () => {
    const shared = newUser('concurrent');
    const many = Array.from({ length: 16 }, (_, i) => newUser(`many${i}`));
    const [same, distinct] = await Promise.all([
      Promise.all(Array.from({ length: 8 }, () => withIam(shared))),
      Promise.all(many.map((identity) => withIam(identity))),
    ]);
    expect(new Set(same.map((out) => out.DbPassword)).size).toBe(1);
    expect(await loginUser(same[0]!.DbUser, same[0]!.DbPassword)).toBe(`IAM:${NAME}-concurrent`);
    for (const [i, out] of distinct.entries()) expect(await loginUser(out.DbUser, out.DbPassword)).toBe(`IAM:${NAME}-many${i}`);
  });

  it('revoke makes the current password fail at once, open sessions survive, and the next call issues a working one', async () => {
    const identity = newUser('revoked');
    const first = await withIam(identity);
    const session = await connectAs(first.DbUser, first.DbPassword);
    try {
      await emulator.revoke(first.DbUser!);
      expect(await rejectionOf(connectAs(first.DbUser, first.DbPassword))).toMatchObject({ code: '28P01' });
      expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await session.end();
    }
    const second = await withIam(identity);
    expect(second.DbPassword).not.toBe(first.DbPassword);
    expect(await loginUser(second.DbUser, second.DbPassword)).toBe(first.DbUser);
  });

  it('with a clock offset, Expiration follows the emulator clock and VALID UNTIL the real clock', async () => {
    const offset = 10 * 60_000;
    emulator.setClockOffset(offset);
    const before = Date.now();
    const out = await withIam(newUser('skewed'));
    expect(out.Expiration!.getTime()).toBeGreaterThanOrEqual(before + offset + 900_000 - 1000);
    expect(out.Expiration!.getTime()).toBeLessThanOrEqual(Date.now() + offset + 900_000 + 1000);
    const validUntil = (await validUntilOf(out.DbUser!))!.getTime();
    expect(validUntil).toBeGreaterThanOrEqual(before + 900_000 - 1000);
    expect(validUntil).toBeLessThanOrEqual(Date.now() + 900_000 + 1000);
  });
});

describe('call log', () => {
  it('records parsed params, caller and result of each call, and never a password', async () => {
    emulator.clearCalls();
    const identity = newUser('logged');
    await redshift(identity).send(
      new GetClusterCredentialsCommand({
        ClusterIdentifier: 'examplecluster',
        DbUser: `${NAME}_logged`,
        DbName: 'dev',
        DurationSeconds: 1000,
        AutoCreate: true,
        DbGroups: [`${NAME}_readers`],
      }),
    );
    await serverless(identity).send(new GetCredentialsCommand({ workgroupName: 'default-workgroup', dbName: 'dev' }));

    const [provisioned, serverlessCall] = emulator.calls;
    expect(emulator.calls).toHaveLength(2);
    expect(provisioned).toMatchObject({
      service: 'redshift',
      operation: 'GetClusterCredentials',
      params: { ClusterIdentifier: 'examplecluster', DbUser: `${NAME}_logged`, DbName: 'dev', DurationSeconds: 1000, AutoCreate: true, DbGroups: [`${NAME}_readers`] },
      identityArn: identity.arn,
      outcome: 'ok',
      dbUser: `IAMA:${NAME}_logged`,
    });
    expect(provisioned?.at).toBeInstanceOf(Date);
    expect(provisioned?.expiration).toBeInstanceOf(Date);
    expect(serverlessCall).toMatchObject({
      service: 'redshift-serverless',
      operation: 'GetCredentials',
      params: { workgroupName: 'default-workgroup', dbName: 'dev' },
      outcome: 'ok',
      dbUser: `IAM:${NAME}-logged`,
    });

    const log = JSON.stringify(emulator.calls);
    expect(emulator.issuedPasswords().length).toBeGreaterThan(0);
    for (const password of emulator.issuedPasswords()) expect(log).not.toContain(password);

    emulator.clearCalls();
    expect(emulator.calls).toEqual([]);
  });
});
