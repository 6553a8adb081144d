import { startRedshiftEmulator, type RedshiftEmulator, type RedshiftEmulatorOptions } from '../../lib/testing';
import type { RedshiftIamOptions } from '../../lib';
import { testPostgres, type TestPostgresSettings } from './test-postgres';

/** The run's PostgreSQL server plus a Redshift API emulator of this test file's own. */
export interface StandIn {
  readonly emulator: RedshiftEmulator;
  readonly postgres: TestPostgresSettings;
  /** pg settings of the "cluster": the real PostgreSQL server, reached without TLS. */
  readonly pg: { host: string; port: number; database: string };
  /** IAM options for the emulator's cluster, signed as the emulator's IAM user. */
  readonly iam: RedshiftIamOptions;
  close(): Promise<void>;
}

/**
 * Starts an emulator on the shared PostgreSQL server. Give each test file its own `name`: it
 * becomes the IAM user and role names, so that files running in parallel own distinct roles.
 */
export async function startStandIn(name: string, options: Partial<RedshiftEmulatorOptions> = {}): Promise<StandIn> {
  const postgres = testPostgres();
  const emulator = await startRedshiftEmulator({
    postgres,
    iamUserName: `${name}-user`,
    roleName: `${name}-role`,
    ...options,
  });
  return {
    emulator,
    postgres,
    pg: { host: postgres.host, port: postgres.port, database: postgres.database },
    iam: {
      clusterIdentifier: 'examplecluster',
      region: emulator.region,
      endpoint: emulator.endpoint,
      credentials: emulator.identities.iamUser,
    },
    close: () => emulator.close(),
  };
}

/**
 * Registers the usual jest hooks for one test file: start a stand-in before all tests, reset the
 * emulator's controls and call log before each, close it after all. Returns an object that holds
 * the stand-in's fields once `beforeAll` has run.
 */
export function useStandIn(name: string, options: Partial<RedshiftEmulatorOptions> = {}): StandIn {
  const standIn = {} as StandIn;
  beforeAll(async () => {
    Object.assign(standIn, await startStandIn(name, options));
  });
  afterAll(() => standIn.close());
  beforeEach(() => {
    standIn.emulator.clearCalls();
    standIn.emulator.clearFaults();
    standIn.emulator.setExpiryOverride(undefined);
    standIn.emulator.setLatency(0);
  });
  return standIn;
}
