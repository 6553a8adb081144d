import pg from 'pg';

/** Physical logins seen by {@link countingClientClass}. */
export interface LoginCounters {
  /** Logins started (a rejected login that the library retries counts twice). */
  attempted: number;
  succeeded: number;
  /** Failed logins by SQLSTATE or error code, e.g. `28P01` for a refused password. */
  readonly failed: Record<string, number>;
}

type ConnectCallback = (error: Error | null, client?: pg.Client) => void;

/**
 * A pg Client class that counts logins. Passed as the pool's `Client`, the library's IAM Client
 * extends it, so each `super.connect()` (one per physical login attempt) passes through here.
 */
export function countingClientClass(counters: LoginCounters): typeof pg.Client {
  class CountingClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      counters.attempted++;
      const count = (error: Error | null) => {
        if (error === null) {
          counters.succeeded++;
          return;
        }
        const code = (error as { code?: unknown }).code;
        const key = typeof code === 'string' ? code : error.message.slice(0, 60);
        counters.failed[key] = (counters.failed[key] ?? 0) + 1;
      };
      if (callback === undefined) {
        return super.connect().then(
          (client) => {
            count(null);
            return client;
          },
          (error: Error) => {
            count(error);
            throw error;
          },
        );
      }
      super.connect((error: Error | null) => {
        count(error);
        if (error === null) callback(null, this);
        else callback(error);
      });
    }
  }
  return CountingClient;
}
