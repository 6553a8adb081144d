import type { ResolvedTarget } from '../options/types';

function partition(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  if (region?.startsWith('us-isob-')) return 'aws-iso-b';
  if (region?.startsWith('us-iso-')) return 'aws-iso';
  if (region?.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/**
 * The least IAM permissions a target needs, as `action on resource` phrases, for error hints.
 * Resource ARNs follow the Redshift IAM reference: `dbname`, `dbuser` and `dbgroup` resources for
 * provisioned clusters, the workgroup ARN (which holds the workgroup id) for Serverless.
 */
export function requiredPolicy(target: ResolvedTarget, region: string | undefined): string {
  const arn = `arn:${partition(region)}:redshift:${region ?? '<region>'}:<account-id>`;
  const cluster = target.clusterIdentifier ?? '<cluster>';
  const database = target.database ?? '*';
  switch (target.api) {
    case 'GetCredentials':
      return `redshift-serverless:GetCredentials on arn:${partition(region)}:redshift-serverless:${region ?? '<region>'}:<account-id>:workgroup/<workgroup-id> (workgroup ${target.workgroupName ?? '?'})`;
    case 'GetClusterCredentialsWithIAM':
      return `redshift:GetClusterCredentialsWithIAM on ${arn}:dbname:${cluster}/${database}`;
    case 'GetClusterCredentials': {
      const user = target.dbUser ?? '<db-user>';
      const parts = [`redshift:GetClusterCredentials on ${arn}:dbuser:${cluster}/${user} and ${arn}:dbname:${cluster}/${database}`];
      if (target.autoCreate) parts.push(`redshift:CreateClusterUser on ${arn}:dbuser:${cluster}/${user}`);
      if (target.dbGroups?.length) parts.push(`redshift:JoinGroup on ${target.dbGroups.map((group) => `${arn}:dbgroup:${cluster}/${group}`).join(', ')}`);
      return parts.join('; ');
    }
  }
}
