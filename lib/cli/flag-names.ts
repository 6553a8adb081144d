import type { RedshiftIamError } from '../errors';

/** Connection settings that may come from a flag or a `PG*` variable. */
export type SourcedSetting = 'host' | 'port' | 'database' | 'sslmode';

/** Where each connection setting came from (`--host` or `PGHOST`), so messages name what to fix. */
export type SettingSources = Readonly<Record<SourcedSetting, string>>;

// Library option names -> CLI flags.
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  clusterIdentifier: '--cluster-identifier',
  workgroupName: '--workgroup-name',
  dbUser: '--db-user',
  autoCreate: '--auto-create',
  dbGroups: '--db-group',
  customDomainName: '--custom-domain-name',
  durationSeconds: '--duration-seconds',
  region: '--region',
  profile: '--profile',
  endpoint: '--endpoint',
  credentials: '--profile',
  roleArn: '--role-arn',
  externalId: '--external-id',
  roleSessionName: '--role-session-name',
  stsEndpoint: '--sts-endpoint',
};
// In free text only unmistakable names are replaced: camelCase ones and `iam.` paths. Plain words
// such as "database" or "region" also occur in prose.
const CAMEL_CASE_OPTION = /\b(?:iam\.)?(clusterIdentifier|workgroupName|dbUser|autoCreate|dbGroups|customDomainName|durationSeconds|roleArn|externalId|roleSessionName|stsEndpoint)\b/g;
const PREFIXED_OPTION = /\biam\.(region|profile|endpoint|credentials)\b/g;

/** `text` with the library's option names replaced by the CLI's flags. */
export function withFlagNames(text: string): string {
  const flag = (_match: string, name: string) => FLAG_OF_OPTION[name] ?? name;
  return text.replace(CAMEL_CASE_OPTION, flag).replace(PREFIXED_OPTION, flag);
}

/**
 * Rewrites the library's "Invalid option dbGroups[1]: problem. hint" as "--db-group: problem.
 * hint", naming the variable instead of the flag when the value came from one.
 */
export function invalidOptionMessage(error: RedshiftIamError, sources: SettingSources): string {
  const prefix = `Invalid option ${error.option ?? ''}: `;
  if (error.option === undefined || !error.message.startsWith(prefix)) return withFlagNames(error.message);
  const name = error.option.replace(/^iam\./, '').replace(/\[\d+\]$/, '');
  const flag = Object.hasOwn(sources, name) ? sources[name as SourcedSetting] : FLAG_OF_OPTION[name] ?? name;
  const text = withFlagNames(error.message.slice(prefix.length)).replace(/\bSet database\b/g, `Set ${sources.database}`);
  return `${flag}: ${text}`;
}
