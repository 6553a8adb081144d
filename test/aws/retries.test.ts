import { AsyncLocalStorage } from 'node:async_hooks';
import { startRawAwsServer, type RawAwsServer } from '../setup/raw-aws-server';
import { KEYS, fetchOnce, iamCredentialsXml, queryError } from './answers';

let server: RawAwsServer | undefined;

afterEach(async () => {
  jest.restoreAllMocks();
  await server?.close();
  server = undefined;
});

// Two 503s, then the credentials.
async function fetchAfterTwoFailures(clientConfig: object) {
  server = await startRawAwsServer((index) => (index < 2 ? queryError(503, 'ServiceUnavailable', 'Try again.') : { kind: 'answer', status: 200, body: iamCredentialsXml() }));
  return fetchOnce({ clusterIdentifier: 'cluster', region: 'us-east-1', endpoint: server.endpoint, credentials: KEYS, clientConfig });
}

describe('the retries of one fetch', () => {
  it('retry with the SDK standard strategy and use no AsyncLocalStorage (on Node 22 one in use taxes every await of the process)', async () => {
    const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    const enterWith = jest.spyOn(AsyncLocalStorage.prototype, 'enterWith');
    const issued = await fetchAfterTwoFailures({ maxAttempts: 3 });
    expect(issued.user).toBe('IAM:raw');
    expect(server!.requests).toHaveLength(3);
    expect({ run: run.mock.calls.length, enterWith: enterWith.mock.calls.length }).toEqual({ run: 0, enterWith: 0 });
  });

  it("follow the user's own retry mode when one is set", async () => {
    const error = await fetchAfterTwoFailures({ retryMode: 'standard', maxAttempts: 2 }).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_UNAVAILABLE', awsErrorName: 'ServiceUnavailable' });
    expect(server!.requests).toHaveLength(2);
  });
});
