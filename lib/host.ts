import { isIP } from 'node:net';

/** A provisioned cluster endpoint, e.g. `examplecluster.abc123xyz789.us-west-2.redshift.amazonaws.com`. */
export interface ProvisionedHost {
  readonly type: 'provisioned';
  readonly clusterIdentifier: string;
  readonly region: string;
}

/** A Serverless workgroup endpoint, e.g. `default.123456789012.us-east-1.redshift-serverless.amazonaws.com`. */
export interface ServerlessHost {
  readonly type: 'serverless';
  readonly workgroupName: string;
  readonly accountId: string;
  readonly region: string;
}

/**
 * A Redshift-managed VPC endpoint of a provisioned cluster, e.g.
 * `etl-endpoint-k7rfausgmlzieup51zgg.abc123xyz789.us-east-1.redshift.amazonaws.com`. The address does
 * not name the cluster: `DescribeEndpointAccess` maps the endpoint name to it.
 */
export interface ProvisionedEndpointHost {
  readonly type: 'provisioned-endpoint';
  readonly endpointName: string;
  readonly region: string;
}

/**
 * A Redshift-managed VPC endpoint of a Serverless workgroup, e.g.
 * `etl-endpoint-k7rfausgmlzieup51zgg.123456789012.us-east-1.redshift-serverless.amazonaws.com`. The
 * address does not name the workgroup: `GetEndpointAccess` maps the endpoint name to it.
 */
export interface ServerlessEndpointHost {
  readonly type: 'serverless-endpoint';
  readonly endpointName: string;
  readonly accountId: string;
  readonly region: string;
}

/** What {@link parseRedshiftHost} reads from a Redshift endpoint address. */
export type RedshiftHost = ProvisionedHost | ServerlessHost | ProvisionedEndpointHost | ServerlessEndpointHost;

/**
 * What a `host` setting is, for deciding where the target comes from:
 * - a Redshift address ({@link RedshiftHost});
 * - `custom-domain`: another DNS name, taken for the cluster's or workgroup's custom domain name when no
 *   cluster or workgroup is named;
 * - `tunnel`: `localhost`, an IP address, a Unix socket directory or a single-label name (a port
 *   forward, a container name or a local stand-in), which says nothing about the target.
 */
export type HostKind = RedshiftHost | { readonly type: 'custom-domain'; readonly domainName: string } | { readonly type: 'tunnel' };

// Region names of every partition: aws, aws-cn, aws-us-gov, aws-iso*, and aws-eusc (eusc-de-east-1).
const REGION = String.raw`(?:[a-z]{2}(?:-(?:gov|iso[a-z]?))?|eusc-[a-z]{2})-[a-z]+-\d{1,2}`;
const DNS_SUFFIX = String.raw`(?:amazonaws\.com(?:\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov|amazonaws\.eu)`;
const PROVISIONED = new RegExp(String.raw`^([a-z][a-z0-9-]{0,62})\.([a-z0-9]+)\.(${REGION})\.redshift(?:-fips)?\.${DNS_SUFFIX}$`);
const SERVERLESS = new RegExp(String.raw`^([a-z0-9-]{3,64})\.(\d{12})\.(${REGION})\.redshift-serverless(?:-fips)?\.${DNS_SUFFIX}$`);
// AWS names a managed VPC endpoint's address `<endpoint-name>-endpoint-<20 lowercase letters/digits>`
// in the first label (seen in the wild for Serverless, e.g. aws/amazon-redshift-jdbc-driver#137; the
// provisioned form has the same first label under the cluster domain). Endpoint names: 1..30
// characters, a letter first, letters, digits and single hyphens, no trailing hyphen (CreateEndpointAccess).
const ENDPOINT_LABEL = /^([a-z](?:[a-z0-9]|-(?!-)){0,29})-endpoint-[a-z0-9]{20}$/;
// A custom domain name as Redshift accepts it: dot-separated labels and a letter-only top-level domain.
const DOMAIN_NAME = /^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/;
// Names that only resolve locally (RFC 6761/8375 and Docker's host.docker.internal): tunnels, never a domain.
const LOCAL_ONLY = /(?:^|\.)(?:localhost|local|internal|test|invalid|home\.arpa)$/;
// Other AWS-owned names (PrivateLink `vpce-…` addresses, load balancers) say nothing about the target.
const AWS_OWNED = new RegExp(String.raw`(?:^|\.)${DNS_SUFFIX}$`);

/**
 * Reads the cluster or workgroup (or the managed VPC endpoint), account and region from a Redshift
 * endpoint address, in every partition (`amazonaws.com`, `amazonaws.com.cn`, GovCloud, ISO, EUSC).
 * Returns `undefined` for anything else (custom domains, tunnels, `localhost`, malformed input); never
 * throws.
 */
export function parseRedshiftHost(host: unknown): RedshiftHost | undefined {
  if (typeof host !== 'string' || host.length > 253) return undefined;
  const name = normalize(host);
  const provisioned = PROVISIONED.exec(name);
  if (provisioned) {
    const [, label, , region] = provisioned as unknown as [string, string, string, string];
    const endpoint = ENDPOINT_LABEL.exec(label);
    if (endpoint) return { type: 'provisioned-endpoint', endpointName: endpoint[1] as string, region };
    if (label.includes('--') || label.endsWith('-')) return undefined;
    return { type: 'provisioned', clusterIdentifier: label, region };
  }
  const serverless = SERVERLESS.exec(name);
  if (serverless) {
    const [, label, accountId, region] = serverless as unknown as [string, string, string, string];
    const endpoint = ENDPOINT_LABEL.exec(label);
    if (endpoint) return { type: 'serverless-endpoint', endpointName: endpoint[1] as string, accountId, region };
    return { type: 'serverless', workgroupName: label, accountId, region };
  }
  return undefined;
}

/**
 * Classifies a `host` setting (see {@link HostKind}). Returns `undefined` for no host, and `tunnel`
 * for anything that is neither a Redshift address nor a well-formed public DNS name.
 */
export function classifyHost(host: string | undefined): HostKind | undefined {
  if (host === undefined) return undefined;
  const redshift = parseRedshiftHost(host);
  if (redshift !== undefined) return redshift;
  const name = normalize(host);
  if (isIP(name) !== 0 || LOCAL_ONLY.test(name) || AWS_OWNED.test(name) || !DOMAIN_NAME.test(name)) return { type: 'tunnel' };
  return { type: 'custom-domain', domainName: name };
}

function normalize(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * The AWS partition of a region name (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`,
 * `aws-iso-e`, `aws-iso-f`, `aws-eusc`), as used in ARNs.
 */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  const iso = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (iso) return iso[1] === '' ? 'aws-iso' : `aws-iso-${iso[1] as string}`;
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}
