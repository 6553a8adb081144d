import { createRedshiftPool, type RedshiftPool } from '../../lib';
import type { RedshiftEmulator, TestPostgres } from '../../lib/testing';

/** The emulator's cluster: the one that `startRedshiftEmulator` knows by default. */
export const CLUSTER = 'examplecluster';

/** How the demo pool churns through physical connections. */
export interface DemoPoolShape {
  /** Pool size. */
  readonly max: number;
  /** Queries per physical connection before pg-pool closes it and opens a new one. */
  readonly maxUses: number;
  /** How long an unused connection stays open. */
  readonly idleTimeoutMillis: number;
}

/** Pool shape for `workers` concurrent query loops. */
export function demoPoolShape(workers: number): DemoPoolShape {
  return { max: workers, maxUses: 25, idleTimeoutMillis: 1_000 };
}

/**
 * A Redshift pool pointed at the local stand-ins: the "cluster" endpoint is the PostgreSQL server
 * (no TLS, as it is not a Redshift host name) and the AWS endpoint is the emulator, signed with
 * the emulator's IAM user, exactly as an application would be with real keys.
 */
export function createDemoPool(postgres: TestPostgres, emulator: RedshiftEmulator, shape: DemoPoolShape, expirySeconds: number): RedshiftPool {
  return createRedshiftPool({
    host: postgres.host,
    port: postgres.port,
    database: postgres.database,
    ...shape,
    connectionTimeoutMillis: 10_000,
    iam: {
      clusterIdentifier: CLUSTER,
      region: emulator.region,
      endpoint: emulator.endpoint,
      credentials: emulator.identities.iamUser,
      // Real passwords live 15 minutes and are refreshed in their last 60 s. The demo compresses
      // that to seconds; half the lifetime leaves room for plenty of logins inside the window.
      refreshWindowSeconds: expirySeconds / 2,
    },
  });
}
