/**
 * What every integration example shares: a local stand-in for Redshift (embedded PostgreSQL plus
 * the Redshift API emulator), torn down afterwards, with a failing exit code on any error.
 */
import type { RedshiftPoolConfig } from '../lib';
import { startRedshiftEmulator, startTestPostgres, type RedshiftEmulator } from '../lib/testing';

/** What an example gets: settings that log in through the stand-in, and the emulator itself. */
export interface StandInContext {
  /**
   * What you would pass to `createRedshiftPool`. On Redshift this is only
   * `{ host: '<cluster>.<id>.<region>.redshift.amazonaws.com', database: 'dev' }`.
   */
  readonly redshift: RedshiftPoolConfig & { host: string; port: number; database: string };
  /** For counting AWS calls. */
  readonly emulator: RedshiftEmulator;
}

/** Runs `example` against a fresh stand-in and cleans up, whatever happens. */
export function runAgainstStandIn(example: (context: StandInContext) => Promise<void>): void {
  const run = async () => {
    const postgres = await startTestPostgres();
    try {
      const emulator = await startRedshiftEmulator({ postgres });
      try {
        await example({
          emulator,
          redshift: {
            host: postgres.host,
            port: postgres.port,
            database: 'dev',
            iam: { clusterIdentifier: 'examplecluster', ...emulator.clientConfig() },
          },
        });
        console.log(`AWS calls: ${emulator.calls.length}`);
      } finally {
        await emulator.close();
      }
    } finally {
      await postgres.stop();
    }
  };
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
