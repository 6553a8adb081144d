import { GetEndpointAccessCommand, type RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';

/**
 * Serverless `GetEndpointAccess`: the workgroup a Redshift-managed VPC endpoint leads to, or
 * `undefined` when the answer names none. Throws the SDK's error as is (`ResourceNotFoundException`).
 */
export async function getEndpointWorkgroup(client: RedshiftServerlessClient, endpointName: string, signal?: AbortSignal): Promise<string | undefined> {
  const output = await client.send(new GetEndpointAccessCommand({ endpointName }), { abortSignal: signal });
  return output.endpoint?.workgroupName;
}
