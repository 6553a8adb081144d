import { GetClusterCredentialsCommand, GetClusterCredentialsWithIAMCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { GetCredentialsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { startRedshiftEmulator, type RedshiftEmulator } from '../../lib/testing';
import { testPostgres } from '../setup/test-postgres';
import { loginUser, rejectionOf } from './emulator-helpers';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'emulife';

const start = (options: Partial<Parameters<typeof startRedshiftEmulator>[0]> = {}) =>
  startRedshiftEmulator({ postgres: testPostgres(), iamUserName: `${NAME}-user`, roleName: `${NAME}-role`, ...options });

/** Network handles and timers of this process, by type. */
function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (['TCPServerWrap', 'TCPSocketWrap', 'Timeout'].includes(type)) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/**
 * The handle counts once they match `expected`, or after ~1 s: closed handles leave the list only
 * when the event loop has run their close callbacks.
 */
async function settledHandleCounts(expected?: Record<string, number>): Promise<Record<string, number>> {
  let previous = handleCounts();
  for (let turn = 0; turn < 50; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const current = handleCounts();
    const same = JSON.stringify(current) === JSON.stringify(expected ?? previous);
    if (same) return current;
    previous = current;
  }
  return previous;
}

describe('startRedshiftEmulator', () => {
  it('refuses a configuration whose databases do not exist on PostgreSQL', async () => {
    const error = await rejectionOf(start({ clusters: [{ clusterIdentifier: 'c1', databases: ['dev', `${NAME}_missing`] }] }));
    expect(error.message).toContain(`${NAME}_missing`);
    expect(error.message).toContain('do not exist on the PostgreSQL server');
  });

  it('close() ends the server, every socket and the admin pool, leaving no handles', async () => {
    const before = await settledHandleCounts();
    const emulator = await start();
    const redshift = new RedshiftClient(emulator.clientConfig());
    const serverless = new RedshiftServerlessClient(emulator.clientConfig());
    const out = await redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster', DbName: 'dev' }));
    await serverless.send(new GetCredentialsCommand({ workgroupName: 'default-workgroup' }));
    expect(await loginUser(out.DbUser, out.DbPassword)).toBe(out.DbUser);
    // The SDK clients stay open with keep-alive sockets: close() must cut those itself.
    await emulator.close();
    await emulator.close();
    redshift.destroy();
    serverless.destroy();
    expect(await settledHandleCounts(before)).toEqual(before);

    const after = new RedshiftClient({ ...emulator.clientConfig(), maxAttempts: 1 });
    try {
      const error = await rejectionOf(after.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' })));
      expect(error.message).toContain('ECONNREFUSED');
    } finally {
      after.destroy();
    }
  });
});

describe('controls', () => {
  let emulator: RedshiftEmulator;
  let redshift: RedshiftClient;

  beforeAll(async () => {
    emulator = await start({ latencyMs: 0 });
    redshift = new RedshiftClient(emulator.clientConfig());
  });

  afterAll(async () => {
    redshift?.destroy();
    await emulator?.close();
  });

  it('setLatency delays every call', async () => {
    emulator.setLatency(150);
    try {
      const started = Date.now();
      await redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    } finally {
      emulator.setLatency(0);
    }
  });

  it('addCluster, addWorkgroup and addDbUser take effect at once', async () => {
    await expect(redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: `${NAME}-late` }))).rejects.toMatchObject({
      name: 'ClusterNotFoundFault',
    });
    emulator.addCluster({ clusterIdentifier: `${NAME}-late`, databases: ['dev'] });
    const out = await redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: `${NAME}-LATE` }));
    expect(await loginUser(out.DbUser, out.DbPassword)).toBe(`IAM:${NAME}-user`);

    emulator.addWorkgroup({ workgroupName: `${NAME}-wg` });
    const serverless = new RedshiftServerlessClient(emulator.clientConfig());
    try {
      const creds = await serverless.send(new GetCredentialsCommand({ workgroupName: `${NAME}-wg`, dbName: 'dev' }));
      expect(await loginUser(creds.dbUser, creds.dbPassword)).toBe(`IAM:${NAME}-user`);
    } finally {
      serverless.destroy();
    }

    const unknown = await redshift.send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'examplecluster', DbUser: `${NAME}_late` }));
    expect(await rejectionOf(loginUser(unknown.DbUser, unknown.DbPassword))).toMatchObject({ code: '28P01' });
    emulator.addDbUser(`${NAME}_late`);
    const known = await redshift.send(new GetClusterCredentialsCommand({ ClusterIdentifier: 'examplecluster', DbUser: `${NAME}_late` }));
    expect(await loginUser(known.DbUser, known.DbPassword)).toBe(`IAM:${NAME}_late`);
  });

  it('addIdentity registers IAM users and assumed roles; other principals are refused', async () => {
    const user = emulator.addIdentity({ arn: `arn:aws:iam::${emulator.accountId}:user/team/${NAME}-bob` });
    expect(user.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(user.sessionToken).toBeUndefined();
    const role = emulator.addIdentity({ arn: `arn:aws:sts::${emulator.accountId}:assumed-role/${NAME}-etl/job-7` });
    expect(role.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(role.sessionToken).toBeTruthy();

    const asUser = await redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' }));
    expect(asUser.DbUser).toBe(`IAM:${NAME}-user`);
    const bob = new RedshiftClient(emulator.clientConfig(user));
    const etl = new RedshiftClient(emulator.clientConfig(role));
    try {
      expect((await bob.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' }))).DbUser).toBe(`IAM:${NAME}-bob`);
      expect((await etl.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' }))).DbUser).toBe(`IAMR:${NAME}-etl`);
    } finally {
      bob.destroy();
      etl.destroy();
    }
    expect(() => emulator.addIdentity({ arn: `arn:aws:iam::${emulator.accountId}:root` })).toThrow(TypeError);
    expect(() => emulator.addIdentity({ arn: 'arn:aws:iam::123456789012:user/x', accessKeyId: user.accessKeyId })).toThrow(TypeError);
  });

  it('environment() points the SDK default configuration at the emulator', () => {
    expect(emulator.environment(emulator.identities.assumedRole)).toEqual({
      AWS_ENDPOINT_URL_REDSHIFT: emulator.endpoint,
      AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS: emulator.endpoint,
      AWS_ENDPOINT_URL_STS: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: emulator.identities.assumedRole.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.identities.assumedRole.secretAccessKey,
      AWS_SESSION_TOKEN: emulator.identities.assumedRole.sessionToken,
    });
  });

  it('rejects invalid control values', () => {
    expect(() => emulator.failNext(-1, 'throttling')).toThrow(RangeError);
    expect(() => emulator.failNext(1, 'slow' as never)).toThrow(TypeError);
    expect(() => emulator.setExpiryOverride(0)).toThrow(RangeError);
    expect(() => emulator.setLatency(-5)).toThrow(RangeError);
    expect(() => emulator.setClockOffset(Number.NaN)).toThrow(RangeError);
  });
});
