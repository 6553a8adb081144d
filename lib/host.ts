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

/** What {@link parseRedshiftHost} reads from a Redshift endpoint. */
export type RedshiftHost = ProvisionedHost | ServerlessHost;

// Region names of every partition: aws, aws-cn, aws-us-gov, aws-iso*, and aws-eusc (eusc-de-east-1).
const REGION = String.raw`(?:[a-z]{2}(?:-(?:gov|iso[a-z]?))?|eusc-[a-z]{2})-[a-z]+-\d{1,2}`;
const DNS_SUFFIX = String.raw`(?:amazonaws\.com(?:\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov|amazonaws\.eu)`;
const PROVISIONED = new RegExp(String.raw`^([a-z][a-z0-9-]{0,62})\.([a-z0-9]+)\.(${REGION})\.redshift(?:-fips)?\.${DNS_SUFFIX}$`);
const SERVERLESS = new RegExp(String.raw`^([a-z0-9-]{3,64})\.(\d{12})\.(${REGION})\.redshift-serverless(?:-fips)?\.${DNS_SUFFIX}$`);

/**
 * Reads the cluster or workgroup, account and region from a Redshift endpoint host name, in every
 * partition (`amazonaws.com`, `amazonaws.com.cn`, GovCloud). Returns `undefined` for anything
 * else (custom domains, tunnels, `localhost`, malformed input); never throws.
 */
export function parseRedshiftHost(host: unknown): RedshiftHost | undefined {
  if (typeof host !== 'string' || host.length > 253) return undefined;
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  const provisioned = PROVISIONED.exec(name);
  if (provisioned) {
    const [, clusterIdentifier, , region] = provisioned as unknown as [string, string, string, string];
    if (clusterIdentifier.includes('--') || clusterIdentifier.endsWith('-')) return undefined;
    return { type: 'provisioned', clusterIdentifier, region };
  }
  const serverless = SERVERLESS.exec(name);
  if (serverless) {
    const [, workgroupName, accountId, region] = serverless as unknown as [string, string, string, string];
    return { type: 'serverless', workgroupName, accountId, region };
  }
  return undefined;
}
