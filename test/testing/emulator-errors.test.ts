import { request } from 'node:http';
import {
  ClusterNotFoundFault,
  CustomDomainAssociationNotFoundFault,
  DescribeClusterSnapshotsCommand,
  GetClusterCredentialsWithIAMCommand,
  RedshiftClient,
  RedshiftServiceException,
  type RedshiftClientConfig,
} from '@aws-sdk/client-redshift';
import {
  AccessDeniedException,
  GetCredentialsCommand,
  InternalServerException,
  RedshiftServerlessClient,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  type RedshiftServerlessClientConfig,
} from '@aws-sdk/client-redshift-serverless';
import { startRedshiftEmulator, type RedshiftEmulator } from '../../lib/testing';
import { testPostgres } from '../setup/test-postgres';
import { RecordingRetryStrategy, rejectionOf } from './emulator-helpers';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'emuerr';

let emulator: RedshiftEmulator;
const clients: Array<{ destroy(): void }> = [];

function redshift(config: Partial<RedshiftClientConfig> = {}): RedshiftClient {
  const client = new RedshiftClient({ ...emulator.clientConfig(), ...config });
  clients.push(client);
  return client;
}

function serverless(config: Partial<RedshiftServerlessClientConfig> = {}): RedshiftServerlessClient {
  const client = new RedshiftServerlessClient({ ...emulator.clientConfig(), ...config });
  clients.push(client);
  return client;
}

const withIam = (input: { ClusterIdentifier?: string; DbName?: string; DurationSeconds?: number; CustomDomainName?: string } = {}) =>
  new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster', DbName: 'dev', ...input });
const getCredentials = (input: { workgroupName?: string; dbName?: string; durationSeconds?: number } = {}) =>
  new GetCredentialsCommand({ workgroupName: 'default-workgroup', dbName: 'dev', ...input });

beforeAll(async () => {
  emulator = await startRedshiftEmulator({ postgres: testPostgres(), iamUserName: `${NAME}-user`, roleName: `${NAME}-role` });
});

beforeEach(() => emulator.clearCalls());

afterEach(() => emulator.setClockOffset(0));

afterAll(async () => {
  for (const client of clients) client.destroy();
  await emulator?.close();
});

describe('SigV4 verification', () => {
  it('rejects a wrong secret: SignatureDoesNotMatch / InvalidSignatureException', async () => {
    const credentials = { ...emulator.identities.iamUser, secretAccessKey: 'x'.repeat(40) };
    expect(await rejectionOf(redshift({ credentials, maxAttempts: 1 }).send(withIam()))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    expect(await rejectionOf(serverless({ credentials, maxAttempts: 1 }).send(getCredentials()))).toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(emulator.calls.map((call) => [call.outcome, call.identityArn])).toEqual([
      ['SignatureDoesNotMatch', undefined],
      ['InvalidSignatureException', undefined],
    ]);
  });

  it('rejects an unknown access key: InvalidClientTokenId / UnrecognizedClientException', async () => {
    const credentials = { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'y'.repeat(40) };
    expect(await rejectionOf(redshift({ credentials, maxAttempts: 1 }).send(withIam()))).toMatchObject({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    });
    expect(await rejectionOf(serverless({ credentials, maxAttempts: 1 }).send(getCredentials()))).toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('requires the session token of an assumed role', async () => {
    const { sessionToken, ...withoutToken } = emulator.identities.assumedRole;
    expect(sessionToken).toBeTruthy();
    expect(await rejectionOf(redshift({ credentials: withoutToken, maxAttempts: 1 }).send(withIam()))).toMatchObject({ name: 'InvalidClientTokenId' });
    const wrongToken = { ...withoutToken, sessionToken: `${sessionToken}x` };
    expect(await rejectionOf(serverless({ credentials: wrongToken, maxAttempts: 1 }).send(getCredentials()))).toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const out = await redshift({ credentials: emulator.identities.assumedRole }).send(withIam());
    expect(out.DbUser).toBe(`IAMR:${NAME}-role`);
  });

  it('rejects a request changed after signing', async () => {
    const client = redshift({ maxAttempts: 1 });
    // The deserialize step runs after signing: change the body without changing its length.
    client.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { body?: unknown };
        if (typeof req.body === 'string') req.body = req.body.replace('DbName=dev', 'DbName=dew');
        return next(args);
      },
      { step: 'deserialize' },
    );
    expect(await rejectionOf(client.send(withIam()))).toMatchObject({ name: 'SignatureDoesNotMatch' });
  });

  it('rejects a signature scoped to another region', async () => {
    const error = await rejectionOf(redshift({ region: 'eu-west-1', maxAttempts: 1 }).send(withIam()));
    expect(error).toMatchObject({ name: 'SignatureDoesNotMatch' });
    expect(error.message).toContain("Credential should be scoped to a valid region, not 'eu-west-1'");
  });

  it('rejects a signature more than 15 minutes off the emulator clock; the SDK corrects its clock from the Date header', async () => {
    emulator.setClockOffset(20 * 60_000);
    const error = await rejectionOf(redshift({ maxAttempts: 1 }).send(withIam()));
    expect(error).toMatchObject({ name: 'SignatureDoesNotMatch' });
    expect(error.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);

    const ahead = await rejectionOf(serverless({ maxAttempts: 1, systemClockOffset: 40 * 60_000 }).send(getCredentials()));
    expect(ahead).toMatchObject({ name: 'InvalidSignatureException' });
    expect(ahead.message).toMatch(/^Signature not yet current/);

    emulator.clearCalls();
    const out = await redshift().send(withIam());
    expect(out.$metadata.attempts).toBe(2);
    expect(emulator.calls.map((call) => call.outcome)).toEqual(['SignatureDoesNotMatch', 'ok']);
  });

  it('a request without Authorization is MissingAuthenticationToken', async () => {
    const query = await unsignedPost({ 'content-type': 'application/x-www-form-urlencoded' }, 'Action=GetClusterCredentialsWithIAM&Version=2012-12-01');
    expect(query.status).toBe(403);
    expect(query.body).toContain('<Code>MissingAuthenticationToken</Code>');
    const json = await unsignedPost({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RedshiftServerless.GetCredentials' }, '{}');
    expect(json.status).toBe(403);
    expect(JSON.parse(json.body)).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    expect(emulator.calls.map((call) => call.outcome)).toEqual(['MissingAuthenticationToken', 'MissingAuthenticationTokenException']);
  });
});

describe('modelled errors', () => {
  it('an unknown cluster is ClusterNotFoundFault (404)', async () => {
    const error = await rejectionOf(redshift().send(withIam({ ClusterIdentifier: 'nosuchcluster' })));
    expect(error).toBeInstanceOf(ClusterNotFoundFault);
    expect(error).toMatchObject({ message: 'Cluster nosuchcluster not found.', $metadata: { httpStatusCode: 404 } });
  });

  it('an unknown custom domain is CustomDomainAssociationNotFoundFault', async () => {
    const error = await rejectionOf(redshift().send(withIam({ ClusterIdentifier: undefined, CustomDomainName: 'nowhere.example.com' })));
    expect(error).toBeInstanceOf(CustomDomainAssociationNotFoundFault);
  });

  it('an unknown workgroup is ResourceNotFoundException', async () => {
    const error = await rejectionOf(serverless().send(getCredentials({ workgroupName: 'nosuchworkgroup' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ resourceName: 'nosuchworkgroup', $metadata: { httpStatusCode: 404 } });
  });

  it.each([899, 3601])('DurationSeconds %i is rejected by both APIs', async (seconds) => {
    const query = await rejectionOf(redshift().send(withIam({ DurationSeconds: seconds })));
    expect(query).toBeInstanceOf(RedshiftServiceException);
    expect(query).toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
    expect(await rejectionOf(serverless().send(getCredentials({ durationSeconds: seconds })))).toBeInstanceOf(ValidationException);
  });

  it('DurationSeconds 900 and 3600 are accepted', async () => {
    const before = Date.now();
    const short = await redshift().send(withIam({ DurationSeconds: 900 }));
    expect(short.Expiration!.getTime()).toBeGreaterThanOrEqual(before + 900_000 - 1000);
    const long = await serverless().send(getCredentials({ durationSeconds: 3600 }));
    expect(long.expiration!.getTime()).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
  });

  it('a database the cluster or workgroup does not have is rejected', async () => {
    expect(await rejectionOf(redshift().send(withIam({ DbName: 'nosuchdb' })))).toMatchObject({ name: 'InvalidParameterValue' });
    expect(await rejectionOf(serverless().send(getCredentials({ dbName: 'nosuchdb' })))).toBeInstanceOf(ValidationException);
  });

  it('an operation the emulator does not implement is InvalidAction', async () => {
    expect(await rejectionOf(redshift().send(new DescribeClusterSnapshotsCommand({})))).toMatchObject({
      name: 'InvalidAction',
      $metadata: { httpStatusCode: 400 },
    });
    expect(emulator.calls.map((call) => [call.operation, call.outcome])).toEqual([['DescribeClusterSnapshots', 'InvalidAction']]);
  });
});

describe('injected faults', () => {
  it('throttling is classified as throttling by the SDK and retried', async () => {
    const retry = new RecordingRetryStrategy(3);
    emulator.failNext(2, 'throttling');
    const out = await redshift({ retryStrategy: retry }).send(withIam());
    expect(out.DbUser).toBe(`IAM:${NAME}-user`);
    expect(out.$metadata.attempts).toBe(3);
    expect(retry.errorTypes).toEqual(['THROTTLING', 'THROTTLING']);
    expect(emulator.calls.map((call) => call.outcome)).toEqual(['Throttling', 'Throttling', 'ok']);

    const serverlessRetry = new RecordingRetryStrategy(3);
    emulator.failNext(1, 'throttling');
    await serverless({ retryStrategy: serverlessRetry }).send(getCredentials());
    expect(serverlessRetry.errorTypes).toEqual(['THROTTLING']);
  });

  it('the default retry strategy retries throttling', async () => {
    emulator.failNext(1, 'throttling');
    const out = await serverless().send(getCredentials());
    expect(out.$metadata.attempts).toBe(2);
    expect(emulator.calls.map((call) => call.outcome)).toEqual(['ThrottlingException', 'ok']);
  });

  it('with maxAttempts 1 throttling surfaces as the throttling error', async () => {
    emulator.failNext(1, 'throttling');
    const query = await rejectionOf(redshift({ maxAttempts: 1 }).send(withIam()));
    expect(query).toBeInstanceOf(RedshiftServiceException);
    expect(query).toMatchObject({ name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    emulator.failNext(1, 'throttling');
    const json = await rejectionOf(serverless({ maxAttempts: 1 }).send(getCredentials()));
    expect(json).toBeInstanceOf(ThrottlingException);
    expect(json).toMatchObject({ $metadata: { httpStatusCode: 429 } });
  });

  it('503 and 500 are retried as transient server errors', async () => {
    const retry = new RecordingRetryStrategy(3);
    emulator.failNext(1, 'unavailable');
    emulator.failNext(1, 'internal');
    const out = await redshift({ retryStrategy: retry }).send(withIam());
    expect(out.$metadata.attempts).toBe(3);
    expect(retry.errorTypes).toEqual(['TRANSIENT', 'TRANSIENT']);
    expect(emulator.calls.map((call) => call.outcome)).toEqual(['ServiceUnavailable', 'InternalFailure', 'ok']);

    emulator.failNext(2, 'internal');
    const viaDefault = await serverless().send(getCredentials());
    expect(viaDefault.$metadata.attempts).toBe(3);
  });

  it('with maxAttempts 1, 503 and 500 surface as server faults', async () => {
    emulator.failNext(1, 'unavailable');
    expect(await rejectionOf(redshift({ maxAttempts: 1 }).send(withIam()))).toMatchObject({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    emulator.failNext(1, 'internal');
    const json = await rejectionOf(serverless({ maxAttempts: 1 }).send(getCredentials()));
    expect(json).toBeInstanceOf(InternalServerException);
    expect(json).toMatchObject({ $fault: 'server', $metadata: { httpStatusCode: 500 } });
  });

  it('access denied is not retried', async () => {
    emulator.failNext(1, 'accessDenied');
    const query = await rejectionOf(redshift().send(withIam()));
    expect(query).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403, attempts: 1 } });
    expect(query.message).toBe(
      `User: ${emulator.identities.iamUser.arn} is not authorized to perform: redshift:GetClusterCredentialsWithIAM on resource: arn:aws:redshift:us-east-1:123456789012:dbname:examplecluster/dev`,
    );
    emulator.failNext(1, 'accessDenied');
    expect(await rejectionOf(serverless().send(getCredentials()))).toBeInstanceOf(AccessDeniedException);
    expect(emulator.calls.map((call) => call.outcome)).toEqual(['AccessDenied', 'AccessDeniedException']);
  });

  it('a fault for one operation leaves the others alone', async () => {
    emulator.failNext(1, 'accessDenied', 'GetCredentials');
    await redshift().send(withIam());
    expect(await rejectionOf(serverless().send(getCredentials()))).toBeInstanceOf(AccessDeniedException);
    await serverless().send(getCredentials());
    expect(emulator.calls.map((call) => call.outcome)).toEqual(['ok', 'AccessDeniedException', 'ok']);
  });
});

/** A POST without any signature, on a connection of its own. */
function unsignedPost(headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(emulator.endpoint, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
