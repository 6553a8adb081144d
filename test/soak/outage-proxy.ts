import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the AWS API looks while it is down. */
export type OutageMode =
  /** Every connection is reset at once, as when the network path to AWS is gone. */
  | 'reset'
  /** Every request gets HTTP 503 `ServiceUnavailable`, as in a regional API outage. */
  | 'unavailable';

/** How an answer stalls after its headers. */
export type StallMode =
  /** Not one byte of the body follows. */
  | 'silent'
  /** One byte of the body every {@link TRICKLE_INTERVAL_MS}: never idle long enough for a socket timeout. */
  | 'trickle';

/** The pause between two trickled bytes, unless {@link OutageProxyOptions.trickleIntervalMs} says otherwise. */
export const TRICKLE_INTERVAL_MS = 2_000;

/** Options of {@link startOutageProxy}. */
export interface OutageProxyOptions {
  /** Hears of every request turned away. */
  readonly onReject?: (at: number) => void;
  /** The pause between two trickled bytes. Default {@link TRICKLE_INTERVAL_MS}. */
  readonly trickleIntervalMs?: number;
}

/** A pass-through HTTP proxy in front of the emulator that can take "AWS" down or stall it for a while. */
export interface OutageProxy {
  /** `http://127.0.0.1:<port>`: use it as the library's `iam.endpoint`. */
  readonly endpoint: string;
  /** Requests turned away since the start. */
  readonly rejected: number;
  /** Answers stalled after their headers since the start. */
  readonly stalled: number;
  /** Stalled answers still held open (their client has not given up). */
  readonly held: number;
  /** Whether the proxy is turning requests away or stalling them. */
  readonly isDown: boolean;
  down(mode: OutageMode): void;
  /**
   * From now on, answers pass their status and headers on and then stall. Answers already stalled
   * stay stalled after {@link up}, as a black-holed connection does, until their client gives up.
   */
  stall(mode: StallMode): void;
  /** New requests pass through unchanged again. */
  up(): void;
  close(): Promise<void>;
}

// An awsQuery error body, as the Redshift API sends it; the SDK reads Code and retries 503s.
const UNAVAILABLE_BODY = '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>'
  + '<Message>Service Unavailable (soak outage)</Message></Error><RequestId>soak-outage</RequestId></ErrorResponse>';

type Fault = { readonly kind: 'down'; readonly mode: OutageMode } | { readonly kind: 'stall'; readonly mode: StallMode };

/**
 * Starts the proxy. It forwards requests unchanged (SigV4 signs the Host header the client sent,
 * which the emulator checks as received), so only the fault switches differ from a direct call.
 * The emulator's `failNext` queues a number of failures; an outage or a stall instead lasts for a time.
 */
export async function startOutageProxy(target: string, options: OutageProxyOptions = {}): Promise<OutageProxy> {
  const { onReject = () => undefined, trickleIntervalMs = TRICKLE_INTERVAL_MS } = options;
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  // The stalled answers and how to stop feeding each.
  const held = new Map<ServerResponse, () => void>();
  let fault: Fault | undefined;
  let rejected = 0;
  let stalled = 0;

  // The emulator's answer is read in full (it is small) and then withheld from the client.
  const hold = (res: ServerResponse, answer: IncomingMessage, mode: StallMode) => {
    stalled++;
    // The headers go out now: the SDK's requestTimeout stops counting when they arrive.
    res.flushHeaders();
    const chunks: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => chunks.push(chunk));
    let sent = 0;
    const trickle = mode === 'trickle'
      ? setInterval(() => {
        const body = Buffer.concat(chunks);
        // About 20 minutes for a credentials answer: longer than any soak.
        if (sent < body.length) res.write(body.subarray(sent, ++sent));
      }, trickleIntervalMs)
      : undefined;
    const release = () => {
      clearInterval(trickle);
      held.delete(res);
    };
    held.set(res, () => {
      release();
      res.destroy();
    });
    res.once('close', release);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, stall: StallMode | undefined) => {
    const outbound = request(
      // No agent: no keep-alive sockets to the emulator outlive the proxy.
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (stall === undefined) answer.pipe(res);
        else hold(res, answer, stall);
      },
    );
    outbound.on('error', () => res.destroy());
    req.pipe(outbound);
  };

  const server = createServer((req, res) => {
    if (fault === undefined || fault.kind === 'stall') return forward(req, res, fault?.mode);
    rejected++;
    onReject(Date.now());
    if (fault.mode === 'reset') {
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
    get stalled() {
      return stalled;
    },
    get held() {
      return held.size;
    },
    get isDown() {
      return fault !== undefined;
    },
    down(mode) {
      fault = { kind: 'down', mode };
      // Keep-alive sockets would otherwise carry requests past the outage's start.
      if (mode === 'reset') for (const socket of sockets) socket.destroy();
    },
    stall(mode) {
      fault = { kind: 'stall', mode };
    },
    up() {
      fault = undefined;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const destroy of [...held.values()]) destroy();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
