import pg from 'pg';
import { createRedshiftClient, createRedshiftPool, redshiftPoolConfig, RedshiftIamError } from '../../lib';
import type { AwsCredentialIdentity } from '@smithy/types';
import { useStandIn } from '../setup/stand-in';
import { thrownBy } from '../setup/thrown-by';

const NAME = 'login';
const standIn = useStandIn(NAME, {
  workgroups: [{ workgroupName: 'default-workgroup', databases: ['dev'] }],
  dbUsers: ['awsuser'],
});

async function currentUser(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ current_user: string }>('SELECT current_user');
  return rows[0]!.current_user;
}

describe('login user is the DbUser returned with the password', () => {
  it('GetClusterCredentialsWithIAM as an IAM user logs in as IAM:<user>', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
    try {
      expect(await currentUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(standIn.emulator.calls.map((c) => [c.operation, c.outcome])).toEqual([['GetClusterCredentialsWithIAM', 'ok']]);
      expect(standIn.emulator.calls[0]!.params).toMatchObject({ ClusterIdentifier: 'examplecluster', DbName: 'dev', DurationSeconds: 900 });
    } finally {
      await pool.end();
    }
  });

  it('an assumed role logs in as IAMR:<role>', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, credentials: standIn.emulator.identities.assumedRole } });
    try {
      expect(await currentUser(pool)).toBe(`IAMR:${NAME}-role`);
    } finally {
      await pool.end();
    }
  });

  it('GetClusterCredentials with dbUser, autoCreate and dbGroups logs in as IAMA:<user> in those groups', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, dbUser: `${NAME}_bob`, autoCreate: true, dbGroups: [`${NAME}_analysts`] } });
    try {
      expect(await currentUser(pool)).toBe(`IAMA:${NAME}_bob`);
      const { rows } = await pool.query<{ member: boolean }>(`SELECT pg_has_role(current_user, $1, 'MEMBER') AS member`, [`${NAME}_analysts`]);
      expect(rows[0]!.member).toBe(true);
      expect(standIn.emulator.calls[0]).toMatchObject({ operation: 'GetClusterCredentials', params: { DbUser: `${NAME}_bob`, AutoCreate: true } });
    } finally {
      await pool.end();
    }
  });

  it('Serverless GetCredentials logs in as the caller', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, clusterIdentifier: undefined, workgroupName: 'default-workgroup' } });
    try {
      expect(await currentUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(standIn.emulator.calls[0]).toMatchObject({ service: 'redshift-serverless', operation: 'GetCredentials', params: { workgroupName: 'default-workgroup', dbName: 'dev' } });
    } finally {
      await pool.end();
    }
  });

  it('follows the DbUser when it changes between fetches', async () => {
    let identity: AwsCredentialIdentity = standIn.emulator.identities.iamUser;
    // An expiration makes the SDK ask the provider again instead of memoizing the first identity.
    const pool = createRedshiftPool({ ...standIn.pg, max: 1, iam: { ...standIn.iam, credentials: async () => ({ ...identity, expiration: new Date(Date.now() + 1000) }) } });
    try {
      expect(await currentUser(pool)).toBe(`IAM:${NAME}-user`);
      identity = standIn.emulator.identities.assumedRole;
      await pool.credentials.refresh();
      const client = await pool.connect();
      client.release(true); // the next connect opens a new physical connection
      expect(await currentUser(pool)).toBe(`IAMR:${NAME}-role`);
    } finally {
      await pool.end();
    }
  });

  it('finds the endpoint, region and keys through the SDK conventions (AWS_ENDPOINT_URL_REDSHIFT, the default provider chain)', async () => {
    const saved = { ...process.env };
    for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[name];
    Object.assign(process.env, standIn.emulator.environment());
    const pool = createRedshiftPool({ ...standIn.pg, iam: { clusterIdentifier: 'examplecluster' } });
    try {
      expect(await currentUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(standIn.emulator.calls).toHaveLength(1);
    } finally {
      await pool.end();
      process.env = saved;
    }
  });

  it("supports pg-pool's callback form of connect", async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
    try {
      const user = await new Promise<string>((resolve, reject) => {
        pool.connect((error, client, release) => {
          if (error || !client) return reject(error ?? new Error('no client'));
          client.query<{ current_user: string }>('SELECT current_user', (queryError, result) => {
            release();
            if (queryError) reject(queryError);
            else resolve(result.rows[0]!.current_user);
          });
        });
      });
      expect(user).toBe(`IAM:${NAME}-user`);
    } finally {
      await pool.end();
    }
  });

  it('createRedshiftClient logs one client in, and redshiftPoolConfig works with a plain pg.Pool', async () => {
    const client = createRedshiftClient({ ...standIn.pg, iam: standIn.iam });
    await client.connect();
    try {
      expect((await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u).toBe(`IAM:${NAME}-user`);
    } finally {
      await client.end();
    }
    const config = redshiftPoolConfig({ ...standIn.pg, iam: standIn.iam });
    const pool = new pg.Pool(config);
    try {
      expect(await currentUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(pool.options).not.toHaveProperty('credentials');
    } finally {
      await pool.end();
      await config.credentials.close();
    }
  });
});

describe('validation before any network call', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['durationSeconds 899', { iam: { durationSeconds: 899 } }, 'iam.durationSeconds'],
    ['durationSeconds 3601', { iam: { durationSeconds: 3601 } }, 'iam.durationSeconds'],
    ['a reserved database name', { database: 'table' }, 'database'],
    ['a database with a colon', { database: 'a:b' }, 'database'],
    ['no database', { database: undefined }, 'database'],
    ['dbUser for Serverless', { iam: { clusterIdentifier: undefined, workgroupName: 'default-workgroup', dbUser: 'x' } }, 'iam.dbUser'],
    ['dbGroups for Serverless', { iam: { clusterIdentifier: undefined, workgroupName: 'default-workgroup', dbGroups: ['g'] } }, 'iam.dbGroups'],
    ['no cluster or workgroup', { iam: { clusterIdentifier: undefined } }, 'iam.clusterIdentifier'],
    ['a user', { user: 'admin' }, 'user'],
    ['a password', { password: 'x' }, 'password'],
  ])('rejects %s with INVALID_OPTION and makes no AWS call', async (_, override, option) => {
    const previous = process.env.PGDATABASE;
    delete process.env.PGDATABASE;
    try {
      const config = { ...standIn.pg, ...override, iam: { ...standIn.iam, ...(override.iam as object | undefined) } };
      const thrown = thrownBy(() => createRedshiftPool(config as Parameters<typeof createRedshiftPool>[0]));
      expect(thrown).toBeInstanceOf(RedshiftIamError);
      expect(thrown).toMatchObject({ code: 'INVALID_OPTION', option });
      expect((thrown as Error).message).toContain(option);
    } finally {
      if (previous !== undefined) process.env.PGDATABASE = previous;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(standIn.emulator.calls).toEqual([]);
  });

  it('an unknown cluster fails the connect with CLUSTER_NOT_FOUND and a hint', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, clusterIdentifier: 'nosuchcluster' } });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({
        name: 'RedshiftIamError',
        code: 'CLUSTER_NOT_FOUND',
        awsErrorName: 'ClusterNotFoundFault',
        message: expect.stringContaining('nosuchcluster'),
      });
    } finally {
      await pool.end();
    }
  });

  it('an unknown workgroup fails with WORKGROUP_NOT_FOUND', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, clusterIdentifier: undefined, workgroupName: 'no-such-wg' } });
    try {
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: 'WORKGROUP_NOT_FOUND' });
    } finally {
      await pool.end();
    }
  });

  it('access denied names the IAM action and resource to allow', async () => {
    standIn.emulator.failNext(1, 'accessDenied');
    const pool = createRedshiftPool({ ...standIn.pg, iam: { ...standIn.iam, dbUser: 'awsuser' } });
    try {
      const error = await pool.query('SELECT 1').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ACCESS_DENIED' });
      expect((error as Error).message).toContain('redshift:GetClusterCredentials on arn:aws:redshift:us-east-1:<account-id>:dbuser:examplecluster/awsuser');
    } finally {
      await pool.end();
    }
  });
});
