import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedshiftCredentials, type RedshiftCredentials, type RedshiftCredentialsOptions } from '../../lib';
import { sharedIdentityCount } from '../../lib/aws/identity';
import { sharedClientCount } from '../../lib/aws/shared-clients';
import { startRawAwsServer, type RawAwsServer } from '../setup/raw-aws-server';
import { KEYS, iamCredentialsXml } from './answers';

const TARGETS = 100;
let api: RawAwsServer;

beforeEach(async () => {
  api = await startRawAwsServer(() => ({ kind: 'answer', status: 200, body: iamCredentialsXml() }));
});

afterEach(() => api.close());

/** Waits until `condition` holds, for at most `ms` (sockets close asynchronously). */
async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** One engine per database: distinct targets (and caches) of one cluster and identity. */
async function fetchForManyTargets(options: Partial<RedshiftCredentialsOptions>): Promise<RedshiftCredentials[]> {
  const engines = Array.from({ length: TARGETS }, (_, i) =>
    createRedshiftCredentials({ clusterIdentifier: 'cluster', database: `db${i}`, region: 'us-east-1', endpoint: api.endpoint, ...options }));
  await Promise.all(engines.map((engine) => engine.get()));
  return engines;
}

describe('SDK clients and AWS identities shared between targets', () => {
  it('100 targets with one provider function: one identity resolution, one SDK client, destroyed with the last engine', async () => {
    let resolutions = 0;
    const credentials = async () => {
      resolutions++;
      return KEYS;
    };
    const engines = await fetchForManyTargets({ credentials });
    expect(api.requests).toHaveLength(TARGETS);
    expect(resolutions).toBe(1);
    expect(sharedClientCount()).toBe(1);
    expect(sharedIdentityCount()).toBe(1);

    for (const engine of engines.slice(1)) await engine.close();
    expect(sharedClientCount()).toBe(1);
    await engines[0]!.close();
    expect(sharedClientCount()).toBe(0);
    expect(sharedIdentityCount()).toBe(0);
    await until(() => api.openConnections() === 0);
    expect(api.openConnections()).toBe(0);
  });

  it('a Redshift and a Serverless client of one identity resolve it once', async () => {
    let resolutions = 0;
    const credentials = async () => {
      resolutions++;
      return KEYS;
    };
    const cluster = createRedshiftCredentials({ clusterIdentifier: 'cluster', region: 'us-east-1', endpoint: api.endpoint, credentials });
    await cluster.get();
    const serverless = createRedshiftCredentials({ workgroupName: 'workgroup', region: 'us-east-1', endpoint: api.endpoint, credentials });
    // The raw server answers XML; the Serverless call fails to parse, after signing with the identity.
    await serverless.get().catch(() => undefined);
    expect(sharedClientCount()).toBe(2);
    expect(resolutions).toBe(1);
    await cluster.close();
    await serverless.close();
    expect(sharedClientCount()).toBe(0);
  });

  it('different identities get different clients', async () => {
    const a = createRedshiftCredentials({ clusterIdentifier: 'cluster', region: 'us-east-1', endpoint: api.endpoint, credentials: KEYS });
    const b = createRedshiftCredentials({ clusterIdentifier: 'cluster', region: 'us-east-1', endpoint: api.endpoint, credentials: { ...KEYS, accessKeyId: 'AKIAOTHERKEY' } });
    await Promise.all([a.get(), b.get()]);
    expect(sharedClientCount()).toBe(2);
    expect(api.requests.map((request) => /Credential=(\w+)\//.exec(String(request.headers.authorization))?.[1]).sort()).toEqual(['AKIAEXAMPLEKEY', 'AKIAOTHERKEY']);
    await a.close();
    await b.close();
  });

  describe('with the default provider chain', () => {
    const saved = { ...process.env };
    let container: RawAwsServer;
    let dir: string;

    beforeEach(async () => {
      container = await startRawAwsServer(() => ({
        kind: 'answer',
        status: 200,
        body: JSON.stringify({ ...{ AccessKeyId: 'ASIACONTAINERKEY', SecretAccessKey: 'container-secret', Token: 'container-token' }, Expiration: new Date(Date.now() + 3_600_000).toISOString() }),
        headers: { 'Content-Type': 'application/json' },
      }));
      dir = mkdtempSync(join(tmpdir(), 'pg-redshift-iam-chain-'));
      for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      // The ECS container provider: an HTTP endpoint on loopback, which counts the resolutions.
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${container.endpoint}/credentials`;
    });

    afterEach(async () => {
      process.env = { ...saved };
      rmSync(dir, { recursive: true, force: true });
      await container.close();
    });

    it('100 targets: one identity resolution, one SDK client', async () => {
      const engines = await fetchForManyTargets({});
      expect(container.requests).toHaveLength(1);
      expect(sharedClientCount()).toBe(1);
      expect(api.requests.every((request) => String(request.headers.authorization).includes('Credential=ASIACONTAINERKEY/'))).toBe(true);
      for (const engine of engines) await engine.close();
      expect(sharedClientCount()).toBe(0);
    });
  });
});
