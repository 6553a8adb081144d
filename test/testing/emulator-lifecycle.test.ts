import { GetClusterCredentialsCommand, GetClusterCredentialsWithIAMCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { GetCredentialsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { createHook } from 'node:async_hooks';
import { Agent } from 'node:http';
import { startRedshiftEmulator, type RedshiftEmulator } from '../../lib/testing';
import { testPostgres } from '../setup/test-postgres';
import { loginUser, rejectionOf } from './emulator-helpers';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'emulife';

const start = (options: Partial<Parameters<typeof startRedshiftEmulator>[0]> = {}) =>
  startRedshiftEmulator({ postgres: testPostgres(), iamUserName: `${NAME}-user`, roleName: `${NAME}-role`, ...options });

/** Network handles of this process, by type. */
function tcpHandles(): Record<string, number> {
  const counts: Record<string, number> = { TCPServerWrap: 0, TCPSocketWrap: 0 };
  for (const type of process.getActiveResourcesInfo()) {
    if (type in counts) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/**
 * Watches for handles and timers that outlive a piece of work. Sockets and servers are counted
 * exactly (nothing else in this process opens any meanwhile). Timers are followed from their
 * creation, because jest's own reporter runs timers in this process when it runs one file: a
 * plain count goes up and down with them. A timer counts when it is still pending and ref'ed
 * at the end and jest did not create it.
 */
function watchHandles(): { leftovers(): { tcp: Record<string, number>; timers: string[] } } {
  const before = tcpHandles();
  const timers = new Map<number, { timer: NodeJS.Timeout; stack: string }>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      if (!/node_modules[\\/](?:@jest|jest-)/.test(stack)) timers.set(id, { timer: resource as NodeJS.Timeout, stack });
    },
    destroy(id) {
      timers.delete(id);
    },
  }).enable();
  return {
    leftovers() {
      hook.disable();
      const now = tcpHandles();
      const tcp: Record<string, number> = {};
      for (const type of Object.keys(now)) tcp[type] = (now[type] ?? 0) - (before[type] ?? 0);
      return { tcp, timers: [...timers.values()].filter((entry) => entry.timer.hasRef()).map((entry) => entry.stack) };
    },
  };
}

const NONE_LEFT = { tcp: { TCPServerWrap: 0, TCPSocketWrap: 0 }, timers: [] };

/**
 * An HTTP agent for SDK clients that remembers the close of every socket it opened: client sockets
 * close on their own schedule after the server cut them, and the handle count must not race them.
 */
function trackingAgent(): { agent: Agent; allClosed(): Promise<void> } {
  const closed: Array<Promise<void>> = [];
  class TrackingAgent extends Agent {
    override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
      const socket = super.createConnection(...args);
      if (socket) closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
      return socket;
    }
  }
  return { agent: new TrackingAgent({ keepAlive: true }), allClosed: async () => void (await Promise.all(closed)) };
}

describe('startRedshiftEmulator', () => {
  it('refuses a configuration whose databases do not exist on PostgreSQL, leaving no handles', async () => {
    const watch = watchHandles();
    const error = await rejectionOf(start({ clusters: [{ clusterIdentifier: 'c1', databases: ['dev', `${NAME}_missing`] }] }));
    expect(error.message).toContain(`${NAME}_missing`);
    expect(error.message).toContain('do not exist on the PostgreSQL server');
    // The admin connection that found out is closed, socket included, when the rejection arrives.
    expect(watch.leftovers()).toEqual(NONE_LEFT);
  });

  it('close() ends the server, every socket and the admin pool, leaving no handles', async () => {
    // No settling: every handle of the emulator is gone when close() resolves (also after the
    // failed start of the test before), and the test waits for its own client sockets.
    const watch = watchHandles();
    const emulator = await start();
    const { agent, allClosed } = trackingAgent();
    const redshift = new RedshiftClient({ ...emulator.clientConfig(), requestHandler: { httpAgent: agent } });
    const serverless = new RedshiftServerlessClient({ ...emulator.clientConfig(), requestHandler: { httpAgent: agent } });
    const out = await redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster', DbName: 'dev' }));
    await serverless.send(new GetCredentialsCommand({ workgroupName: 'default-workgroup' }));
    expect(await loginUser(out.DbUser, out.DbPassword)).toBe(out.DbUser);
    // The SDK clients stay open with keep-alive sockets: close() must cut those itself.
    await emulator.close();
    await emulator.close();
    redshift.destroy();
    serverless.destroy();
    await allClosed();
    expect(watch.leftovers()).toEqual(NONE_LEFT);

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
