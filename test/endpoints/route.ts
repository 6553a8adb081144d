import { Socket } from 'node:net';

/** Where pg asked to connect, and the pg `stream` option that took it to the test PostgreSQL. */
export interface Route {
  /** Every `host:port` pg connected to, in order. */
  readonly dialed: string[];
  /** pg's `stream` option: a socket factory. */
  readonly stream: () => Socket;
}

/**
 * Stands in for DNS: Redshift endpoint names (managed VPC endpoints, custom domains) do not resolve
 * on a loopback-only machine, so pg's socket is handed to the test PostgreSQL instead, as an
 * /etc/hosts entry or a port forward would. Everything above the socket is real: pg connects to the
 * name and port the library chose (recorded in `dialed`), and the server checks the IAM login.
 */
export function routeTo(target: { host: string; port: number }): Route {
  const dialed: string[] = [];
  const stream = () => {
    const socket = new Socket();
    const connect = socket.connect.bind(socket) as (port: number, host: string) => Socket;
    // pg calls stream.connect(port, host); every other use of the socket is untouched.
    (socket as unknown as { connect: (port: number, host: string) => Socket }).connect = (port: number, host: string) => {
      dialed.push(`${host}:${port}`);
      return connect(target.port, target.host);
    };
    return socket;
  };
  return { dialed, stream };
}
