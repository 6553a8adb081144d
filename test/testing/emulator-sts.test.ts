import { GetClusterCredentialsWithIAMCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { GetCredentialsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
// The STS client that `@aws-sdk/credential-providers` (fromTemporaryCredentials, role_arn profiles) uses inside.
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/nested-clients/sts';
import { inspect } from 'node:util';
import { startRedshiftEmulator, type EmulatorIdentity, type RedshiftEmulator } from '../../lib/testing';
import { testPostgres } from '../setup/test-postgres';
import { loginUser, rejectionOf } from './emulator-helpers';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'emusts';

let emulator: RedshiftEmulator;
const clients: Array<{ destroy(): void }> = [];

function sts(identity?: EmulatorIdentity): STSClient {
  const client = new STSClient({ ...emulator.clientConfig(identity), maxAttempts: 1 });
  clients.push(client);
  return client;
}

function keysOf(out: { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }) {
  return { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
}

function assume(input: Partial<AssumeRoleCommandInput> & { RoleArn: string }, identity?: EmulatorIdentity) {
  return sts(identity).send(new AssumeRoleCommand({ RoleSessionName: 'pg-redshift-iam', ...input }));
}

beforeAll(async () => {
  emulator = await startRedshiftEmulator({ postgres: testPostgres(), iamUserName: `${NAME}-user`, roleName: `${NAME}-role` });
});

afterEach(() => emulator.setClockOffset(0));

afterAll(async () => {
  for (const client of clients) client.destroy();
  await emulator?.close();
});

describe('STS AssumeRole', () => {
  it('returns temporary keys of the assumed role, which log in to Redshift as IAMR:<role>', async () => {
    const roleArn = emulator.addRole({ roleName: `${NAME}-reader` });
    expect(roleArn).toBe(`arn:aws:iam::${emulator.accountId}:role/${NAME}-reader`);
    emulator.clearCalls();
    const before = emulator.now().getTime();
    const out = await assume({ RoleArn: roleArn, RoleSessionName: 'etl-job.7' });
    expect(out.AssumedRoleUser).toEqual({
      Arn: `arn:aws:sts::${emulator.accountId}:assumed-role/${NAME}-reader/etl-job.7`,
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:etl-job\.7$/),
    });
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.SessionToken).toBeTruthy();
    // Default DurationSeconds: one hour, in whole seconds.
    expect(out.Credentials!.Expiration!.getTime() % 1000).toBe(0);
    expect(out.Credentials!.Expiration!.getTime()).toBeGreaterThan(before + 3600_000 - 2000);
    expect(out.Credentials!.Expiration!.getTime()).toBeLessThanOrEqual(emulator.now().getTime() + 3600_000);

    const keys = keysOf(out);
    const redshift = new RedshiftClient({ ...emulator.clientConfig(), credentials: keys });
    const serverless = new RedshiftServerlessClient({ ...emulator.clientConfig(), credentials: keys });
    clients.push(redshift, serverless);
    const cluster = await redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster', DbName: 'dev' }));
    expect(cluster.DbUser).toBe(`IAMR:${NAME}-reader`);
    expect(await loginUser(cluster.DbUser, cluster.DbPassword)).toBe(`IAMR:${NAME}-reader`);
    const workgroup = await serverless.send(new GetCredentialsCommand({ workgroupName: 'default-workgroup' }));
    expect(workgroup.dbUser).toBe(`IAMR:${NAME}-reader`);

    const [call] = emulator.calls;
    expect(call).toMatchObject({
      service: 'sts',
      operation: 'AssumeRole',
      identityArn: emulator.identities.iamUser.arn,
      outcome: 'ok',
      assumedRoleArn: `arn:aws:sts::${emulator.accountId}:assumed-role/${NAME}-reader/etl-job.7`,
      expiration: out.Credentials!.Expiration,
    });
    // The call log never holds the keys.
    const logged = inspect(emulator.calls, { depth: null, showHidden: true });
    expect(logged).not.toContain(keys.secretAccessKey);
    expect(logged).not.toContain(keys.sessionToken);
  });

  it('checks ExternalId: missing or wrong is AccessDenied naming sts:AssumeRole and the role', async () => {
    const roleArn = emulator.addRole({ roleName: `${NAME}-partner`, externalId: 'tenant-42' });
    const message = `User: ${emulator.identities.iamUser.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
    for (const input of [{}, { ExternalId: 'tenant-43' }]) {
      expect(await rejectionOf(assume({ RoleArn: roleArn, ...input }))).toMatchObject({
        name: 'AccessDenied',
        message,
        $metadata: { httpStatusCode: 403 },
      });
    }
    const out = await assume({ RoleArn: roleArn, ExternalId: 'tenant-42' });
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${emulator.accountId}:assumed-role/${NAME}-partner/pg-redshift-iam`);
  });

  it('refuses callers the role does not trust, and roles that do not exist, with the same AccessDenied', async () => {
    const bob = emulator.addIdentity({ arn: `arn:aws:iam::${emulator.accountId}:user/${NAME}-bob` });
    const roleArn = emulator.addRole({ roleName: `${NAME}-private`, trusted: [bob] });
    const error = await rejectionOf(assume({ RoleArn: roleArn }));
    expect(error).toMatchObject({
      name: 'AccessDenied',
      message: `User: ${emulator.identities.iamUser.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    });
    expect((await assume({ RoleArn: roleArn }, bob)).AssumedRoleUser?.Arn).toContain(`assumed-role/${NAME}-private/`);

    // A role ARN trusts every session of that role; an account root trusts the whole account.
    const chained = emulator.addRole({ roleName: `${NAME}-chained`, trusted: [`arn:aws:iam::${emulator.accountId}:role/${NAME}-role`] });
    expect(await rejectionOf(assume({ RoleArn: chained }))).toMatchObject({ name: 'AccessDenied' });
    expect((await assume({ RoleArn: chained }, emulator.identities.assumedRole)).AssumedRoleUser?.Arn).toContain(`assumed-role/${NAME}-chained/`);
    const account = emulator.addRole({ roleName: `${NAME}-account`, trusted: [`arn:aws:iam::${emulator.accountId}:root`] });
    expect((await assume({ RoleArn: account })).AssumedRoleUser?.Arn).toContain(`assumed-role/${NAME}-account/`);
    const other = emulator.addRole({ roleName: `${NAME}-foreign`, trusted: ['arn:aws:iam::210987654321:root'] });
    expect(await rejectionOf(assume({ RoleArn: other }))).toMatchObject({ name: 'AccessDenied' });

    const missing = `arn:aws:iam::${emulator.accountId}:role/${NAME}-nope`;
    expect(await rejectionOf(assume({ RoleArn: missing }))).toMatchObject({ name: 'AccessDenied', message: expect.stringContaining(`on resource: ${missing}`) });
  });

  it('validates RoleSessionName, DurationSeconds and ExternalId with ValidationError', async () => {
    const roleArn = emulator.addRole({ roleName: `${NAME}-validated`, maxSessionDurationSeconds: 7200 });
    const cases: Array<[Partial<AssumeRoleCommandInput>, string]> = [
      [{ RoleSessionName: 'x' }, "Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"],
      [{ RoleSessionName: 'a'.repeat(65) }, 'Member must have length less than or equal to 64'],
      [{ RoleSessionName: 'has space' }, 'Member must satisfy regular expression pattern'],
      [{ DurationSeconds: 899 }, "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"],
      [{ DurationSeconds: 43201 }, 'Member must have value less than or equal to 43200'],
      [{ DurationSeconds: 7201 }, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'],
      [{ ExternalId: 'x' }, "at 'externalId' failed to satisfy constraint: Member must have length between 2 and 1224"],
    ];
    for (const [input, message] of cases) {
      const error = await rejectionOf(assume({ RoleArn: roleArn, ...input }));
      expect(error).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
      expect(error.message).toContain(message);
    }
    // Role chaining is limited to one hour whatever the role allows.
    const chained = await rejectionOf(assume({ RoleArn: roleArn, DurationSeconds: 3601 }, emulator.identities.assumedRole));
    expect(chained.message).toBe('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const out = await assume({ RoleArn: roleArn, DurationSeconds: 7200, RoleSessionName: 'a'.repeat(64) });
    expect(out.Credentials!.Expiration!.getTime()).toBeGreaterThan(emulator.now().getTime() + 7200_000 - 2000);
  });

  it('refuses the keys with ExpiredToken after their Expiration (emulator clock); sessionDurationSeconds makes sessions short', async () => {
    const roleArn = emulator.addRole({ roleName: `${NAME}-short`, sessionDurationSeconds: 60 });
    const out = await assume({ RoleArn: roleArn, DurationSeconds: 900 });
    const lifetime = out.Credentials!.Expiration!.getTime() - emulator.now().getTime();
    expect(lifetime).toBeGreaterThan(58_000);
    expect(lifetime).toBeLessThanOrEqual(60_000);

    const keys = keysOf(out);
    const redshift = new RedshiftClient({ ...emulator.clientConfig(), credentials: keys, maxAttempts: 1 });
    const serverless = new RedshiftServerlessClient({ ...emulator.clientConfig(), credentials: keys, maxAttempts: 1 });
    clients.push(redshift, serverless);
    await redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' }));

    // Ahead by the lifetime (within the 15 minutes a signature may be off): the keys have expired.
    emulator.setClockOffset(61_000);
    expect(await rejectionOf(redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' })))).toMatchObject({
      name: 'ExpiredToken',
      message: 'The security token included in the request is expired',
      $metadata: { httpStatusCode: 400 },
    });
    expect(await rejectionOf(serverless.send(new GetCredentialsCommand({ workgroupName: 'default-workgroup' })))).toMatchObject({
      name: 'ExpiredTokenException',
    });
    const chained = sts({ ...keys, arn: out.AssumedRoleUser!.Arn! });
    expect(await rejectionOf(chained.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'again' })))).toMatchObject({ name: 'ExpiredToken' });
  });

  it('requires an STS signature: a Redshift-scoped signature is SignatureDoesNotMatch', async () => {
    const roleArn = emulator.addRole({ roleName: `${NAME}-scoped` });
    const client = sts();
    client.middlewareStack.add(
      (next) => async (args) => {
        // Re-sign as another service would: the credential scope names the service.
        const req = args.request as { headers: Record<string, string> };
        req.headers.authorization = req.headers.authorization?.replace('/sts/aws4_request', '/redshift/aws4_request') ?? '';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    const error = await rejectionOf(client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'scoped' })));
    expect(error).toMatchObject({ name: 'SignatureDoesNotMatch' });
    expect(error.message).toContain("Credential should be scoped to correct service: 'sts'");
  });

  it('addRole refuses names, durations and ExternalIds that AWS would refuse', () => {
    expect(() => emulator.addRole({ roleName: 'bad name' })).toThrow(TypeError);
    expect(() => emulator.addRole({ roleName: 'r'.repeat(65) })).toThrow(TypeError);
    expect(() => emulator.addRole({ roleName: 'ok', maxSessionDurationSeconds: 100 })).toThrow(TypeError);
    expect(() => emulator.addRole({ roleName: 'ok', sessionDurationSeconds: 0 })).toThrow(TypeError);
    expect(() => emulator.addRole({ roleName: 'ok', externalId: 'x' })).toThrow(TypeError);
  });
});
