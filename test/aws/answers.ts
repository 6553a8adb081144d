import type { RedshiftCredentialsOptions } from '../../lib';
import { createAwsCredentialsSource } from '../../lib/aws/fetcher';
import type { IssuedCredentials } from '../../lib/aws/types';
import { resolveTarget } from '../../lib/options/validate';
import type { RawAnswer } from '../setup/raw-aws-server';

/** The password every canned answer carries: it must never show up in an error. */
export const SECRET = 'SecretPasswordFromTheRawServer0123456789';

/** Static AWS keys for signing requests to the raw server (it checks no signature). */
export const KEYS = { accessKeyId: 'AKIAEXAMPLEKEY', secretAccessKey: 'example-secret-access-key' };

const NS = 'xmlns="http://redshift.amazonaws.com/doc/2012-12-01/"';

/** A complete `GetClusterCredentialsWithIAM` answer (XML), valid for 15 minutes. */
export function iamCredentialsXml(user = 'IAM:raw'): string {
  const expiration = new Date(Date.now() + 900_000).toISOString();
  return `<GetClusterCredentialsWithIAMResponse ${NS}><GetClusterCredentialsWithIAMResult><DbUser>${user}</DbUser>`
    + `<DbPassword>${SECRET}</DbPassword><Expiration>${expiration}</Expiration></GetClusterCredentialsWithIAMResult>`
    + '<ResponseMetadata><RequestId>11111111-2222-3333-4444-555555555555</RequestId></ResponseMetadata></GetClusterCredentialsWithIAMResponse>';
}

/** A 200 answer cut off right after the password, with a matching Content-Length. */
export const truncatedXml: RawAnswer = { kind: 'answer', status: 200, body: iamCredentialsXml().split('</DbPassword>')[0] + '</DbPassword>' };

/** A 200 answer that is not XML at all but holds the password. */
export const malformedXml: RawAnswer = { kind: 'answer', status: 200, body: `DbPassword=${SECRET}&&<<>>` };

/** A Serverless (awsJson1_1) 200 answer cut off after the password. */
export const truncatedJson: RawAnswer = {
  kind: 'answer',
  status: 200,
  body: `{"dbUser":"IAM:raw","dbPassword":"${SECRET}","expiration":`,
  headers: { 'Content-Type': 'application/x-amz-json-1.1' },
};

/** A proxy's HTML error page. */
export const badGatewayHtml: RawAnswer = {
  kind: 'answer',
  status: 502,
  statusText: 'Bad Gateway',
  body: '<html><head><title>502 Bad Gateway</title></head><body><center>502 Bad Gateway</center></body></html>',
  headers: { 'Content-Type': 'text/html' },
};

/** An awsQuery error answer. */
export function queryError(status: number, code: string, message: string): RawAnswer {
  const body = `<ErrorResponse ${NS}><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>`
    + '<RequestId>99999999-2222-3333-4444-555555555555</RequestId></ErrorResponse>';
  return { kind: 'answer', status, body };
}

/**
 * One fetch of the AWS layer on its own (SDK retries included), without the engine's waiting and
 * back-off around it: for tests of what one fetch does and says.
 */
export async function fetchOnce(options: RedshiftCredentialsOptions): Promise<IssuedCredentials> {
  const source = createAwsCredentialsSource(resolveTarget(options), options);
  try {
    return await source.fetch();
  } finally {
    source.destroy();
  }
}
