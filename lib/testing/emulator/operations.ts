import { ApiError } from './errors';
import { callerDbUser, POSTGRES_MAX_NAME_BYTES, type KnownIdentity } from './identities';
import type { IssuedCredentials } from './protocol';
import type { EmulatorCallParams, EmulatorCluster, EmulatorOperation, EmulatorService, EmulatorWorkgroup } from './types';

/** What an operation asks of the emulator to hand out credentials. */
export interface CredentialsRequest {
  readonly dbUser: string;
  readonly databases: readonly string[];
  readonly groups: readonly string[];
  /** As requested; undefined means the default of 900 s. */
  readonly durationSeconds: number | undefined;
  /** False when the database user neither exists nor may be created. */
  readonly createRole: boolean;
}

/** The emulator state an operation reads, and the one thing it may do. */
export interface OperationContext {
  readonly caller: KnownIdentity;
  /** Keyed by lowercased identifier. */
  readonly clusters: ReadonlyMap<string, EmulatorCluster>;
  /** Keyed by lowercased name. */
  readonly workgroups: ReadonlyMap<string, EmulatorWorkgroup>;
  /** Existing database users; `AutoCreate` adds to it. */
  readonly dbUsers: Set<string>;
  /** Hands out a password for the request's user and sets the role up; the expiration is on the emulator's clock. */
  issue(request: CredentialsRequest): Promise<{ password: string; expiration: Date }>;
}

/** Serves one operation from its parsed parameters. */
export type OperationHandler = (params: EmulatorCallParams, context: OperationContext) => Promise<IssuedCredentials>;

/** The implemented operations, each with the validation rules of the AWS API reference. */
export const OPERATIONS: Readonly<Record<EmulatorOperation, OperationHandler>> = {
  async GetClusterCredentialsWithIAM(params, context) {
    const durationSeconds = duration(params, 'DurationSeconds');
    const cluster = findCluster(params, context);
    const databases = databasesOf(cluster.databases, optionalString(params, 'DbName'), `cluster ${cluster.clusterIdentifier}`);
    const dbUser = callerDbUser(context.caller.principal);
    const { password, expiration } = await context.issue({ dbUser, databases, groups: [], durationSeconds, createRole: true });
    return { dbUser, password, expiration, nextRefreshTime: expiration };
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
    const { password, expiration } = await context.issue({
      dbUser,
      databases,
      groups,
      durationSeconds,
      createRole: autoCreate || context.dbUsers.has(name),
    });
    if (autoCreate) context.dbUsers.add(name);
    return { dbUser, password, expiration };
  },

  async GetCredentials(params, context) {
    const durationSeconds = duration(params, 'durationSeconds');
    const workgroup = findWorkgroup(params, context);
    const databases = databasesOf(workgroup.databases, optionalString(params, 'dbName'), `workgroup ${workgroup.workgroupName}`);
    const dbUser = callerDbUser(context.caller.principal);
    const { password, expiration } = await context.issue({ dbUser, databases, groups: [], durationSeconds, createRole: true });
    return { dbUser, password, expiration, nextRefreshTime: expiration };
  },
};

/** The IAM action and resource ARN of a call, as AWS names them in `AccessDenied` messages. */
export function authorizationTarget(
  service: EmulatorService,
  operation: string,
  params: EmulatorCallParams,
  region: string,
  accountId: string,
): { action: string; resourceArn: string } {
  if (service === 'redshift-serverless') {
    const workgroup = typeof params.workgroupName === 'string' ? params.workgroupName : '*';
    return { action: `${service}:${operation}`, resourceArn: `arn:aws:${service}:${region}:${accountId}:workgroup/${workgroup}` };
  }
  const cluster = typeof params.ClusterIdentifier === 'string' ? params.ClusterIdentifier : '*';
  const database = typeof params.DbName === 'string' ? params.DbName : '*';
  return { action: `${service}:${operation}`, resourceArn: `arn:aws:${service}:${region}:${accountId}:dbname:${cluster}/${database}` };
}

/** Database, user and group names: a letter, then letters, digits and `_+.@-`; no `:` or `/`. */
const DB_NAME = /^[A-Za-z][A-Za-z0-9_+.@-]*$/;
const DB_USER = DB_NAME;
const DB_GROUP = /^[a-z][a-z0-9_+.@-]*$/;
const MIN_DURATION = 900;
const MAX_DURATION = 3600;

function findCluster(params: EmulatorCallParams, context: OperationContext): EmulatorCluster {
  const identifier = optionalString(params, 'ClusterIdentifier');
  if (identifier !== undefined) {
    const cluster = context.clusters.get(identifier.toLowerCase());
    if (!cluster) throw new ApiError('resourceNotFound', `Cluster ${identifier} not found.`);
    return cluster;
  }
  const domain = optionalString(params, 'CustomDomainName');
  if (domain === undefined) throw new ApiError('missingParameter', 'The request must contain the parameter ClusterIdentifier or CustomDomainName.');
  const cluster = [...context.clusters.values()].find((candidate) => sameName(candidate.customDomainName, domain));
  if (!cluster) throw new ApiError('customDomainNotFound', `Custom domain ${domain} is not associated with any cluster.`);
  return cluster;
}

function findWorkgroup(params: EmulatorCallParams, context: OperationContext): EmulatorWorkgroup {
  const name = optionalString(params, 'workgroupName');
  if (name !== undefined) {
    const workgroup = context.workgroups.get(name.toLowerCase());
    if (!workgroup) throw new ApiError('resourceNotFound', `Workgroup ${name} not found.`, { resourceName: name });
    return workgroup;
  }
  const domain = optionalString(params, 'customDomainName');
  if (domain === undefined) throw new ApiError('missingParameter', 'Either workgroupName or customDomainName must be specified.');
  const workgroup = [...context.workgroups.values()].find((candidate) => sameName(candidate.customDomainName, domain));
  if (!workgroup) throw new ApiError('customDomainNotFound', `Custom domain ${domain} is not associated with any workgroup.`, { resourceName: domain });
  return workgroup;
}

/** Without a database name, Redshift allows every database of the cluster or workgroup. */
function databasesOf(available: readonly string[] | undefined, requested: string | undefined, where: string): readonly string[] {
  const databases = available ?? ['dev'];
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

function optionalString(params: EmulatorCallParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ApiError('invalidParameter', `Invalid value for ${name}.`);
  return value;
}

function optionalBoolean(params: EmulatorCallParams, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ApiError('invalidParameter', `Invalid value for ${name}: ${String(value)}.`);
  return value;
}

function stringList(params: EmulatorCallParams, name: string): readonly string[] {
  const value = params[name];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ApiError('invalidParameter', `Invalid value for ${name}.`);
  return value;
}

function sameName(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
