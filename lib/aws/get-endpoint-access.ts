import { GetEndpointAccessCommand, type RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { retryWithSignal } from './retry-per-fetch';

/**
 * Serverless `GetEndpointAccess`: the workgroup a Redshift-managed VPC endpoint leads to, or
 * `undefined` when the answer names none. Throws the SDK's error as is (`ResourceNotFoundException`).
 */
export async function getEndpointWorkgroup(client: RedshiftServerlessClient, endpointName: string, signal?: AbortSignal): Promise<string | undefined> {
  const command = new GetEndpointAccessCommand({ endpointName });
  retryWithSignal(command, client, signal);
  const output = await client.send(command, { abortSignal: signal });
  return output.endpoint?.workgroupName;
}
