import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the AWS API looks while it is down. */
export type OutageMode =
  /** Every connection is reset at once, as when the network path to AWS is gone. */
  | 'reset'
  /** Every request gets HTTP 503 `ServiceUnavailable`, as in a regional API outage. */
  | 'unavailable';

/** A pass-through HTTP proxy in front of the emulator that can take "AWS" down for a while. */
export interface OutageProxy {
  /** `http://127.0.0.1:<port>`: use it as the library's `iam.endpoint`. */
  readonly endpoint: string;
  /** Requests turned away since the start. */
  readonly rejected: number;
  /** Whether the proxy is turning requests away. */
  readonly isDown: boolean;
  down(mode: OutageMode): void;
  up(): void;
  close(): Promise<void>;
}

// An awsQuery error body, as the Redshift API sends it; the SDK reads Code and retries 503s.
const UNAVAILABLE_BODY = '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>'
  + '<Message>Service Unavailable (soak outage)</Message></Error><RequestId>soak-outage</RequestId></ErrorResponse>';

/**
 * Starts the proxy. It forwards requests unchanged (SigV4 signs the Host header the client sent,
 * which the emulator checks as received), so only the outage switch differs from a direct call.
 * The emulator's `failNext` queues a number of failures; an outage instead lasts for a time.
 * `onReject` hears of every request turned away.
 */
export async function startOutageProxy(target: string, onReject: (at: number) => void = () => undefined): Promise<OutageProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let mode: OutageMode | undefined;
  let rejected = 0;

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const outbound = request(
      // No agent: no keep-alive sockets to the emulator outlive the proxy.
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    outbound.on('error', () => res.destroy());
    req.pipe(outbound);
  };

  const server = createServer((req, res) => {
    if (mode === undefined) return forward(req, res);
    rejected++;
    onReject(Date.now());
    if (mode === 'reset') {
      req.socket.destroy();
      return;
    }
    req.resume();
    res.writeHead(503, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(UNAVAILABLE_BODY)) });
    res.end(UNAVAILABLE_BODY);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    get rejected() {
      return rejected;
    },
    get isDown() {
      return mode !== undefined;
    },
    down(next) {
      mode = next;
      // Keep-alive sockets would otherwise carry requests past the outage's start.
      if (next === 'reset') for (const socket of sockets) socket.destroy();
    },
    up() {
      mode = undefined;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
