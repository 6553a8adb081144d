import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedshiftCredentialsOptions } from '../../lib';
import { startRawAwsServer, type RawAnswer, type RawAwsServer } from '../setup/raw-aws-server';
import { KEYS, badGatewayHtml, fetchOnce, queryError } from './answers';

let server: RawAwsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(answer: RawAnswer, options: Partial<RedshiftCredentialsOptions> = {}) {
  server = await startRawAwsServer(() => answer);
  return fetchOnce({
    clusterIdentifier: 'cluster',
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: KEYS,
    // No delay between attempts: these tests are about the words.
    clientConfig: { maxAttempts: 2, retryStrategy: { acquireInitialRetryToken: async () => token(0), refreshRetryTokenForRetry: async (t) => refreshed(t), recordSuccess: () => undefined } },
    ...options,
  }).then(
    () => { throw new Error('expected the fetch to fail'); },
    (e: unknown) => e as Error & Record<string, unknown>,
  );
}

// A minimal retry strategy: one retry, no delay.
function token(count: number) {
  return { getRetryCount: () => count, getRetryDelay: () => 0 };
}
async function refreshed(previous: { getRetryCount(): number }) {
  if (previous.getRetryCount() >= 1) throw new Error('no more retries');
  return token(previous.getRetryCount() + 1);
}

describe('messages of AWS failures', () => {
  it('names the HTTP status of an answer that is not an AWS error (a proxy\'s 502 page)', async () => {
    const error = await failure(badGatewayHtml);
    expect(error.code).toBe('AWS_UNAVAILABLE');
    expect(error.message).toContain('GetClusterCredentialsWithIAM for cluster cluster, us-east-1 failed after 2 attempts: HTTP 502 Bad Gateway (not an AWS error response).');
    expect(error.message).not.toMatch(/Unknown/);
    expect(error.message).not.toMatch(/\.\./);
  });

  it('says "1 attempt" in the singular and never ends a sentence twice', async () => {
    const error = await failure(queryError(404, 'ClusterNotFound', 'Cluster cluster not found.'), { clientConfig: { maxAttempts: 1 } });
    expect(error.code).toBe('CLUSTER_NOT_FOUND');
    expect(error.message).toContain('failed after 1 attempt: ClusterNotFoundFault: Cluster cluster not found. Check the cluster identifier');
    expect(error.message).not.toMatch(/\.\./);
  });

  it('reports a request signed for the wrong region as INVALID_OPTION naming iam.region, not as bad keys', async () => {
    const error = await failure(queryError(403, 'SignatureDoesNotMatch', "Credential should be scoped to a valid region, not 'us-east-1'."));
    expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'iam.region' });
    expect(error.message).toMatch(/wrong region/);
    expect(error.message).toMatch(/Set iam\.region/);
    expect(error.message).not.toMatch(/clock|key pair/);
  });

  it('keeps the key-and-clock hint for other signature failures', async () => {
    const error = await failure(queryError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'));
    expect(error.code).toBe('AWS_CREDENTIALS_INVALID');
    expect(error.message).toMatch(/local clock/);
  });
});

describe('a profile that does not exist', () => {
  const saved = { ...process.env };
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pg-redshift-iam-profiles-'));
    writeFileSync(join(dir, 'config'), '[profile present]\nregion = us-east-1\n');
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });

  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the profile was not found, naming it, instead of "no AWS credentials"', async () => {
    const error = await failure(queryError(500, 'InternalFailure', 'unused'), { credentials: undefined, profile: 'analytics' });
    expect(error).toMatchObject({ code: 'AWS_CREDENTIALS_MISSING', option: 'iam.profile' });
    expect(error.message).toMatch(/^The AWS profile "analytics" was not found\. /);
    expect(error.message).not.toMatch(/No AWS credentials were found/);
    expect(server!.requests).toHaveLength(0);
  });

  it('says a profile that exists has no usable credentials', async () => {
    const error = await failure(queryError(500, 'InternalFailure', 'unused'), { credentials: undefined, profile: 'present' });
    expect(error.code).toBe('AWS_CREDENTIALS_MISSING');
    expect(error.message).toMatch(/The AWS profile "present" has no usable credentials/);
  });
});
