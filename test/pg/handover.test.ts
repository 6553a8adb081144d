// A backend terminated right after its login: pg parses the server's FATAL from the same chunk as
// its ReadyForQuery, before the library has handed the client to pg-pool. Here a tiny server speaks
// just enough of the protocol to do exactly that (the soak met it with pg_terminate_backend).
import { createRedshiftClient, createRedshiftPool } from '../../lib';
import { useStandIn } from '../setup/stand-in';
import { useTcpServer } from '../setup/tcp-server';

const NAME = 'handover';
const standIn = useStandIn(NAME);

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

// AuthenticationOk, ReadyForQuery, then a FATAL 57P01, in one write.
const LOGIN_THEN_TERMINATED = Buffer.concat([
  message('R', Buffer.from([0, 0, 0, 0])),
  message('Z', Buffer.from('I', 'latin1')),
  message('E', Buffer.from('SFATAL\0C57P01\0Mterminating connection due to administrator command\0\0', 'latin1')),
]);

// The startup message (no SSL request: ssl is off) is the client's first and only packet.
const server = useTcpServer((socket) => socket.once('data', () => socket.end(LOGIN_THEN_TERMINATED)));

const address = () => ({ host: '127.0.0.1', port: server.port(), database: standIn.pg.database, ssl: false });

describe('a connection that dies between its login and the hand-over', () => {
  it('fails that connect with the server\'s error instead of an uncaught error event (pool)', async () => {
    const pool = createRedshiftPool({ ...address(), iam: standIn.iam });
    pool.on('error', () => undefined);
    try {
      await expect(pool.connect()).rejects.toMatchObject({ code: '57P01' });
      expect(pool.totalCount).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('likewise for a single client, with the callback form of connect', async () => {
    const client = createRedshiftClient({ ...address(), iam: standIn.iam });
    const error = await new Promise<Error | null>((resolve) => client.connect((failure: Error | null) => resolve(failure)));
    expect(error).toMatchObject({ code: '57P01' });
    await client.end().catch(() => undefined);
  });
});
