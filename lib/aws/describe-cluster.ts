import { DescribeClustersCommand, type RedshiftClient } from '@aws-sdk/client-redshift';
import type { TargetAddress } from './target-address';

/** `DescribeClusters` for one cluster: where its endpoint is. Throws the SDK's error as is. */
export async function describeClusterAddress(client: RedshiftClient, clusterIdentifier: string, signal?: AbortSignal): Promise<TargetAddress> {
  const output = await client.send(new DescribeClustersCommand({ ClusterIdentifier: clusterIdentifier }), { abortSignal: signal });
  const cluster = output.Clusters?.[0];
  return { address: cluster?.Endpoint?.Address, port: cluster?.Endpoint?.Port, status: cluster?.ClusterStatus };
}
