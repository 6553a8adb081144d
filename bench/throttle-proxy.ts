import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../lib/testing/emulator/errors';
import type { IdentityRegistry } from '../lib/testing/emulator/identities';
import { jsonProtocol } from '../lib/testing/emulator/json-protocol';
import { redshiftQueryProtocol as queryProtocol } from '../lib/testing/emulator/query-protocol';
import { verifySigV4 } from '../lib/testing/emulator/sigv4';

/** One request as the proxy saw it: what AWS's rate limiter and call log would see. */
export interface ProxyCall {
  /** Arrival, `Date.now()` on this machine. */
  readonly at: number;
  /** Access key id from the SigV4 `Authorization` header: which simulated process called. */
  readonly accessKeyId: string;
  /** HTTP status sent back (throttled: 400 for Redshift, 429 for Serverless; 0: the upstream failed). */
  readonly status: number;
  /** True when the token bucket was empty and the proxy answered Throttling itself. */
  readonly throttled: boolean;
}

/** A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. */
export interface ThrottleSettings {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/**
 * Answers that the proxy gives itself instead of forwarding: `GetClusterCredentials` for callers
 * that never log in (the fleet's caches), after the emulator's latency and a real SigV4 check.
 */
export interface LocalAnswers {
  readonly lifetimeSeconds: number;
  readonly latencyMs: number;
  readonly region: string;
  /** Identities whose signatures are checked: the fleet's. */
  readonly identities: IdentityRegistry;
}

/** The proxy's controls. */
export interface ThrottleProxy {
  readonly endpoint: string;
  /** Every request since the last `clearLog()`. */
  log(): readonly ProxyCall[];
  clearLog(): void;
  /** A bucket in front of the emulator (starting full), or none (`undefined`: everything passes). */
  setThrottle(settings: ThrottleSettings | undefined): void;
  /** Answers credential calls of the registry's identities locally, or (`undefined`) forwards all. */
  setLocalAnswers(settings: LocalAnswers | undefined): void;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the emulator that logs every request and, when a token bucket is set,
 * answers AWS's throttling error itself once the bucket is empty, as API Gateway-style account rate
 * limits do. Home-made because the emulator only queues faults for "the next calls", not by rate.
 */
export async function startThrottleProxy(upstream: string): Promise<ThrottleProxy> {
  const target = new URL(upstream);
  // Keep-alive toward the emulator, as many sockets as there are requests under way.
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const calls: ProxyCall[] = [];
  let bucket: { settings: ThrottleSettings; tokens: number; updatedAt: number } | undefined;
  let local: LocalAnswers | undefined;

  const takeToken = (now: number): boolean => {
    if (bucket === undefined) return true;
    const { settings } = bucket;
    bucket.tokens = Math.min(settings.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * settings.ratePerSecond);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const at = Date.now();
    const body = await readBody(req);
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    if (!takeToken(at)) {
      const protocol = req.headers['x-amz-target'] === undefined ? queryProtocol : jsonProtocol;
      const reply = protocol.failure(new ApiError('throttling', 'Rate exceeded'), randomUUID());
      calls.push({ at, accessKeyId, status: reply.status, throttled: true });
      res.writeHead(reply.status, { ...reply.headers, date: new Date().toUTCString(), 'content-length': String(Buffer.byteLength(reply.body)) });
      res.end(reply.body);
      return;
    }
    const answers = local;
    if (answers !== undefined && req.headers['x-amz-target'] === undefined && answers.identities.find(accessKeyId) !== undefined) {
      const reply = await answerLocally(req, body, answers);
      calls.push({ at, accessKeyId, status: reply.status, throttled: false });
      res.writeHead(reply.status, { ...reply.headers, date: new Date().toUTCString(), 'content-length': String(Buffer.byteLength(reply.body)) });
      res.end(reply.body);
      return;
    }
    const forwarded = httpRequest({
      agent,
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    });
    forwarded.on('response', (answer) => {
      calls.push({ at, accessKeyId, status: answer.statusCode ?? 0, throttled: false });
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => {
      calls.push({ at, accessKeyId, status: 0, throttled: false });
      res.destroy();
    });
    forwarded.end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log: () => [...calls],
    clearLog: () => void (calls.length = 0),
    setThrottle: (settings) => {
      bucket = settings === undefined ? undefined : { settings, tokens: settings.burst, updatedAt: Date.now() };
    },
    setLocalAnswers: (settings) => {
      local = settings;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}

/**
 * A `GetClusterCredentials` answer without PostgreSQL: the emulator changes a login role in a
 * committed transaction for every call, serialised, which a fleet's herd of hundreds of calls turns
 * into seconds of queueing (more on a busy machine). That would measure the emulator's PostgreSQL,
 * not the library's calls; the fleet never logs in, so the role does not matter.
 */
async function answerLocally(req: IncomingMessage, body: Buffer, answers: LocalAnswers) {
  const requestId = randomUUID();
  const url = new URL(req.url ?? '/', 'http://proxy.invalid');
  const arrived = { method: req.method ?? 'POST', path: url.pathname, query: {}, headers: req.headers, body };
  const call = queryProtocol.parse(arrived);
  if (answers.latencyMs > 0) await sleep(answers.latencyMs);
  try {
    await verifySigV4(arrived, { service: 'redshift', region: answers.region, now: new Date(), identities: answers.identities });
    if (call.known !== 'GetClusterCredentials') throw call.error ?? new ApiError('unknownOperation', `Unknown operation ${call.operation}`);
    const dbUser = `${call.params.AutoCreate === true ? 'IAMA' : 'IAM'}:${String(call.params.DbUser)}`;
    const password = `AMA${randomBytes(48).toString('base64')}`;
    const expiration = new Date(Date.now() + answers.lifetimeSeconds * 1000);
    return queryProtocol.success(call.known, { members: { DbUser: dbUser, DbPassword: password, Expiration: expiration, NextRefreshTime: expiration }, secretMember: 'DbPassword' }, requestId);
  } catch (error) {
    return queryProtocol.failure(error instanceof ApiError ? error : new ApiError('internal', String(error)), requestId);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
