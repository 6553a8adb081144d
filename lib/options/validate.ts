import { invalidOption } from '../errors';
import { parseRedshiftHost } from '../host';
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
 * Validates IAM options and infers what the host name tells. Throws `INVALID_OPTION` naming the
 * option at fault; never touches the network. `prefix` names where the options live (`iam.`).
 */
export function resolveTarget(options: RedshiftCredentialsOptions, prefix = ''): ResolvedTarget {
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
  const inferred = host === undefined ? undefined : parseRedshiftHost(host);

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
  if (inferred?.type === 'provisioned' && workgroupName !== undefined) {
    throw invalidOption(name('workgroupName'), `host ${host} is a provisioned cluster endpoint`, 'Remove workgroupName or fix the host.');
  }
  if (inferred?.type === 'serverless' && clusterIdentifier !== undefined) {
    throw invalidOption(name('clusterIdentifier'), `host ${host} is a Serverless workgroup endpoint`, 'Remove clusterIdentifier or fix the host.');
  }
  if (inferred?.type === 'provisioned' && clusterIdentifier !== undefined && clusterIdentifier.toLowerCase() !== inferred.clusterIdentifier) {
    throw invalidOption(name('clusterIdentifier'), `"${clusterIdentifier}" differs from the cluster in host ${host}`);
  }
  if (inferred?.type === 'serverless' && workgroupName !== undefined && workgroupName !== inferred.workgroupName) {
    throw invalidOption(name('workgroupName'), `"${workgroupName}" differs from the workgroup in host ${host}`);
  }
  const cluster = clusterIdentifier ?? (inferred?.type === 'provisioned' ? inferred.clusterIdentifier : undefined);
  const workgroup = workgroupName ?? (inferred?.type === 'serverless' ? inferred.workgroupName : undefined);
  if (cluster === undefined && workgroup === undefined && customDomainName === undefined) {
    throw invalidOption(
      name('clusterIdentifier'),
      host === undefined ? 'no cluster or workgroup is set' : `host ${host} is not a Redshift endpoint, so the cluster or workgroup cannot be inferred`,
      `Set ${name('clusterIdentifier')} (provisioned) or ${name('workgroupName')} (Serverless), or use the endpoint host name.`,
    );
  }
  const serverless = workgroup !== undefined;

  const region = optionalString(options.region, name('region'));
  if (region !== undefined && !REGION.test(region)) {
    throw invalidOption(name('region'), `"${region}" is not an AWS region name`, 'Use a name like us-east-1.');
  }
  if (region !== undefined && inferred !== undefined && region !== inferred.region) {
    throw invalidOption(name('region'), `"${region}" differs from region ${inferred.region} in host ${host}`);
  }

  const database = optionalString(options.database, 'database');
  if (database !== undefined) checkDbIdentifier(database, 'database');

  const dbUser = optionalString(options.dbUser, name('dbUser'));
  const autoCreate = optionalBoolean(options.autoCreate, name('autoCreate'));
  const dbGroups = optionalStringArray(options.dbGroups, name('dbGroups'));
  if (serverless) {
    for (const [option, value] of [['dbUser', dbUser], ['autoCreate', autoCreate], ['dbGroups', dbGroups]] as const) {
      if (value !== undefined) {
        throw invalidOption(name(option), 'applies to provisioned clusters only', 'Serverless maps the IAM identity to the database user; remove it.');
      }
    }
  }
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
    throw invalidOption(name('durationSeconds'), `${String(durationSeconds)} is not a whole number of seconds from ${MIN_DURATION} to ${MAX_DURATION}`);
  }
  const refreshWindowSeconds = options.refreshWindowSeconds;
  if (refreshWindowSeconds !== undefined && (typeof refreshWindowSeconds !== 'number' || !Number.isFinite(refreshWindowSeconds) || refreshWindowSeconds < 0 || refreshWindowSeconds >= durationSeconds)) {
    throw invalidOption(name('refreshWindowSeconds'), `${String(refreshWindowSeconds)} is not a number of seconds from 0 to below durationSeconds (${durationSeconds})`);
  }

  checkCredentials(options.credentials, name('credentials'));
  optionalString(options.profile, name('profile'));
  const endpoint = optionalString(options.endpoint, name('endpoint'));
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw invalidOption(name('endpoint'), `"${endpoint}" is not an http(s) URL`);
  }
  if (options.clientConfig !== undefined && (options.clientConfig === null || typeof options.clientConfig !== 'object' || Array.isArray(options.clientConfig))) {
    throw invalidOption(name('clientConfig'), 'expected an object of AWS SDK client settings');
  }

  const api: CredentialsApi = serverless ? 'GetCredentials' : dbUser !== undefined ? 'GetClusterCredentials' : 'GetClusterCredentialsWithIAM';
  return {
    api,
    clusterIdentifier: serverless ? undefined : cluster,
    workgroupName: workgroup,
    customDomainName,
    database,
    dbUser,
    autoCreate,
    dbGroups,
    durationSeconds,
    region: region ?? inferred?.region,
    endpoint,
    refreshWindowSeconds,
  };
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
