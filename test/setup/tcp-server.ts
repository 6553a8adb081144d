import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP server of one test file; `port()` once `beforeAll` has run. */
export interface TcpServer {
  port(): number;
}

/**
 * Registers jest hooks that start a TCP server on 127.0.0.1 before all tests, calling `onSocket`
 * for each connection (by default: accept and never answer), and destroy every socket and close
 * it after all.
 */
export function useTcpServer(onSocket: (socket: Socket) => void = () => undefined): TcpServer {
  let server: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      onSocket(socket);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: () => (server.address() as { port: number }).port };
}
