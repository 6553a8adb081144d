import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetClusterCredentialsCommand, RedshiftClient, type GetClusterCredentialsCommandInput } from '@aws-sdk/client-redshift';
import pg from 'pg';
import type { RedshiftIamOptions } from '../lib';
import { startTestPostgres, type TestPostgres } from '../lib/testing';
import { startRemoteEmulator, type RemoteEmulator } from './remote-emulator';

/** The database users of the three variants; distinct, so no phase disturbs another's role. */
export const ROLES = { library: 'benchlib', naive: 'benchuser', static: 'bench_static' } as const;
const CLUSTER = 'examplecluster';
const DATABASE = 'dev';

/** A throwaway PostgreSQL server, the emulator in front of it, and a login for each variant. */
export interface BenchStand {
  readonly postgres: TestPostgres;
  readonly emulator: RemoteEmulator;
  /** Where every variant connects (no TLS: the stand-in is local). */
  readonly pg: { readonly host: string; readonly port: number; readonly database: string; readonly ssl: false };
  /** IAM options of the library variant: `GetClusterCredentials` as `IAMA:benchlib`. */
  readonly iam: RedshiftIamOptions;
  /** The naive variant's fixed user and request (the user must be known before pg asks for a password). */
  readonly naive: { readonly user: string; readonly request: GetClusterCredentialsCommandInput };
  /** SDK settings pointing at the emulator. */
  readonly sdkConfig: { readonly endpoint: string; readonly region: string; readonly credentials: RedshiftIamOptions['credentials'] };
  /** The static variant's role with a fixed password, created by the superuser. */
  readonly staticLogin: { readonly user: string; readonly password: string };
  /** `SHOW server_version`. */
  readonly serverVersion: string;
  /**
   * Makes sure both IAM roles exist with a valid password (calls not counted), so a phase measures
   * logins rather than the emulator's one-off role creation, then empties the call log.
   */
  primeRoles(): Promise<void>;
  /** Waits until no bench role has a session left, so that phases do not overlap on the server. */
  waitForQuiet(): Promise<void>;
  close(): Promise<void>;
}

/** Starts PostgreSQL (max_connections large enough for the storms) and the emulator. */
export async function startBenchStand(options: { latencyMs: number; maxConnections: number }): Promise<BenchStand> {
  const postgres = await startTestPostgres({ maxConnections: options.maxConnections });
  let emulator: RemoteEmulator | undefined;
  try {
    emulator = await startRemoteEmulator({
      postgres: { host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database: postgres.database },
      iamUserName: 'bench-user',
      roleName: 'bench-role',
      latencyMs: options.latencyMs,
    });
    // Shaped like the temporary passwords (and as long), so that the login itself costs the same.
    const staticLogin = { user: ROLES.static, password: `AMA${randomBytes(48).toString('base64')}` };
    const serverVersion = await withSuperuser(postgres, async (client) => {
      await upsertRole(client, staticLogin.user, staticLogin.password);
      return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown';
    });
    return describeStand(postgres, emulator, staticLogin, serverVersion);
  } catch (error) {
    await emulator?.close();
    await postgres.stop();
    throw error;
  }
}

function describeStand(postgres: TestPostgres, emulator: RemoteEmulator, staticLogin: BenchStand['staticLogin'], serverVersion: string): BenchStand {
  const sdkConfig = { endpoint: emulator.endpoint, region: emulator.region, credentials: emulator.identity };
  const request = (dbUser: string): GetClusterCredentialsCommandInput => ({
    ClusterIdentifier: CLUSTER,
    DbName: DATABASE,
    DbUser: dbUser,
    AutoCreate: true,
    DurationSeconds: 900,
  });
  const roles = [`IAMA:${ROLES.library}`, `IAMA:${ROLES.naive}`, ROLES.static];
  return {
    postgres,
    emulator,
    pg: { host: postgres.host, port: postgres.port, database: DATABASE, ssl: false },
    iam: { ...sdkConfig, clusterIdentifier: CLUSTER, dbUser: ROLES.library, autoCreate: true },
    naive: { user: `IAMA:${ROLES.naive}`, request: request(ROLES.naive) },
    sdkConfig,
    staticLogin,
    serverVersion,
    async primeRoles() {
      const redshift = new RedshiftClient(sdkConfig);
      try {
        await redshift.send(new GetClusterCredentialsCommand(request(ROLES.library)));
        await redshift.send(new GetClusterCredentialsCommand(request(ROLES.naive)));
      } finally {
        redshift.destroy();
      }
      await emulator.clearCalls();
    },
    async waitForQuiet() {
      await withSuperuser(postgres, async (client) => {
        for (let waited = 0; waited < 60_000; waited += 50) {
          const { rows } = await client.query<{ sessions: number }>('SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE usename = ANY($1)', [roles]);
          if ((rows[0]?.sessions ?? 0) === 0) return;
          await sleep(50);
        }
        throw new Error('bench sessions did not end within 60 s');
      });
    },
    async close() {
      await emulator.close();
      await postgres.stop();
    },
  };
}

async function upsertRole(client: pg.Client, user: string, password: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
  const verb = rowCount ? 'ALTER' : 'CREATE';
  await client.query(`${verb} ROLE ${client.escapeIdentifier(user)} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
}

async function withSuperuser<T>(postgres: TestPostgres, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const { host, port, user, password, database } = postgres;
  const client = new pg.Client({ host, port, user, password, database });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
