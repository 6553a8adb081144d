import type { CredentialsRequest, OperationContext, OperationHandler } from './context';
import type { ClusterEntry, WorkgroupEntry } from './directory';
import { ApiError } from './errors';
import { callerDbUser, POSTGRES_MAX_NAME_BYTES } from './identities';
import { optionalBoolean, optionalString, stringList } from './params';
import type { OperationResult } from './protocol';
import type { EmulatorCallParams } from './types';

/** The database-credentials operations, each with the validation rules of the AWS API reference. */
export const CREDENTIALS_OPERATIONS = {
  async GetClusterCredentialsWithIAM(params, context) {
    const durationSeconds = duration(params, 'DurationSeconds');
    const cluster = findCluster(params, context);
    const databases = databasesOf(cluster.databases, optionalString(params, 'DbName'), `cluster ${cluster.clusterIdentifier}`);
    const dbUser = callerDbUser(context.caller.principal);
    return issued(context, { dbUser, databases, groups: [], durationSeconds, createRole: true }, true, ['DbUser', 'DbPassword', 'Expiration', 'NextRefreshTime']);
  },

  async GetClusterCredentials(params, context) {
    const name = optionalString(params, 'DbUser');
    if (name === undefined) throw new ApiError('missingParameter', 'The request must contain the parameter DbUser.');
    // `IAMA:` is the longest prefix that the role name adds.
    checkName('DbUser', name, DB_USER, 128, POSTGRES_MAX_NAME_BYTES - 'IAMA:'.length);
    const autoCreate = optionalBoolean(params, 'AutoCreate') ?? false;
    const groups = stringList(params, 'DbGroups');
    for (const group of groups) checkName('DbGroups', group, DB_GROUP, 64, POSTGRES_MAX_NAME_BYTES);
    const durationSeconds = duration(params, 'DurationSeconds');
    const cluster = findCluster(params, context);
    const databases = databasesOf(cluster.databases, optionalString(params, 'DbName'), `cluster ${cluster.clusterIdentifier}`);
    const dbUser = `${autoCreate ? 'IAMA' : 'IAM'}:${name}`;
    const result = await issued(
      context,
      { dbUser, databases, groups, durationSeconds, createRole: autoCreate || context.dbUsers.has(name) },
      false,
      ['DbUser', 'DbPassword', 'Expiration', 'NextRefreshTime'],
    );
    if (autoCreate) context.dbUsers.add(name);
    return result;
  },

  async GetCredentials(params, context) {
    const durationSeconds = duration(params, 'durationSeconds');
    const workgroup = findWorkgroup(params, context);
    const databases = databasesOf(workgroup.databases, optionalString(params, 'dbName'), `workgroup ${workgroup.workgroupName}`);
    const dbUser = callerDbUser(context.caller.principal);
    return issued(context, { dbUser, databases, groups: [], durationSeconds, createRole: true }, true, ['dbUser', 'dbPassword', 'expiration', 'nextRefreshTime']);
  },
} satisfies Record<string, OperationHandler>;

/** Issues the password and names the result members; `GetClusterCredentials`' result has no `NextRefreshTime`. */
async function issued(
  context: OperationContext,
  request: CredentialsRequest,
  withNextRefresh: boolean,
  [user, password, expiration, nextRefresh]: readonly [string, string, string, string],
): Promise<OperationResult> {
  const credentials = await context.issue(request);
  return {
    members: {
      [user]: request.dbUser,
      [password]: credentials.password,
      [expiration]: credentials.expiration,
      ...(withNextRefresh ? { [nextRefresh]: credentials.expiration } : {}),
    },
    secretMember: password,
    log: { dbUser: request.dbUser, expiration: credentials.expiration },
  };
}

/** The IAM action and resource ARN of a call, as AWS names them in `AccessDenied` messages. */
export function authorizationTarget(
  service: string,
  operation: string,
  params: EmulatorCallParams,
  region: string,
  accountId: string,
): { action: string; resourceArn: string } {
  const action = `${service}:${operation}`;
  if (service === 'sts') return { action, resourceArn: typeof params.RoleArn === 'string' ? params.RoleArn : '*' };
  if (service === 'redshift-serverless') {
    const workgroup = typeof params.workgroupName === 'string' ? params.workgroupName : '*';
    return { action, resourceArn: `arn:aws:${service}:${region}:${accountId}:workgroup/${workgroup}` };
  }
  const cluster = typeof params.ClusterIdentifier === 'string' ? params.ClusterIdentifier : '*';
  if (operation !== 'GetClusterCredentials' && operation !== 'GetClusterCredentialsWithIAM') {
    return { action, resourceArn: `arn:aws:${service}:${region}:${accountId}:cluster:${cluster}` };
  }
  const database = typeof params.DbName === 'string' ? params.DbName : '*';
  return { action, resourceArn: `arn:aws:${service}:${region}:${accountId}:dbname:${cluster}/${database}` };
}

/** Database, user and group names: a letter, then letters, digits and `_+.@-`; no `:` or `/`. */
const DB_NAME = /^[A-Za-z][A-Za-z0-9_+.@-]*$/;
const DB_USER = DB_NAME;
const DB_GROUP = /^[a-z][a-z0-9_+.@-]*$/;
const MIN_DURATION = 900;
const MAX_DURATION = 3600;

/** The cluster named by `ClusterIdentifier`, or the one `CustomDomainName` is associated with. */
function findCluster(params: EmulatorCallParams, context: OperationContext): ClusterEntry {
  const identifier = optionalString(params, 'ClusterIdentifier');
  if (identifier !== undefined) {
    const cluster = context.directory.cluster(identifier);
    if (!cluster) throw new ApiError('resourceNotFound', `Cluster ${identifier} not found.`);
    return cluster;
  }
  const domain = optionalString(params, 'CustomDomainName');
  if (domain === undefined) throw new ApiError('missingParameter', 'The request must contain the parameter ClusterIdentifier or CustomDomainName.');
  const association = context.directory.domain(domain);
  const cluster = association?.clusterIdentifier ? context.directory.cluster(association.clusterIdentifier) : undefined;
  if (!cluster) throw new ApiError('customDomainNotFound', `Custom domain ${domain} is not associated with any cluster.`);
  return cluster;
}

/** The workgroup named by `workgroupName`, or the one `customDomainName` is associated with. */
function findWorkgroup(params: EmulatorCallParams, context: OperationContext): WorkgroupEntry {
  const name = optionalString(params, 'workgroupName');
  if (name !== undefined) {
    const workgroup = context.directory.workgroup(name);
    if (!workgroup) throw new ApiError('resourceNotFound', `Workgroup ${name} not found.`, { resourceName: name });
    return workgroup;
  }
  const domain = optionalString(params, 'customDomainName');
  if (domain === undefined) throw new ApiError('missingParameter', 'Either workgroupName or customDomainName must be specified.');
  const association = context.directory.domain(domain);
  const workgroup = association?.workgroupName ? context.directory.workgroup(association.workgroupName) : undefined;
  if (!workgroup) throw new ApiError('customDomainNotFound', `Custom domain ${domain} is not associated with any workgroup.`, { resourceName: domain });
  return workgroup;
}

/** Without a database name, Redshift allows every database of the cluster or workgroup. */
function databasesOf(databases: readonly string[], requested: string | undefined, where: string): readonly string[] {
  if (requested === undefined) return databases;
  checkName('DbName', requested, DB_NAME, 64, POSTGRES_MAX_NAME_BYTES);
  if (!databases.includes(requested)) throw new ApiError('invalidParameter', `Database ${requested} does not exist in ${where}.`);
  return [requested];
}

function duration(params: EmulatorCallParams, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ApiError('invalidParameter', `Invalid value for ${name}: ${String(value)}.`);
  if (value < MIN_DURATION || value > MAX_DURATION) {
    throw new ApiError('invalidParameter', `The value of ${name} must be between ${MIN_DURATION} and ${MAX_DURATION} seconds; it was ${value}.`);
  }
  return value;
}

/** Checks AWS's rules, then PostgreSQL's name length, which is shorter than some of AWS's limits. */
function checkName(member: string, value: string, pattern: RegExp, maxLength: number, postgresMaxBytes: number): void {
  if (value.length > maxLength || !pattern.test(value)) {
    throw new ApiError('invalidParameter', `${member} ${JSON.stringify(value)} is not valid: 1 to ${maxLength} characters, starting with a letter, of letters, digits, _ + . @ -.`);
  }
  if (Buffer.byteLength(value) > postgresMaxBytes) {
    throw new ApiError('invalidParameter', `${member} ${JSON.stringify(value)} is too long for the emulator: PostgreSQL truncates names longer than ${POSTGRES_MAX_NAME_BYTES} bytes.`);
  }
}
