import {
  GetClusterCredentialsCommand,
  GetClusterCredentialsWithIAMCommand,
  type RedshiftClient,
} from '@aws-sdk/client-redshift';
import type { ResolvedTarget } from '../options/types';
import { limitEachAttempt } from './attempt-deadline';
import { retryWithSignal } from './retry-per-fetch';
import { issued } from './issued';
import { trackResponseDate } from './response-date';
import type { IssuedCredentials } from './types';

/** `GetClusterCredentialsWithIAM`: the database user is derived from the caller's IAM identity. */
export async function getClusterCredentialsWithIam(client: RedshiftClient, target: ResolvedTarget, signal?: AbortSignal, attemptTimeoutMs?: number): Promise<IssuedCredentials> {
  const command = new GetClusterCredentialsWithIAMCommand({
    ClusterIdentifier: target.clusterIdentifier,
    CustomDomainName: target.customDomainName,
    DbName: target.database,
    DurationSeconds: target.durationSeconds,
  });
  const responseDate = trackResponseDate(command);
  if (attemptTimeoutMs !== undefined) limitEachAttempt(command, attemptTimeoutMs);
  retryWithSignal(command, client, signal);
  const output = await client.send(command, { abortSignal: signal });
  return issued(output.DbUser, output.DbPassword, output.Expiration, responseDate(), output.$metadata.attempts);
}

/** `GetClusterCredentials`: log in as a named database user, optionally created and grouped. */
export async function getClusterCredentials(client: RedshiftClient, target: ResolvedTarget, signal?: AbortSignal, attemptTimeoutMs?: number): Promise<IssuedCredentials> {
  const command = new GetClusterCredentialsCommand({
    ClusterIdentifier: target.clusterIdentifier,
    CustomDomainName: target.customDomainName,
    DbName: target.database,
    DbUser: target.dbUser,
    AutoCreate: target.autoCreate,
    DbGroups: target.dbGroups === undefined ? undefined : [...target.dbGroups],
    DurationSeconds: target.durationSeconds,
  });
  const responseDate = trackResponseDate(command);
  if (attemptTimeoutMs !== undefined) limitEachAttempt(command, attemptTimeoutMs);
  retryWithSignal(command, client, signal);
  const output = await client.send(command, { abortSignal: signal });
  return issued(output.DbUser, output.DbPassword, output.Expiration, responseDate(), output.$metadata.attempts);
}
