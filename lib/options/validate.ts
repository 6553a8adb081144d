import { invalidOption } from '../errors';
import { classifyHost, partitionOfRegion, type HostKind } from '../host';
import { REDSHIFT_RESERVED_WORDS } from './reserved-words';
import type { CredentialsApi, RedshiftCredentialsOptions, ResolvedTarget } from './types';

const MIN_DURATION = 900;
const MAX_DURATION = 3600;
const DEFAULT_DURATION = 900;

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'clusterIdentifier', 'workgroupName', 'region', 'dbUser', 'autoCreate', 'dbGroups', 'customDomainName',
  'durationSeconds', 'refreshWindowSeconds', 'credentials', 'profile', 'endpoint', 'clientConfig',
  'fetchTimeoutSeconds', 'waitTimeoutSeconds', 'keepWarm', 'roleArn', 'externalId', 'roleSessionName', 'stsEndpoint',
]);

// AWS rules for DbName, DbUser and DbGroups (see the API reference): a letter first, then letters,
// digits and _ + . @ -, 1..64 characters, not a reserved word.
const DB_IDENTIFIER = /^[A-Za-z][A-Za-z0-9_+.@-]{0,63}$/;
// No trailing hyphen either: AWS refuses one, so it would only cost a failed AWS call.
const CLUSTER_IDENTIFIER = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}(?<!-)$/;
const WORKGROUP_NAME = /^[a-z0-9-]{3,64}$/;
const REGION = /^(?:[a-z]{2}(?:-(?:gov|iso[a-z]?))?|eusc-[a-z]{2})-[a-z]+-\d{1,2}$/;
const DOMAIN_NAME = /^(?=.{1,253}$)(?:(?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+[A-Za-z]{2,63}$/;

/**
 * What the options leave to a lookup: a Redshift-managed VPC endpoint (its cluster or workgroup comes
 * from `DescribeEndpointAccess` / `GetEndpointAccess`) or a custom domain in `host` (whether a cluster
 * or a workgroup owns it comes from `DescribeCustomDomainAssociations` / `ListCustomDomainAssociations`).
 * `region` is the one the options or the host name give, if any.
 */
export type TargetLookup =
  | { readonly kind: 'provisioned-endpoint'; readonly endpointName: string; readonly host: string; readonly region: string }
  | { readonly kind: 'serverless-endpoint'; readonly endpointName: string; readonly host: string; readonly region: string }
  | { readonly kind: 'custom-domain'; readonly domainName: string; readonly region: string | undefined };

/** A cluster or workgroup, named by the options or found by a lookup. */
export type TargetIdentity =
  | { readonly kind: 'provisioned'; readonly clusterIdentifier: string | undefined; readonly customDomainName: string | undefined; readonly region: string | undefined }
  | { readonly kind: 'serverless'; readonly workgroupName: string | undefined; readonly customDomainName: string | undefined; readonly region: string | undefined };

/**
 * Validated options: the target when the options and host name tell it, else the lookup that finds it.
 * {@link TargetPlan.complete} turns a found identity into the target with the same rules as the
 * synchronous path, so the two never disagree.
 */
export interface TargetPlan {
  /** The target, when no lookup is needed. */
  readonly target: ResolvedTarget | undefined;
  /** The lookup that finds the cluster or workgroup, when the options do not name it. */
  readonly lookup: TargetLookup | undefined;
  /** What the `host` setting is; `undefined` without a host. */
  readonly host: HostKind | undefined;
  /** The prefix of option names in messages (`iam.`). */
  readonly prefix: string;
  /** Builds the target for an identity found by a lookup; throws `INVALID_OPTION` if options clash with it. */
  complete(identity: TargetIdentity): ResolvedTarget;
}

/**
 * Validates IAM options and works out what the host name tells: the target, or the lookup that
 * finds it. Throws `INVALID_OPTION` naming the option at fault; never touches the network. `prefix`
 * names where the options live (`iam.`). Names given in the options win over what the host implies.
 */
export function planTarget(options: RedshiftCredentialsOptions, prefix = ''): TargetPlan {
  const name = (option: string) => `${prefix}${option}`;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidOption(prefix.replace(/\.$/, '') || 'options', 'expected an object');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key) && key !== 'host' && key !== 'database') {
      throw invalidOption(name(key), 'not a known option', `Known options: ${[...KNOWN_OPTIONS].join(', ')}.`);
    }
  }
  const host = optionalString(options.host, 'host');
  const hostKind = classifyHost(host);
  const hostRegion = hostKind !== undefined && 'region' in hostKind ? hostKind.region : undefined;

  const clusterIdentifier = optionalString(options.clusterIdentifier, name('clusterIdentifier'));
  const workgroupName = optionalString(options.workgroupName, name('workgroupName'));
  const customDomainName = optionalString(options.customDomainName, name('customDomainName'));
  if (clusterIdentifier !== undefined && !CLUSTER_IDENTIFIER.test(clusterIdentifier)) {
    throw invalidOption(name('clusterIdentifier'), `"${clusterIdentifier}" is not a cluster identifier`, 'It has 1 to 63 letters, digits or single hyphens, starts with a letter and does not end with a hyphen.');
  }
  if (workgroupName !== undefined && !WORKGROUP_NAME.test(workgroupName)) {
    throw invalidOption(name('workgroupName'), `"${workgroupName}" is not a workgroup name`, 'It has 3 to 64 lowercase letters, digits or hyphens.');
  }
  if (customDomainName !== undefined && !DOMAIN_NAME.test(customDomainName)) {
    throw invalidOption(name('customDomainName'), `"${customDomainName}" is not a domain name`);
  }
  if (clusterIdentifier !== undefined && workgroupName !== undefined) {
    throw invalidOption(name('workgroupName'), 'set either clusterIdentifier (provisioned) or workgroupName (Serverless), not both');
  }
  const explicitRegion = optionalString(options.region, name('region'));
  if (explicitRegion !== undefined && !REGION.test(explicitRegion)) {
    throw invalidOption(name('region'), `"${explicitRegion}" is not an AWS region name`, 'Use a name like us-east-1.');
  }
  // An explicit region wins over the host's: the API call goes where the user says; TLS still
  // checks the certificate against the host the socket connects to.
  const region = explicitRegion ?? hostRegion;
  checkRole(options, name, region);

  const database = optionalString(options.database, 'database');
  if (database !== undefined) checkDbIdentifier(database, 'database');
  const dbUser = optionalString(options.dbUser, name('dbUser'));
  const autoCreate = optionalBoolean(options.autoCreate, name('autoCreate'));
  const dbGroups = optionalStringArray(options.dbGroups, name('dbGroups'));
  if (dbUser === undefined && (autoCreate !== undefined || dbGroups !== undefined)) {
    throw invalidOption(
      name(autoCreate !== undefined ? 'autoCreate' : 'dbGroups'),
      'needs dbUser',
      'GetClusterCredentialsWithIAM takes the user and groups from IAM; set dbUser to use GetClusterCredentials.',
    );
  }
  if (dbUser !== undefined) checkDbIdentifier(dbUser, name('dbUser'));
  dbGroups?.forEach((group, index) => checkDbIdentifier(group, `${name('dbGroups')}[${index}]`));

  const durationSeconds = options.durationSeconds ?? DEFAULT_DURATION;
  if (!Number.isInteger(durationSeconds) || durationSeconds < MIN_DURATION || durationSeconds > MAX_DURATION) {
    throw invalidOption(name('durationSeconds'), `${shown(durationSeconds)} is not a whole number of seconds from ${MIN_DURATION} to ${MAX_DURATION}`);
  }
  const refreshWindowSeconds = options.refreshWindowSeconds;
  if (refreshWindowSeconds !== undefined && (typeof refreshWindowSeconds !== 'number' || !Number.isFinite(refreshWindowSeconds) || refreshWindowSeconds < 0 || refreshWindowSeconds >= durationSeconds)) {
    throw invalidOption(name('refreshWindowSeconds'), `${shown(refreshWindowSeconds)} is not a number of seconds from 0 to below durationSeconds (${durationSeconds})`);
  }
  checkCredentials(options.credentials, name('credentials'));
  optionalString(options.profile, name('profile'));
  const endpoint = optionalString(options.endpoint, name('endpoint'));
  if (endpoint !== undefined && !HTTP_URL.test(endpoint)) {
    throw invalidOption(name('endpoint'), `"${endpoint}" is not an http(s) URL`);
  }
  if (options.clientConfig !== undefined && (options.clientConfig === null || typeof options.clientConfig !== 'object' || Array.isArray(options.clientConfig))) {
    throw invalidOption(name('clientConfig'), 'expected an object of AWS SDK client settings');
  }

  const waits = resolveWaits(options, name);
  const complete = (identity: TargetIdentity): ResolvedTarget => {
    const serverless = identity.kind === 'serverless';
    if (serverless) {
      for (const [option, value] of [['dbUser', dbUser], ['autoCreate', autoCreate], ['dbGroups', dbGroups]] as const) {
        if (value !== undefined) {
          const where = identity.workgroupName === undefined ? 'a Serverless workgroup' : `Serverless workgroup ${identity.workgroupName}`;
          throw invalidOption(name(option), `applies to provisioned clusters only, and the target is ${where}`, 'Serverless maps the IAM identity to the database user; remove it.');
        }
      }
    }
    const api: CredentialsApi = serverless ? 'GetCredentials' : dbUser !== undefined ? 'GetClusterCredentials' : 'GetClusterCredentialsWithIAM';
    return {
      api,
      clusterIdentifier: identity.kind === 'provisioned' ? identity.clusterIdentifier : undefined,
      workgroupName: identity.kind === 'serverless' ? identity.workgroupName : undefined,
      customDomainName: identity.customDomainName,
      database,
      dbUser,
      autoCreate,
      dbGroups,
      durationSeconds,
      region: identity.region,
      endpoint,
      refreshWindowSeconds,
      ...waits,
    };
  };
  const plan = (target: ResolvedTarget | undefined, lookup: TargetLookup | undefined): TargetPlan => ({ target, lookup, host: hostKind, prefix, complete });

  // Names given in the options win; then what the host says; then a lookup.
  if (clusterIdentifier !== undefined) return plan(complete({ kind: 'provisioned', clusterIdentifier, customDomainName, region }), undefined);
  if (workgroupName !== undefined) return plan(complete({ kind: 'serverless', workgroupName, customDomainName, region }), undefined);
  // A custom domain named in the options keeps its meaning: the provisioned API with CustomDomainName.
  if (customDomainName !== undefined) return plan(complete({ kind: 'provisioned', clusterIdentifier: undefined, customDomainName, region }), undefined);
  switch (hostKind?.type) {
    case 'provisioned':
      return plan(complete({ kind: 'provisioned', clusterIdentifier: hostKind.clusterIdentifier, customDomainName: undefined, region }), undefined);
    case 'serverless':
      return plan(complete({ kind: 'serverless', workgroupName: hostKind.workgroupName, customDomainName: undefined, region }), undefined);
    case 'provisioned-endpoint':
      return plan(undefined, { kind: hostKind.type, endpointName: hostKind.endpointName, host: host as string, region: region as string });
    case 'serverless-endpoint':
      // The address already says Serverless: reject provisioned-only options now, not after a lookup.
      complete({ kind: 'serverless', workgroupName: undefined, customDomainName: undefined, region });
      return plan(undefined, { kind: hostKind.type, endpointName: hostKind.endpointName, host: host as string, region: region as string });
    case 'custom-domain':
      return plan(undefined, { kind: 'custom-domain', domainName: hostKind.domainName, region });
    default:
      throw invalidOption(
        name('clusterIdentifier'),
        host === undefined ? 'no cluster or workgroup is set' : `host ${host} is not a Redshift endpoint, so the cluster or workgroup cannot be inferred`,
        `Set ${name('clusterIdentifier')} (provisioned) or ${name('workgroupName')} (Serverless), or use the endpoint host name.`,
      );
  }
}

/**
 * Validates IAM options and infers what the host name tells, for targets that need no lookup (a
 * cluster or workgroup named in the options or in its endpoint host name). Throws `INVALID_OPTION`
 * naming the option at fault, also when only a lookup could find the target (a managed VPC endpoint
 * or a custom domain in `host`: see `createTargetResolver`); never touches the network.
 */
export function resolveTarget(options: RedshiftCredentialsOptions, prefix = ''): ResolvedTarget {
  const plan = planTarget(options, prefix);
  if (plan.target !== undefined) return plan.target;
  throw lookupNeeded(plan.lookup as TargetLookup, prefix);
}

function lookupNeeded(lookup: TargetLookup, prefix: string) {
  switch (lookup.kind) {
    case 'provisioned-endpoint':
      return invalidOption(`${prefix}clusterIdentifier`, `host ${lookup.host} is Redshift-managed VPC endpoint ${lookup.endpointName}, which does not name its cluster`, `Set ${prefix}clusterIdentifier.`);
    case 'serverless-endpoint':
      return invalidOption(`${prefix}workgroupName`, `host ${lookup.host} is Redshift-managed VPC endpoint ${lookup.endpointName}, which does not name its workgroup`, `Set ${prefix}workgroupName.`);
    case 'custom-domain':
      return invalidOption(`${prefix}customDomainName`, `host ${lookup.domainName} is not a Redshift endpoint`, `Set ${prefix}customDomainName (with ${prefix}workgroupName for Serverless) or ${prefix}clusterIdentifier.`);
  }
}

// IAM's rules (AssumeRole API reference): role names and paths of [\w+=,.@-], session names of
// 2..64 and ExternalIds of 2..1224 characters.
const ROLE_ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const HTTP_URL = /^https?:\/\/[^\s/]+/;

function checkRole(options: RedshiftCredentialsOptions, name: (option: string) => string, region: string | undefined): void {
  const roleArn = optionalString(options.roleArn, name('roleArn'));
  const externalId = optionalString(options.externalId, name('externalId'));
  const roleSessionName = optionalString(options.roleSessionName, name('roleSessionName'));
  const stsEndpoint = optionalString(options.stsEndpoint, name('stsEndpoint'));
  if (roleArn === undefined) {
    for (const [option, value] of [['externalId', externalId], ['roleSessionName', roleSessionName], ['stsEndpoint', stsEndpoint]] as const) {
      if (value !== undefined) throw invalidOption(name(option), `applies only with ${name('roleArn')}`, `Set ${name('roleArn')} to the role to assume, or remove ${name(option)}.`);
    }
    return;
  }
  const arn = ROLE_ARN.exec(roleArn);
  if (arn === null || roleArn.length > 2048) {
    throw invalidOption(name('roleArn'), `"${roleArn}" is not an IAM role ARN`, 'It looks like arn:aws:iam::123456789012:role/path/RoleName.');
  }
  if (region !== undefined && arn[1] !== partitionOfRegion(region)) {
    throw invalidOption(name('roleArn'), `partition ${arn[1] as string} differs from ${partitionOfRegion(region)}, the partition of region ${region}`, `Use an arn:${partitionOfRegion(region)}:iam:: role ARN, or fix the region.`);
  }
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    throw invalidOption(name('externalId'), 'is not 2 to 1224 characters of letters, digits and _+=,.@:/-');
  }
  if (roleSessionName !== undefined && !ROLE_SESSION_NAME.test(roleSessionName)) {
    throw invalidOption(name('roleSessionName'), `"${roleSessionName}" is not 2 to 64 characters of letters, digits and _+=,.@-`);
  }
  if (stsEndpoint !== undefined && !HTTP_URL.test(stsEndpoint)) {
    throw invalidOption(name('stsEndpoint'), `"${stsEndpoint}" is not an http(s) URL`);
  }
}

function checkDbIdentifier(value: string, option: string): void {
  if (!DB_IDENTIFIER.test(value)) {
    throw invalidOption(
      option,
      `"${value}" is not allowed by AWS`,
      'It has 1 to 64 characters, starts with a letter and has only letters, digits and _ + . @ - (no : or /).',
    );
  }
  if (REDSHIFT_RESERVED_WORDS.has(value.toUpperCase())) {
    throw invalidOption(option, `"${value}" is a Redshift reserved word`, 'Choose another name.');
  }
}

/**
 * A bad value as a message may show it. Never `String(value)`: an object whose `toString` is not a
 * function (or a symbol) makes that throw a TypeError instead of the INVALID_OPTION being built.
 */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function optionalString(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalidOption(option, 'expected a non-empty string');
  return value;
}

function optionalBoolean(value: unknown, option: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidOption(option, 'expected true or false');
  return value;
}

function optionalStringArray(value: unknown, option: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw invalidOption(option, 'expected an array of group names');
  return [...(value as string[])];
}

function checkCredentials(value: unknown, option: string): void {
  if (value === undefined || typeof value === 'function') return;
  if (value === null || typeof value !== 'object') {
    throw invalidOption(option, 'expected { accessKeyId, secretAccessKey, sessionToken? } or a provider function');
  }
  const identity = value as Record<string, unknown>;
  if (typeof identity.accessKeyId !== 'string' || identity.accessKeyId === '' || typeof identity.secretAccessKey !== 'string' || identity.secretAccessKey === '') {
    throw invalidOption(option, 'accessKeyId and secretAccessKey must be non-empty strings');
  }
  if (identity.sessionToken !== undefined && typeof identity.sessionToken !== 'string') {
    throw invalidOption(option, 'sessionToken must be a string');
  }
}

// Deadlines and keep-warm: the cache's timing options (see docs/refresh.md).
const MAX_TIMEOUT_SECONDS = 3600;

/** Validates `fetchTimeoutSeconds`, `waitTimeoutSeconds` and `keepWarm`, and fills their defaults. */
function resolveWaits(
  options: RedshiftCredentialsOptions,
  name: (option: string) => string,
): Pick<ResolvedTarget, 'fetchTimeoutSeconds' | 'waitTimeoutSeconds' | 'keepWarm'> {
  const seconds = (value: unknown, option: string, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_SECONDS) {
      throw invalidOption(name(option), `${shown(value)} is not a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}`);
    }
    return value;
  };
  return {
    fetchTimeoutSeconds: seconds(options.fetchTimeoutSeconds, 'fetchTimeoutSeconds', 30),
    waitTimeoutSeconds: seconds(options.waitTimeoutSeconds, 'waitTimeoutSeconds', 60),
    keepWarm: optionalBoolean(options.keepWarm, name('keepWarm')) ?? true,
  };
}
