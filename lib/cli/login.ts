import { RedshiftCredentials } from '../credentials/engine';
import { planTarget } from '../options/validate';
import type { TemporaryCredentials } from '../credentials/temporary-credentials';
import { debug } from '../debug';
import type { LoginSettings, SslMode } from './settings';

/** A complete libpq login: where to connect and the temporary credentials (password hidden). */
export interface DatabaseLogin {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly sslmode: SslMode;
  readonly credentials: TemporaryCredentials;
}

/**
 * Fetches one set of temporary credentials, and without a host first looks up the cluster's or
 * workgroup's endpoint address and port (`DescribeClusters` / `GetWorkgroup`). Validation happens
 * (synchronously) when the engine is created, so invalid options throw before any AWS call; the
 * engine is closed either way so that no SDK socket keeps the process alive.
 */
export async function fetchLogin(settings: LoginSettings): Promise<DatabaseLogin> {
  const engine = new RedshiftCredentials(planTarget(settings.iam), settings.iam, { discoverAddress: settings.host === undefined });
  try {
    let host = settings.host;
    let port = settings.port;
    if (host === undefined) {
      const address = await engine.address();
      debug('cli: the endpoint is %s:%s', address.host, address.port);
      host = address.host;
      port = settings.portGiven ? port : address.port ?? port;
    }
    const credentials = await engine.get();
    debug('cli: credentials for %o', engine.target);
    debug('cli: logging in as %s until %s', credentials.user, credentials.expiresAt.toISOString());
    return { host, port, database: settings.database, sslmode: settings.sslmode, credentials };
  } finally {
    await engine.close();
  }
}
