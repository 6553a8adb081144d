import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOutageProxy, type OutageProxy } from './outage-proxy';

// The soak's stand-in for a hung AWS answer: headers, then nothing (or a byte at a time), for as long
// as the client waits. Checked here against a plain upstream, by events rather than by the clock.
const BODY = '<GetClusterCredentialsResult>abcdef</GetClusterCredentialsResult>';

let upstream: Server;
let proxy: OutageProxy;

beforeEach(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(Buffer.byteLength(BODY)) });
    res.end(BODY);
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  proxy = await startOutageProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, { trickleIntervalMs: 5 });
});

afterEach(async () => {
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
});

/** Sends a POST through the proxy and resolves when the status line and headers have arrived. */
async function post(): Promise<IncomingMessage> {
  const req = request(`${proxy.endpoint}/`, { method: 'POST', agent: false });
  req.end('Action=GetClusterCredentialsWithIAM');
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  return res;
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += String(chunk);
  return text;
}

/** Waits (at most 5 s) until `condition` holds: the proxy hears of a closed socket a few ticks late. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5_000 && !condition(); waited += 10) await sleep(10);
  expect(condition()).toBe(true);
}

it('passes answers through unchanged while healthy', async () => {
  const res = await post();
  expect(res.statusCode).toBe(200);
  expect(await readAll(res)).toBe(BODY);
  expect(proxy.stalled).toBe(0);
});

it('stall("silent"): the headers arrive, the body never does, and up() does not release the answers already stalled', async () => {
  proxy.stall('silent');
  const stalled = await post();
  expect(stalled.statusCode).toBe(200);
  expect(stalled.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
  let received = 0;
  stalled.on('data', (chunk: Buffer) => (received += chunk.length));
  proxy.up();
  // A request after the stall is answered in full; the stalled one has still received nothing.
  expect(await readAll(await post())).toBe(BODY);
  expect(received).toBe(0);
  expect(proxy.stalled).toBe(1);
  expect(proxy.held).toBe(1);
  // Only the client giving up (or the proxy closing) ends it.
  stalled.destroy();
  await eventually(() => proxy.held === 0);
});

it('stall("trickle"): the body comes one byte at a time and is still incomplete when the proxy closes', async () => {
  proxy.stall('trickle');
  const trickled = await post();
  const chunks: number[] = [];
  await new Promise<void>((resolve) => trickled.on('data', (chunk: Buffer) => {
    if (chunks.push(chunk.length) === 3) resolve();
  }));
  expect(chunks.every((length) => length === 1)).toBe(true);
  expect(chunks.length).toBeLessThan(Buffer.byteLength(BODY));
  expect(proxy.held).toBe(1);
  const aborted = once(trickled, 'error');
  await proxy.close();
  expect(((await aborted)[0] as Error).message).toBe('aborted');
  expect(trickled.complete).toBe(false);
  expect(proxy.held).toBe(0);
});
