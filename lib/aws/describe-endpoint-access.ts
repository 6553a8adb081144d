import { DescribeEndpointAccessCommand, type RedshiftClient } from '@aws-sdk/client-redshift';
import { retryWithSignal } from './retry-per-fetch';

/**
 * `DescribeEndpointAccess` for one Redshift-managed VPC endpoint: the cluster it leads to, or
 * `undefined` when AWS lists none by that name. Throws the SDK's error as is (`EndpointNotFoundFault`).
 */
export async function describeEndpointCluster(client: RedshiftClient, endpointName: string, signal?: AbortSignal): Promise<string | undefined> {
  const command = new DescribeEndpointAccessCommand({ EndpointName: endpointName });
  retryWithSignal(command, client, signal);
  const output = await client.send(command, { abortSignal: signal });
  return output.EndpointAccessList?.find((endpoint) => endpoint.EndpointName === endpointName)?.ClusterIdentifier;
}
