import { once } from 'node:events';
import { inspect } from 'node:util';
import { createRedshiftCredentials, type RedshiftCredentials } from '../../lib';
import type { RefreshErrorEvent } from '../../lib/credentials/cache';
import { startRawAwsServer, type RawAnswer, type RawAwsServer } from '../setup/raw-aws-server';
import { KEYS, SECRET, malformedXml, truncatedJson, truncatedXml } from './answers';

let server: RawAwsServer | undefined;
let engine: RedshiftCredentials | undefined;

afterEach(async () => {
  await engine?.close();
  await server?.close();
  engine = undefined;
  server = undefined;
});

/** Every way an error can be looked at: inspect with hidden fields at any depth, JSON, message, stack. */
function everyView(error: unknown): string {
  return [
    inspect(error, { showHidden: true, depth: Infinity, getters: true }),
    JSON.stringify(error),
    (error as Error).message,
    (error as Error).stack,
    inspect((error as Error).cause, { showHidden: true, depth: Infinity }),
  ].join('\n');
}

async function failingFetch(answer: RawAnswer, serverless: boolean) {
  server = await startRawAwsServer(() => answer);
  engine = createRedshiftCredentials({
    ...(serverless ? { workgroupName: 'workgroup' } : { clusterIdentifier: 'cluster' }),
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: KEYS,
    clientConfig: { maxAttempts: 1 },
  });
  // Listeners may be called after the waiters are rejected; wait for the event itself.
  const event = once(engine, 'refreshError') as Promise<[RefreshErrorEvent]>;
  const error = await engine.get().catch((e: unknown) => e);
  return { error, events: await event };
}

describe.each([
  ['Redshift (awsQuery XML), cut off after </DbPassword>', truncatedXml, false],
  ['Redshift (awsQuery XML), not XML at all', malformedXml, false],
  ['Serverless (awsJson1_1), cut off after the password', truncatedJson, true],
])('a 200 answer that does not parse: %s', (_name, answer, serverless) => {
  it('fails without the password in the error, its cause, JSON, message or the refreshError event', async () => {
    const { error, events } = await failingFetch(answer, serverless);
    expect(error).toMatchObject({ name: 'RedshiftIamError' });
    expect(server!.requests).toHaveLength(1);
    expect(everyView(error)).not.toContain(SECRET);
    expect(events).toHaveLength(1);
    expect(inspect(events, { showHidden: true, depth: Infinity })).not.toContain(SECRET);
    // The cause is kept (without its raw response) for diagnosis.
    const cause = (error as Error).cause as Record<string, unknown>;
    expect(cause).toBeInstanceOf(Error);
    expect(cause).not.toHaveProperty('$response');
    expect(cause).not.toHaveProperty('$responseBodyText');
    expect(cause.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
  });
});
