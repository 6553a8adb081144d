import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned answer of the raw server. */
export type RawAnswer =
  /** Status line and headers, then silence (the connection stays open). */
  | { readonly kind: 'stall'; readonly status?: number; readonly headers?: Record<string, string> }
  /** Headers, then one byte of `body` every `everyMs`, never finishing before the body ends. */
  | { readonly kind: 'trickle'; readonly everyMs: number; readonly body: string; readonly headers?: Record<string, string> }
  /** A complete answer, exactly as given (a truncated body gets a matching Content-Length). */
  | { readonly kind: 'answer'; readonly status: number; readonly statusText?: string; readonly body: string; readonly headers?: Record<string, string> };

/** A request the raw server received. */
export interface RawRequest {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A loopback HTTP server that answers AWS SDK calls with canned raw responses. */
export interface RawAwsServer {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint`. */
  readonly endpoint: string;
  /** Every request received, in order. */
  readonly requests: readonly RawRequest[];
  /** Connections open now (clients that keep sockets alive show here). */
  openConnections(): number;
  /** Destroys every open connection and timer, then stops listening. */
  close(): Promise<void>;
}

/**
 * Starts the server; `answer` picks the answer for each request (0-based index). Home-made because
 * the faults under test (a stall after headers, a trickling body) are below what the emulator models.
 */
export async function startRawAwsServer(answer: (index: number, request: RawRequest) => RawAnswer): Promise<RawAwsServer> {
  const requests: RawRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const respond = (res: ServerResponse, canned: RawAnswer) => {
    switch (canned.kind) {
      case 'stall':
        res.writeHead(canned.status ?? 200, { 'Content-Type': 'text/xml', 'Content-Length': '4096', ...canned.headers });
        res.flushHeaders();
        return;
      case 'trickle': {
        res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': String(Buffer.byteLength(canned.body)), ...canned.headers });
        res.flushHeaders();
        let sent = 0;
        const timer = setInterval(() => {
          if (sent >= canned.body.length - 1 || res.destroyed) {
            clearInterval(timer);
            timers.delete(timer);
            return;
          }
          res.write(canned.body[sent++]);
        }, canned.everyMs);
        timers.add(timer);
        return;
      }
      case 'answer':
        res.writeHead(canned.status, canned.statusText, {
          'Content-Type': 'text/xml',
          'Content-Length': String(Buffer.byteLength(canned.body)),
          Date: new Date().toUTCString(),
          ...canned.headers,
        });
        res.end(canned.body);
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      respond(res, answer(requests.length - 1, request));
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    openConnections: () => sockets.size,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
