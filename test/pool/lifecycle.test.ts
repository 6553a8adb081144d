import { once } from 'node:events';
import { createServer, Socket } from 'node:net';
import type pg from 'pg';
import { createRedshiftCredentials, createRedshiftPool } from '../../lib';
import { freshConnectionUser } from '../setup/pool-helpers';
import { useStandIn } from '../setup/stand-in';

const NAME = 'lifecycle';
const standIn = useStandIn(NAME);

/** A TCP port on which nothing listens: a connection there is refused. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the refused-login retry keeps the client's own settings", () => {
  it('dials through the `stream` factory (a tunnel) again, never around it', async () => {
    let dials = 0;
    // A stand-in for an SSH/SSM tunnel: whatever host and port pg asks for, it reaches the server.
    const stream = () => {
      dials++;
      const socket = new Socket();
      const connect = socket.connect.bind(socket) as (port: number, host: string) => Socket;
      socket.connect = (() => connect(standIn.pg.port, standIn.pg.host)) as unknown as typeof socket.connect;
      return socket;
    };
    // host:port is a closed port, so only the tunnel reaches PostgreSQL.
    const pool = createRedshiftPool({ host: '127.0.0.1', port: await closedPort(), database: standIn.pg.database, stream, iam: standIn.iam });
    try {
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(dials).toBe(1);
      await standIn.emulator.revoke(`IAM:${NAME}-user`);
      expect(await freshConnectionUser(pool)).toBe(`IAM:${NAME}-user`);
      expect(standIn.emulator.calls).toHaveLength(2); // the cached password was refused, so it fetched again
      expect(dials).toBe(3); // the new client's socket, then the retry's
    } finally {
      await pool.end();
    }
  });
});

describe('pool.end()', () => {
  it('resolves only once every socket of the pool is closed', async () => {
    const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
    const clients: pg.Client[] = [];
    const ended = new Set<pg.Client>();
    pool.on('connect', (client) => {
      clients.push(client);
      client.once('end', () => ended.add(client));
    });
    const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
    a!.release();
    b!.release();
    await pool.end();
    expect(clients).toHaveLength(2);
    expect(clients.filter((client) => !ended.has(client))).toEqual([]);
  });

  it('lets no login happen after it was called, even when the credentials arrive afterwards', async () => {
    standIn.emulator.setLatency(1_000);
    let signing!: () => void;
    const fetching = new Promise<void>((resolve) => (signing = resolve));
    // The SDK asks for the AWS identity when it signs the request: the fetch is then under way.
    const iam = { ...standIn.iam, credentials: async () => (signing(), standIn.emulator.identities.iamUser) };
    // A second engine on the same target and identity keeps the shared fetch alive after the pool let go.
    const other = createRedshiftCredentials({ ...iam, host: standIn.pg.host, database: standIn.pg.database });
    const pool = createRedshiftPool({ ...standIn.pg, iam });
    try {
      const connected = pool.connect().then((client) => client, (error: unknown) => error);
      await fetching;
      await pool.end();
      expect(await connected).toMatchObject({ code: 'CLOSED' });
      await other.get(); // the fetch completes; the pool's connect must not log in with it
      expect(pool.totalCount).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('cuts short a login already talking to the server', async () => {
    let dialing!: () => void;
    const dialed = new Promise<void>((resolve) => (dialing = resolve));
    // A tunnel that never finishes opening: the client stays inside pg's connect().
    const stream = () => {
      const socket = new Socket();
      socket.connect = (() => (dialing(), socket)) as unknown as typeof socket.connect;
      return socket;
    };
    const pool = createRedshiftPool({ ...standIn.pg, stream, iam: standIn.iam });
    const connected = pool.connect().then((client) => client, (error: unknown) => error);
    await dialed;
    await pool.end();
    expect(await connected).toMatchObject({ code: 'CLOSED' });
  });
});
