import type { RedshiftIamClientConfig } from '../../lib';
import { startRawAwsServer, type RawAnswer, type RawAwsServer } from '../setup/raw-aws-server';
import { KEYS, fetchOnce, iamCredentialsXml } from './answers';

let server: RawAwsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function fetchWith(answers: (index: number) => RawAnswer, clientConfig: RedshiftIamClientConfig) {
  server = await startRawAwsServer(answers);
  return fetchOnce({ clusterIdentifier: 'cluster', region: 'us-east-1', endpoint: server.endpoint, credentials: KEYS, clientConfig });
}

describe('an AWS answer that stops after its headers', () => {
  it('ends the attempt by the socket timeout, retries, and fails with AWS_UNAVAILABLE', async () => {
    const error = await fetchWith(() => ({ kind: 'stall' }), {
      maxAttempts: 2,
      requestHandler: { socketTimeout: 300, requestTimeout: 30_000 },
    }).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toMatchObject({ name: 'RedshiftIamError', code: 'AWS_UNAVAILABLE', awsErrorName: 'TimeoutError' });
    expect((error!.cause as Error).message).toMatch(/socket timed out after 300 ms of inactivity/);
    expect(server!.requests).toHaveLength(2);
  });

  it('recovers on the retry when the next answer is whole', async () => {
    const credentials = await fetchWith((index) => (index === 0 ? { kind: 'stall' } : { kind: 'answer', status: 200, body: iamCredentialsXml() }), {
      maxAttempts: 2,
      requestHandler: { socketTimeout: 300, requestTimeout: 30_000 },
    });
    expect(credentials.user).toBe('IAM:raw');
  });
});

describe('an AWS answer that trickles a byte at a time', () => {
  it('ends the attempt at requestTimeout in all, body included, although the socket never goes quiet', async () => {
    const error = await fetchWith(() => ({ kind: 'trickle', everyMs: 50, body: iamCredentialsXml() }), {
      maxAttempts: 2,
      requestHandler: { socketTimeout: 30_000, requestTimeout: 600 },
    }).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'AWS_UNAVAILABLE', awsErrorName: 'TimeoutError' });
    expect((error!.cause as Error).message).toMatch(/did not complete within 600 ms/);
    expect(server!.requests).toHaveLength(2);
  });
});
