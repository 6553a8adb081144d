import { DescribeClustersCommand, GetClusterCredentialsWithIAMCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { GetCredentialsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { SignatureV4 } from '@smithy/signature-v4';
import type { MiddlewareStack } from '@smithy/types';
import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { startRedshiftEmulator, type RedshiftEmulator } from '../../lib/testing';
import { testPostgres } from '../setup/test-postgres';
import { rejectionOf } from './emulator-helpers';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'emufault';

let emulator: RedshiftEmulator;
const clients: Array<{ destroy(): void }> = [];

const start = () => startRedshiftEmulator({ postgres: testPostgres(), iamUserName: `${NAME}-user`, roleName: `${NAME}-role` });

/** Client settings with one attempt and an agent of the test's own, whose sockets the test can cut. */
function config(agent?: Agent) {
  return { ...emulator.clientConfig(), maxAttempts: 1, ...(agent ? { requestHandler: { httpAgent: agent } } : {}) };
}

function track<T extends { destroy(): void }>(client: T): T {
  clients.push(client);
  return client;
}

type SdkParseError = Error & { $responseBodyText?: string; $response?: { statusCode?: number; headers?: Record<string, string> } };

/** The raw answer an SDK parse error keeps, and the Content-Length it came with. */
function cutAnswer(error: SdkParseError): { body: string; contentLength: number } {
  expect(error.$response?.statusCode).toBe(200);
  return { body: error.$responseBodyText ?? '', contentLength: Number(error.$response?.headers?.['content-length']) };
}

/** Resolves once a call of `operation` was logged with `outcome` (the emulator logs a stall before it stalls); fails after ~5 s. */
async function logged(on: RedshiftEmulator, operation: string, outcome: string): Promise<void> {
  for (let turn = 0; turn < 500; turn++) {
    if (on.calls.some((call) => call.operation === operation && call.outcome === outcome)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no ${operation} call was logged as ${outcome}`);
}

beforeAll(async () => {
  emulator = await start();
});

beforeEach(() => emulator.clearCalls());

afterAll(async () => {
  for (const client of clients) client.destroy();
  await emulator?.close();
});

/** A Serverless call signed with `@smithy/signature-v4` and sent with node:http, answered as raw text. */
async function signedJsonPost(operation: string, input: object): Promise<{ status: number; body: string; contentLength: number }> {
  const { hostname, port } = new URL(emulator.endpoint);
  const body = JSON.stringify(input);
  const signer = new SignatureV4({ credentials: emulator.identities.iamUser, region: emulator.region, service: 'redshift-serverless', sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    headers: { host: `${hostname}:${port}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `RedshiftServerless.${operation}` },
    body,
  });
  return new Promise((resolve, reject) => {
    const req = request(emulator.endpoint, { method: 'POST', headers: signed.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, contentLength: Number(res.headers['content-length']) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** SHA-256 and HMAC-SHA-256 from node:crypto in the shape the signer expects. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret));
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

/** Reports the HTTP status as soon as the response headers arrived: innermost in the deserialize step, before the body is read. */
function watchHeaders<I extends object, O extends object>(stack: MiddlewareStack<I, O>, onHeaders: (status: number | undefined) => void): void {
  stack.add(
    (next) => async (args) => {
      const out = await next(args);
      onHeaders((out.response as { statusCode?: number }).statusCode);
      return out;
    },
    { step: 'deserialize', priority: 'low' },
  );
}

describe("failNext(n, 'truncated')", () => {
  it('cuts a Redshift answer right after </DbPassword>, with a matching Content-Length', async () => {
    emulator.failNext(1, 'truncated', 'GetClusterCredentialsWithIAM');
    const redshift = track(new RedshiftClient(config()));
    const error = (await rejectionOf(redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' })))) as SdkParseError;
    const { body, contentLength } = cutAnswer(error);
    const password = emulator.issuedPasswords().at(-1) ?? '';
    expect(body.endsWith(`<DbPassword>${password}</DbPassword>`)).toBe(true);
    expect(contentLength).toBe(Buffer.byteLength(body));
    expect(emulator.calls).toEqual([expect.objectContaining({ operation: 'GetClusterCredentialsWithIAM', outcome: 'truncated', dbUser: `IAM:${NAME}-user` })]);
    // One fault only: the next answer is whole.
    expect((await redshift.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' }))).DbPassword).toBe(password);
  });

  it('cuts a Serverless answer right after the dbPassword member', async () => {
    emulator.failNext(1, 'truncated');
    const serverless = track(new RedshiftServerlessClient(config()));
    const error = (await rejectionOf(serverless.send(new GetCredentialsCommand({ workgroupName: 'default-workgroup' })))) as SdkParseError;
    // The SDK's JSON parse error keeps no body text: read the raw answer with a signed request of our own.
    expect(error.$response?.statusCode).toBe(200);
    emulator.failNext(1, 'truncated', 'GetCredentials');
    const raw = await signedJsonPost('GetCredentials', { workgroupName: 'default-workgroup' });
    expect(raw.status).toBe(200);
    const password = /"dbPassword":"([^"]+)"$/.exec(raw.body)?.[1];
    expect(emulator.issuedPasswords()).toContain(password);
    expect(raw.contentLength).toBe(Buffer.byteLength(raw.body));
  });

  it('cuts an AssumeRole answer right after </SecretAccessKey>, and a lookup answer in the middle', async () => {
    const roleArn = emulator.addRole({ roleName: `${NAME}-cut` });
    emulator.failNext(1, 'truncated', 'AssumeRole');
    const sts = track(new STSClient(config()));
    const error = (await rejectionOf(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'cut' })))) as SdkParseError;
    const { body, contentLength } = cutAnswer(error);
    expect(body).toMatch(/<SecretAccessKey>[^<]+<\/SecretAccessKey>$/);
    expect(body).not.toContain('<SessionToken>');
    expect(contentLength).toBe(Buffer.byteLength(body));
    expect(emulator.calls.at(-1)).toMatchObject({ operation: 'AssumeRole', outcome: 'truncated' });

    emulator.failNext(1, 'truncated', 'DescribeClusters');
    const redshift = track(new RedshiftClient(config()));
    const lookup = cutAnswer((await rejectionOf(redshift.send(new DescribeClustersCommand({ ClusterIdentifier: 'examplecluster' })))) as SdkParseError);
    expect(lookup.body).toContain('<DescribeClustersResponse');
    expect(lookup.body).not.toContain('</DescribeClustersResponse>');
    expect(lookup.contentLength).toBe(Buffer.byteLength(lookup.body));
  });
});

describe("failNext(n, 'stall')", () => {
  it.each([
    ['Redshift', 'GetClusterCredentialsWithIAM'],
    ['Serverless', 'GetCredentials'],
  ] as const)('%s: sends 200 and headers, then nothing until the client gives up; nothing is issued', async (_service, operation) => {
    const agent = new Agent({ keepAlive: true });
    let headersArrived!: (status: number | undefined) => void;
    const status = new Promise<number | undefined>((resolve) => (headersArrived = resolve));
    const client =
      operation === 'GetCredentials' ? track(new RedshiftServerlessClient(config(agent))) : track(new RedshiftClient(config(agent)));
    if (client instanceof RedshiftServerlessClient) watchHeaders(client.middlewareStack, headersArrived);
    else watchHeaders(client.middlewareStack, headersArrived);
    const issuedBefore = emulator.issuedPasswords().length;
    emulator.failNext(1, 'stall', operation);
    const pending =
      client instanceof RedshiftServerlessClient
        ? client.send(new GetCredentialsCommand({ workgroupName: 'default-workgroup' }))
        : client.send(new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster' }));
    const outcome = rejectionOf(pending);
    expect(await status).toBe(200);
    // The client gives up: its sockets are cut.
    agent.destroy();
    const error = await outcome;
    expect(error.message).toMatch(/aborted|socket hang up|ECONNRESET|premature close/i);
    expect(emulator.issuedPasswords()).toHaveLength(issuedBefore);
    expect(emulator.calls).toEqual([expect.objectContaining({ operation, outcome: 'stalled', identityArn: emulator.identities.iamUser.arn })]);
  });

  it('a stalled call does not keep close() waiting', async () => {
    const own = await start();
    const agent = new Agent({ keepAlive: true });
    const redshift = track(new RedshiftClient({ ...own.clientConfig(), maxAttempts: 1, requestHandler: { httpAgent: agent } }));
    try {
      own.failNext(1, 'stall');
      const outcome = rejectionOf(redshift.send(new DescribeClustersCommand({})));
      await logged(own, 'DescribeClusters', 'stalled');
      await own.close();
      // The emulator cut the connection: the client sees its answer end early.
      expect((await outcome).message).toMatch(/aborted|socket hang up|ECONNRESET|premature close/i);
    } finally {
      agent.destroy();
      await own.close();
    }
  });
});
