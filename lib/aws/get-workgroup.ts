import { GetWorkgroupCommand, type RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { TargetAddress } from './target-address';
import { retryWithSignal } from './retry-per-fetch';

/** Serverless `GetWorkgroup`: where the workgroup's endpoint is. Throws the SDK's error as is. */
export async function getWorkgroupAddress(client: RedshiftServerlessClient, workgroupName: string, signal?: AbortSignal): Promise<TargetAddress> {
  const command = new GetWorkgroupCommand({ workgroupName });
  retryWithSignal(command, client, signal);
  const output = await client.send(command, { abortSignal: signal });
  const workgroup = output.workgroup;
  return { address: workgroup?.endpoint?.address, port: workgroup?.endpoint?.port, status: workgroup?.status };
}
