import { GetWorkgroupCommand, type RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { TargetAddress } from './target-address';

/** Serverless `GetWorkgroup`: where the workgroup's endpoint is. Throws the SDK's error as is. */
export async function getWorkgroupAddress(client: RedshiftServerlessClient, workgroupName: string, signal?: AbortSignal): Promise<TargetAddress> {
  const output = await client.send(new GetWorkgroupCommand({ workgroupName }), { abortSignal: signal });
  const workgroup = output.workgroup;
  return { address: workgroup?.endpoint?.address, port: workgroup?.endpoint?.port, status: workgroup?.status };
}
