import { DescribeClustersCommand, type RedshiftClient } from '@aws-sdk/client-redshift';
import type { TargetAddress } from './target-address';
import { retryWithSignal } from './retry-per-fetch';

/** `DescribeClusters` for one cluster: where its endpoint is. Throws the SDK's error as is. */
export async function describeClusterAddress(client: RedshiftClient, clusterIdentifier: string, signal?: AbortSignal): Promise<TargetAddress> {
  const command = new DescribeClustersCommand({ ClusterIdentifier: clusterIdentifier });
  retryWithSignal(command, client, signal);
  const output = await client.send(command, { abortSignal: signal });
  const cluster = output.Clusters?.[0];
  return { address: cluster?.Endpoint?.Address, port: cluster?.Endpoint?.Port, status: cluster?.ClusterStatus };
}
