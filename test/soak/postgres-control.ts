import pg from 'pg';
import type { TestPostgres } from '../../lib/testing';
import { ROWS_TABLE } from './workload';

/** A superuser session on the soak's own PostgreSQL server, for setup, restarts and checks. */
export interface PostgresControl {
  /**
   * Simulates a server restart as open sessions see it: terminates every other client backend
   * (the pool's, the emulator's). Unlike a real restart, new logins work at once.
   */
  terminateBackends(): Promise<number>;
  /** The sequence numbers each worker's rows have, for the loss check. */
  writtenRows(): Promise<Map<number, Set<number>>>;
  close(): Promise<void>;
}

/** Connects to the `dev` database as superuser and creates the workload's table. */
export async function connectControl(server: TestPostgres): Promise<PostgresControl> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: server.database });
  // This session survives the restarts (pg_terminate_backend skips it); should it break anyway,
  // the next call reports why.
  let broken: Error | undefined;
  client.on('error', (error) => (broken = error));
  const ready = () => {
    if (broken) throw new Error(`the soak's superuser session broke: ${broken.message}`);
  };
  await client.connect();
  await client.query(`CREATE TABLE IF NOT EXISTS ${ROWS_TABLE} (worker int NOT NULL, seq int NOT NULL, PRIMARY KEY (worker, seq))`);
  // The IAM roles do not exist yet: the emulator creates them at the first credentials call.
  await client.query(`GRANT SELECT, INSERT ON ${ROWS_TABLE} TO PUBLIC`);
  return {
    async terminateBackends() {
      ready();
      const { rows } = await client.query<{ terminated: string }>(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS terminated FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      return Number(rows[0]?.terminated ?? 0);
    },
    async writtenRows() {
      ready();
      const { rows } = await client.query<{ worker: number; seq: number }>(`SELECT worker, seq FROM ${ROWS_TABLE}`);
      const byWorker = new Map<number, Set<number>>();
      for (const { worker, seq } of rows) {
        let seqs = byWorker.get(worker);
        if (seqs === undefined) byWorker.set(worker, (seqs = new Set()));
        seqs.add(seq);
      }
      return byWorker;
    },
    close: () => client.end(),
  };
}
