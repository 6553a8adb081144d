import type { OperationContext, OperationHandler } from './context';
import type { ClusterEntry, DomainEntry, EndpointEntry, WorkgroupEntry } from './directory';
import { ApiError } from './errors';
import { optionalString } from './params';
import { WireList, type WireStruct } from './protocol';

/** A fixed creation time: the emulator's resources have always existed. */
const CREATED = new Date('2026-01-01T00:00:00Z');

/**
 * The lookups that find a cluster's or workgroup's address, the target of a VPC endpoint and the
 * target of a custom domain. Redshift's answers carry awsQuery member names, Serverless's
 * awsJson ones; each carries the members the SDK model marks as the useful ones, with the
 * addresses the emulator was given.
 */
export const DISCOVERY_OPERATIONS = {
  async DescribeClusters(params, context) {
    const identifier = optionalString(params, 'ClusterIdentifier');
    let clusters = context.directory.allClusters();
    if (identifier !== undefined) {
      const cluster = context.directory.cluster(identifier);
      if (!cluster) throw new ApiError('resourceNotFound', `Cluster ${identifier} not found.`);
      clusters = [cluster];
    }
    return { members: { Clusters: new WireList(clusters.map((cluster) => clusterMembers(cluster, context)), 'Cluster') } };
  },

  async DescribeEndpointAccess(params, context) {
    const name = optionalString(params, 'EndpointName');
    const identifier = optionalString(params, 'ClusterIdentifier');
    if (identifier !== undefined && !context.directory.cluster(identifier)) throw new ApiError('resourceNotFound', `Cluster ${identifier} not found.`);
    const endpoints = context.directory
      .allEndpoints()
      .filter((endpoint) => endpoint.clusterIdentifier !== undefined)
      .filter((endpoint) => name === undefined || same(endpoint.endpointName, name))
      .filter((endpoint) => identifier === undefined || same(endpoint.clusterIdentifier, identifier));
    if (name !== undefined && endpoints.length === 0) throw new ApiError('endpointNotFound', `The endpoint ${name} could not be found.`);
    return { members: { EndpointAccessList: new WireList(endpoints.map((endpoint) => endpointMembers(endpoint, context))) } };
  },

  async DescribeCustomDomainAssociations(params, context) {
    const domainName = optionalString(params, 'CustomDomainName');
    const certificateArn = optionalString(params, 'CustomDomainCertificateArn');
    const domains = context.directory
      .allDomains()
      .filter((domain) => domain.clusterIdentifier !== undefined)
      .filter((domain) => domainName === undefined || same(domain.customDomainName, domainName))
      .filter((domain) => certificateArn === undefined || certificateOf(domain, context) === certificateArn);
    // AWS answers a filter that matches nothing with the fault, not with an empty list.
    if (domains.length === 0 && (domainName !== undefined || certificateArn !== undefined)) {
      throw new ApiError('customDomainNotFound', `Custom domain association for ${domainName ?? certificateArn} not found.`);
    }
    const associations = domains.map((domain) => ({
      CustomDomainCertificateArn: certificateOf(domain, context),
      CustomDomainCertificateExpiryDate: certificateExpiry(context),
      CertificateAssociations: new WireList(
        [{ CustomDomainName: domain.customDomainName, ClusterIdentifier: domain.clusterIdentifier }],
        'CertificateAssociation',
      ),
    }));
    return { members: { Associations: new WireList(associations, 'Association') } };
  },

  async GetWorkgroup(params, context) {
    const name = optionalString(params, 'workgroupName');
    if (name === undefined) throw new ApiError('missingParameter', "1 validation error detected: Value null at 'workgroupName' failed to satisfy constraint: Member must not be null");
    const workgroup = context.directory.workgroup(name);
    if (!workgroup) throw new ApiError('resourceNotFound', `Workgroup ${name} not found.`, { resourceName: name });
    return { members: { workgroup: workgroupMembers(workgroup, context) } };
  },

  async GetEndpointAccess(params, context) {
    const name = optionalString(params, 'endpointName');
    if (name === undefined) throw new ApiError('missingParameter', "1 validation error detected: Value null at 'endpointName' failed to satisfy constraint: Member must not be null");
    const endpoint = context.directory.endpoint(name);
    if (!endpoint?.workgroupName) throw new ApiError('resourceNotFound', `Endpoint ${name} not found.`, { resourceName: name });
    const { address, port } = context.directory.addressOf(endpoint);
    return {
      members: {
        endpoint: {
          endpointName: endpoint.endpointName,
          endpointStatus: 'ACTIVE',
          workgroupName: endpoint.workgroupName,
          endpointCreateTime: CREATED,
          port,
          address,
          endpointArn: `arn:aws:redshift-serverless:${context.region}:${context.accountId}:managedvpcendpoint/${endpoint.endpointName}`,
          vpcSecurityGroups: new WireList([]),
        },
      },
    };
  },

  async ListCustomDomainAssociations(params, context) {
    const domainName = optionalString(params, 'customDomainName');
    const certificateArn = optionalString(params, 'customDomainCertificateArn');
    const associations = context.directory
      .allDomains()
      .filter((domain) => domain.workgroupName !== undefined)
      .filter((domain) => domainName === undefined || same(domain.customDomainName, domainName))
      .filter((domain) => certificateArn === undefined || certificateOf(domain, context) === certificateArn)
      .map((domain) => ({
        customDomainName: domain.customDomainName,
        customDomainCertificateArn: certificateOf(domain, context),
        customDomainCertificateExpiryTime: certificateExpiry(context),
        workgroupName: domain.workgroupName,
      }));
    // A list operation: no match is an empty list.
    return { members: { associations: new WireList(associations) } };
  },
} satisfies Record<string, OperationHandler>;

function clusterMembers(cluster: ClusterEntry, context: OperationContext): WireStruct {
  const domain = context.directory.allDomains().find((candidate) => same(candidate.clusterIdentifier, cluster.clusterIdentifier));
  return {
    ClusterIdentifier: cluster.clusterIdentifier.toLowerCase(),
    NodeType: 'ra3.xlplus',
    ClusterStatus: 'available',
    ClusterAvailabilityStatus: 'Available',
    MasterUsername: 'awsuser',
    DBName: cluster.databases[0],
    Endpoint: { Address: cluster.address, Port: cluster.port },
    ClusterCreateTime: CREATED,
    NumberOfNodes: 1,
    PubliclyAccessible: false,
    Encrypted: true,
    ClusterNamespaceArn: `arn:aws:redshift:${context.region}:${context.accountId}:namespace:${cluster.clusterIdentifier.toLowerCase()}`,
    CustomDomainName: domain?.customDomainName,
    CustomDomainCertificateArn: domain ? certificateOf(domain, context) : undefined,
  };
}

function endpointMembers(endpoint: EndpointEntry, context: OperationContext): WireStruct {
  const { address, port } = context.directory.addressOf(endpoint);
  return {
    ClusterIdentifier: endpoint.clusterIdentifier?.toLowerCase(),
    ResourceOwner: context.accountId,
    SubnetGroupName: 'default',
    EndpointStatus: 'active',
    EndpointName: endpoint.endpointName,
    EndpointCreateTime: CREATED,
    Port: port,
    Address: address,
  };
}

function workgroupMembers(workgroup: WorkgroupEntry, context: OperationContext): WireStruct {
  const name = workgroup.workgroupName.toLowerCase();
  const domain = context.directory.allDomains().find((candidate) => same(candidate.workgroupName, workgroup.workgroupName));
  return {
    workgroupId: `00000000-0000-4000-8000-${hex12(name)}`,
    workgroupArn: `arn:aws:redshift-serverless:${context.region}:${context.accountId}:workgroup/${name}`,
    workgroupName: name,
    namespaceName: 'default-namespace',
    baseCapacity: 128,
    enhancedVpcRouting: false,
    status: 'AVAILABLE',
    endpoint: { address: workgroup.address, port: workgroup.port, vpcEndpoints: new WireList([]) },
    publiclyAccessible: false,
    creationDate: CREATED,
    port: workgroup.port,
    customDomainName: domain?.customDomainName,
    customDomainCertificateArn: domain ? certificateOf(domain, context) : undefined,
  };
}

/** One ACM certificate per domain, with an id derived from the name so that it is stable. */
function certificateOf(domain: DomainEntry, context: OperationContext): string {
  return `arn:aws:acm:${context.region}:${context.accountId}:certificate/00000000-0000-4000-8000-${hex12(domain.customDomainName.toLowerCase())}`;
}

/** A certificate that stays valid for a year after the call. */
function certificateExpiry(context: OperationContext): Date {
  return new Date(context.now.getTime() + 365 * 86_400_000);
}

function hex12(text: string): string {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) % 0x1000000000000;
  return hash.toString(16).padStart(12, '0');
}

function same(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
