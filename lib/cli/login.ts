import { createRedshiftCredentials } from '../credentials/engine';
import type { TemporaryCredentials } from '../credentials/temporary-credentials';
import { debug } from '../debug';
import type { LoginSettings, SslMode } from './settings';
import { UsageError } from './usage-error';

/** A complete libpq login: where to connect and the temporary credentials (password hidden). */
export interface DatabaseLogin {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly sslmode: SslMode;
  readonly credentials: TemporaryCredentials;
}

/**
 * Fetches one set of temporary credentials. Validation happens (synchronously) when the engine is
 * created, so invalid options throw before any AWS call; the engine is closed either way so that
 * no SDK socket keeps the process alive.
 */
export async function fetchLogin(settings: LoginSettings): Promise<DatabaseLogin> {
  // Interim until the engine resolves the address (DescribeClusters / GetWorkgroup): fail before any AWS call.
  const host = settings.host;
  if (host === undefined) throw new UsageError('--host: looking up the address of a cluster or workgroup is not available yet; pass --host or set PGHOST.');
  const engine = createRedshiftCredentials(settings.iam);
  try {
    debug('cli: fetching credentials for %o', engine.target);
    const credentials = await engine.get();
    debug('cli: logging in as %s until %s', credentials.user, credentials.expiresAt.toISOString());
    return { host, port: settings.port, database: settings.database, sslmode: settings.sslmode, credentials };
  } finally {
    await engine.close();
  }
}
