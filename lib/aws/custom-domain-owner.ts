import { DescribeCustomDomainAssociationsCommand, type RedshiftClient } from '@aws-sdk/client-redshift';
import { ListCustomDomainAssociationsCommand, type RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { retryWithSignal } from './retry-per-fetch';

// Custom domain names are case-insensitive DNS names; AWS stores what the user typed.
const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * `DescribeCustomDomainAssociations`: the provisioned cluster a custom domain name is associated
 * with, or `undefined`. Throws the SDK's error as is (`CustomDomainAssociationNotFoundFault`).
 */
export async function describeCustomDomainCluster(client: RedshiftClient, domainName: string, signal?: AbortSignal): Promise<string | undefined> {
  const command = new DescribeCustomDomainAssociationsCommand({ CustomDomainName: domainName });
  retryWithSignal(command, client, signal);
  const output = await client.send(command, { abortSignal: signal });
  for (const association of output.Associations ?? []) {
    const match = association.CertificateAssociations?.find((certificate) => same(certificate.CustomDomainName, domainName));
    if (match?.ClusterIdentifier !== undefined) return match.ClusterIdentifier;
  }
  return undefined;
}

/**
 * Serverless `ListCustomDomainAssociations`: the workgroup a custom domain name is associated with,
 * or `undefined`. Throws the SDK's error as is.
 */
export async function listCustomDomainWorkgroup(client: RedshiftServerlessClient, domainName: string, signal?: AbortSignal): Promise<string | undefined> {
  const command = new ListCustomDomainAssociationsCommand({ customDomainName: domainName });
  retryWithSignal(command, client, signal);
  const output = await client.send(command, { abortSignal: signal });
  return output.associations?.find((association) => same(association.customDomainName, domainName))?.workgroupName;
}
