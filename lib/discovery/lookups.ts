import { describeClusterAddress } from '../aws/describe-cluster';
import { describeEndpointCluster } from '../aws/describe-endpoint-access';
import { getEndpointWorkgroup } from '../aws/get-endpoint-access';
import { getWorkgroupAddress } from '../aws/get-workgroup';
import { describeCustomDomainCluster, listCustomDomainWorkgroup } from '../aws/custom-domain-owner';
import type { TargetAddress } from '../aws/target-address';
import { RedshiftIamError } from '../errors';
import type { ResolvedTarget } from '../options/types';
import type { TargetIdentity, TargetLookup } from '../options/validate';
import { redshiftCnameOf, type CnameResolver } from './cname-region';
import { mapLookupError, type LookupCall } from './lookup-error';
import type { DiscoveryClients } from './types';

/** What the lookups need besides the lookup itself. */
export interface LookupContext {
  readonly clients: DiscoveryClients;
  readonly resolveCname: CnameResolver;
  readonly signal: AbortSignal;
  /** The prefix of option names in hints (`iam.`). */
  readonly prefix: string;
}

/** Finds the cluster or workgroup behind a managed VPC endpoint or a custom domain. */
export async function findIdentity(lookup: TargetLookup, context: LookupContext): Promise<TargetIdentity> {
  const { clients, signal, prefix } = context;
  switch (lookup.kind) {
    case 'provisioned-endpoint': {
      const call = endpointCall('redshift:DescribeEndpointAccess', lookup.endpointName, 'EndpointNotFoundFault', `${prefix}clusterIdentifier`, 'cluster');
      const cluster = await describeEndpointCluster(clients.redshift(lookup.region), lookup.endpointName, signal)
        .catch((error: unknown) => { throw mapLookupError(error, call, lookup.region); });
      if (cluster === undefined) throw notFound(call, lookup.region);
      return { kind: 'provisioned', clusterIdentifier: cluster, customDomainName: undefined, region: lookup.region };
    }
    case 'serverless-endpoint': {
      const call = endpointCall('redshift-serverless:GetEndpointAccess', lookup.endpointName, 'ResourceNotFoundException', `${prefix}workgroupName`, 'workgroup');
      const workgroup = await getEndpointWorkgroup(clients.serverless(lookup.region), lookup.endpointName, signal)
        .catch((error: unknown) => { throw mapLookupError(error, call, lookup.region); });
      if (workgroup === undefined) throw notFound(call, lookup.region);
      return { kind: 'serverless', workgroupName: workgroup, customDomainName: undefined, region: lookup.region };
    }
    case 'custom-domain':
      return findCustomDomainOwner(lookup.domainName, lookup.region, context);
  }
}

/**
 * Whether a cluster or a workgroup owns a custom domain. The region is the given one, else that of the
 * Redshift endpoint the name is a CNAME of (which also says which service to ask), else the SDK's chain.
 * Without a hint both services are asked at once.
 */
async function findCustomDomainOwner(domainName: string, givenRegion: string | undefined, context: LookupContext): Promise<TargetIdentity> {
  const { clients, signal, prefix } = context;
  const cname = await redshiftCnameOf(domainName, context.resolveCname, signal);
  const region = givenRegion ?? cname?.region;
  const serviceHint = cname === undefined ? undefined : cname.type.startsWith('serverless') ? 'serverless' : 'provisioned';
  const hint = `Set ${prefix}clusterIdentifier or ${prefix}workgroupName (then no lookup happens), or check that ${domainName} is associated with your cluster or workgroup in that region${givenRegion === undefined ? ` (set ${prefix}region if it is another)` : ''}.`;
  const clusterCall: LookupCall = {
    action: 'redshift:DescribeCustomDomainAssociations', subject: `custom domain ${domainName}`, resource: () => '*',
    notFound: { names: ['CustomDomainAssociationNotFoundFault'], code: 'ENDPOINT_NOT_FOUND', hint },
  };
  const workgroupCall: LookupCall = {
    action: 'redshift-serverless:ListCustomDomainAssociations', subject: `custom domain ${domainName}`, resource: () => '*',
    notFound: { names: ['ResourceNotFoundException'], code: 'ENDPOINT_NOT_FOUND', hint },
  };
  const ask = async (call: LookupCall, find: () => Promise<string | undefined>): Promise<string | undefined> => {
    try {
      return await find();
    } catch (error) {
      const mapped = mapLookupError(error, call, region);
      if (mapped.code === 'ENDPOINT_NOT_FOUND') return undefined;
      throw mapped;
    }
  };
  const [cluster, workgroup] = await Promise.allSettled([
    serviceHint === 'serverless' ? Promise.resolve(undefined) : ask(clusterCall, () => describeCustomDomainCluster(clients.redshift(region), domainName, signal)),
    serviceHint === 'provisioned' ? Promise.resolve(undefined) : ask(workgroupCall, () => listCustomDomainWorkgroup(clients.serverless(region), domainName, signal)),
  ]);
  if (cluster.status === 'fulfilled' && cluster.value !== undefined) return { kind: 'provisioned', clusterIdentifier: undefined, customDomainName: domainName, region };
  if (workgroup.status === 'fulfilled' && workgroup.value !== undefined) return { kind: 'serverless', workgroupName: undefined, customDomainName: domainName, region };
  if (cluster.status === 'rejected') throw cluster.reason;
  if (workgroup.status === 'rejected') throw workgroup.reason;
  throw notFound({ ...clusterCall, subject: `cluster or workgroup with custom domain ${domainName}` }, region);
}

/** Where a named cluster or workgroup listens (`DescribeClusters` / `GetWorkgroup`), for a pool without a host. */
export async function findAddress(target: ResolvedTarget, context: LookupContext): Promise<TargetAddress> {
  const { clients, signal, prefix } = context;
  const region = target.region;
  let found: TargetAddress;
  let subject: string;
  if (target.workgroupName !== undefined) {
    subject = `workgroup ${target.workgroupName}`;
    const call: LookupCall = {
      action: 'redshift-serverless:GetWorkgroup', subject, resource: (partition, r) => `arn:${partition}:redshift-serverless:${r}:<account-id>:workgroup/<workgroup-id>`,
      notFound: { names: ['ResourceNotFoundException'], code: 'WORKGROUP_NOT_FOUND', hint: `Check ${prefix}workgroupName and that the AWS account and region are the workgroup's, or set host.` },
    };
    found = await getWorkgroupAddress(clients.serverless(region), target.workgroupName, signal).catch((error: unknown) => { throw mapLookupError(error, call, region); });
  } else if (target.clusterIdentifier !== undefined) {
    subject = `cluster ${target.clusterIdentifier}`;
    const cluster = target.clusterIdentifier;
    const call: LookupCall = {
      action: 'redshift:DescribeClusters', subject, resource: (partition, r) => `arn:${partition}:redshift:${r}:<account-id>:cluster:${cluster}`,
      notFound: { names: ['ClusterNotFoundFault', 'ClusterNotFound'], code: 'CLUSTER_NOT_FOUND', hint: `Check ${prefix}clusterIdentifier and that the AWS account and region are the cluster's, or set host.` },
    };
    found = await describeClusterAddress(clients.redshift(region), cluster, signal).catch((error: unknown) => { throw mapLookupError(error, call, region); });
  } else {
    // A custom domain named in the options is itself the address.
    return { address: target.customDomainName, port: undefined, status: undefined };
  }
  if (found.address === undefined || found.address === '') {
    throw new RedshiftIamError('AWS_INVALID_RESPONSE', `AWS gave no endpoint address for ${subject}${found.status === undefined ? '' : ` (status ${found.status})`}.`, {
      hint: 'Connect once it is available, or set host.',
    });
  }
  return found;
}

function endpointCall(action: string, endpointName: string, notFoundName: string, option: string, what: string): LookupCall {
  return {
    action,
    subject: `Redshift-managed VPC endpoint ${endpointName}`,
    resource: action.startsWith('redshift-serverless:') ? (partition, region) => `arn:${partition}:redshift-serverless:${region}:<account-id>:managedvpcendpoint/<endpoint-id>` : () => '*',
    notFound: { names: [notFoundName], code: 'ENDPOINT_NOT_FOUND', hint: `Set ${option} to the ${what} behind the endpoint (then no lookup happens), or check the host name and the AWS account and region.` },
  };
}

function notFound(call: LookupCall, region: string | undefined): RedshiftIamError {
  return new RedshiftIamError(call.notFound.code, `AWS knows no ${call.subject}${region === undefined ? '' : ` in ${region}`}.`, { hint: call.notFound.hint });
}
