import { Client } from 'pg';
import type { TestPostgres } from '../../lib/testing';
import { ROWS_TABLE } from './workload';

/** A superuser session on the soak's own PostgreSQL server, for setup, restarts and checks. */
export interface PostgresControl {
  /**
   * Simulates a server restart as open sessions see it: terminates every other client backend
   * (the pool's, the emulator's). Unlike a real restart, new logins work at once.
   */
  terminateBackends(): Promise<number>;
  /**
   * Restarts the server for real: stops its process and starts it again on the same port and data
   * directory. Every session ends, logins are refused meanwhile; this control session reconnects.
   */
  restartServer(): Promise<void>;
  /** The sequence numbers each worker's rows have, for the loss check. */
  writtenRows(): Promise<Map<number, Set<number>>>;
  close(): Promise<void>;
}

/** A superuser session that remembers why it broke, if it did. */
interface Session {
  readonly client: Client;
  broken: Error | undefined;
}

async function open(server: TestPostgres): Promise<Session> {
  const client = new Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: server.database });
  const session: Session = { client, broken: undefined };
  client.on('error', (error) => (session.broken = error));
  await client.connect();
  return session;
}

/** Connects to the `dev` database as superuser and creates the workload's table. */
export async function connectControl(server: TestPostgres): Promise<PostgresControl> {
  // This session survives pg_terminate_backend (which skips it) and is replaced after a real
  // restart; should it break anyway, the next call reports why.
  let session = await open(server);
  const ready = () => {
    if (session.broken) throw new Error(`the soak's superuser session broke: ${session.broken.message}`);
    return session.client;
  };
  await session.client.query(`CREATE TABLE IF NOT EXISTS ${ROWS_TABLE} (worker int NOT NULL, seq int NOT NULL, PRIMARY KEY (worker, seq))`);
  // The IAM roles do not exist yet: the emulator creates them at the first credentials call.
  await session.client.query(`GRANT SELECT, INSERT ON ${ROWS_TABLE} TO PUBLIC`);
  return {
    async terminateBackends() {
      const { rows } = await ready().query<{ terminated: string }>(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS terminated FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      return Number(rows[0]?.terminated ?? 0);
    },
    async restartServer() {
      const old = session;
      await server.restart();
      // The old session ended with the server (its error is expected); end() only frees the client.
      await old.client.end().catch(() => undefined);
      session = await open(server);
    },
    async writtenRows() {
      const { rows } = await ready().query<{ worker: number; seq: number }>(`SELECT worker, seq FROM ${ROWS_TABLE}`);
      const byWorker = new Map<number, Set<number>>();
      for (const { worker, seq } of rows) {
        let seqs = byWorker.get(worker);
        if (seqs === undefined) byWorker.set(worker, (seqs = new Set()));
        seqs.add(seq);
      }
      return byWorker;
    },
    close: () => session.client.end(),
  };
}
