import { GetCredentialsCommand, type RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { ResolvedTarget } from '../options/types';
import { limitEachAttempt } from './attempt-deadline';
import { retryWithSignal } from './retry-per-fetch';
import { issued } from './issued';
import { trackResponseDate } from './response-date';
import type { IssuedCredentials } from './types';

/** Serverless `GetCredentials`: the database user is derived from the caller's IAM identity. */
export async function getServerlessCredentials(client: RedshiftServerlessClient, target: ResolvedTarget, signal?: AbortSignal, attemptTimeoutMs?: number): Promise<IssuedCredentials> {
  const command = new GetCredentialsCommand({
    workgroupName: target.workgroupName,
    customDomainName: target.customDomainName,
    dbName: target.database,
    durationSeconds: target.durationSeconds,
  });
  const responseDate = trackResponseDate(command);
  if (attemptTimeoutMs !== undefined) limitEachAttempt(command, attemptTimeoutMs);
  retryWithSignal(command, client, signal);
  const output = await client.send(command, { abortSignal: signal });
  return issued(output.dbUser, output.dbPassword, output.expiration, responseDate(), output.$metadata.attempts);
}
