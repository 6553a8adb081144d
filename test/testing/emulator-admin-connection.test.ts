import { GetClusterCredentialsWithIAMCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { Client } from 'pg';
import { startRedshiftEmulator, startTestPostgres, type RedshiftEmulator, type TestPostgres } from '../../lib/testing';

// The emulator changes login roles in transactions on admin connections. A PostgreSQL restart (or a
// terminated backend) between two of its queries makes pg emit 'error' on the checked-out client;
// without a listener that event ends the whole process (seen in the soak's real restarts).

// A PostgreSQL server of its own: the DDL lock and the terminated backend must not touch the
// emulators of test files running at the same time on the shared server.
let postgres: TestPostgres;
let emulator: RedshiftEmulator;
beforeAll(async () => {
  postgres = await startTestPostgres({ maxConnections: 20 });
  emulator = await startRedshiftEmulator({ postgres });
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  await postgres?.stop();
});

it('survives its admin connection dying inside a transaction, fails that call, and serves the next', async () => {
  // Hold the emulator's DDL lock, so that its transaction waits right after BEGIN.
  const holder = new Client(postgres);
  await holder.connect();
  // pg_stat_activity is a snapshot per transaction, so the holder cannot watch it; a second session does.
  const watcher = new Client(postgres);
  await watcher.connect();
  const redshift = new RedshiftClient({ ...emulator.clientConfig(), maxAttempts: 1 });
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT pg_advisory_xact_lock(hashtext('pg-redshift-iam emulator ddl'))`);
    const call = redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster', DbName: 'dev' }));
    const failed = call.then(() => 'answered', (error: Error) => error.name);

    // Find the emulator's admin backend waiting for the lock, and end it.
    let pid: number | undefined;
    for (let tries = 0; pid === undefined && tries < 500; tries++) {
      const { rows } = await watcher.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%' AND pid <> pg_backend_pid()`,
      );
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(pid).toBeDefined();
    await watcher.query('SELECT pg_terminate_backend($1)', [pid]);
    await holder.query('COMMIT');

    expect(await failed).not.toBe('answered');
    // The process is still alive (an unhandled 'error' would have ended the jest worker), and the
    // emulator serves the next call on a new admin connection.
    const answer = await redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster', DbName: 'dev' }));
    expect(answer.DbUser).toBe('IAM:alice');
  } finally {
    await holder.end();
    await watcher.end();
    redshift.destroy();
  }
});
