import { parseArgs } from 'node:util';
import { UsageError } from './usage-error';

const FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  database: { type: 'string' },
  sslmode: { type: 'string' },
  'cluster-identifier': { type: 'string' },
  'workgroup-name': { type: 'string' },
  region: { type: 'string' },
  'db-user': { type: 'string' },
  'auto-create': { type: 'boolean' },
  'db-group': { type: 'string', multiple: true },
  'custom-domain-name': { type: 'string' },
  'duration-seconds': { type: 'string' },
  profile: { type: 'string' },
  endpoint: { type: 'string' },
  'role-arn': { type: 'string' },
  'external-id': { type: 'string' },
  'role-session-name': { type: 'string' },
  'sts-endpoint': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** The flags as typed on the command line; numbers stay text until their source is known. */
export interface CliFlags {
  readonly host: string | undefined;
  readonly port: string | undefined;
  readonly database: string | undefined;
  readonly sslmode: string | undefined;
  readonly clusterIdentifier: string | undefined;
  readonly workgroupName: string | undefined;
  readonly region: string | undefined;
  readonly dbUser: string | undefined;
  readonly autoCreate: boolean | undefined;
  readonly dbGroups: readonly string[] | undefined;
  readonly customDomainName: string | undefined;
  readonly durationSeconds: string | undefined;
  readonly profile: string | undefined;
  readonly endpoint: string | undefined;
  readonly roleArn: string | undefined;
  readonly externalId: string | undefined;
  readonly roleSessionName: string | undefined;
  readonly stsEndpoint: string | undefined;
  readonly json: boolean;
}

/** What the command line asks for. */
export type CliRequest =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'env'; readonly flags: CliFlags }
  | { readonly kind: 'exec'; readonly flags: CliFlags; readonly command: readonly string[] };

/** Parses `argv` (without node and the script) with `util.parseArgs`; throws {@link UsageError}. */
export function parseCliArguments(argv: readonly string[]): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(parseErrorMessage(error), { suggestHelp: true });
  }
  const { values, tokens } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };

  const terminator = tokens.find((token) => token.kind === 'option-terminator');
  const beforeTerminator = tokens.filter((token) => token.kind === 'positional' && (terminator === undefined || token.index < terminator.index));
  const command = terminator === undefined ? [] : argv.slice(terminator.index + 1);
  const [name, ...extra] = beforeTerminator.map((token) => (token.kind === 'positional' ? token.value : ''));
  if (name === undefined) {
    throw new UsageError('no command given; use "env" or "exec -- <command>"', { suggestHelp: true });
  }
  if (name !== 'env' && name !== 'exec') {
    throw new UsageError(`unknown command "${name}"; use "env" or "exec -- <command>"`, { suggestHelp: true });
  }
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument "${extra[0] ?? ''}"; ${name === 'exec' ? 'put the command after --, as in: exec --host ... -- psql' : 'env takes flags only'}`, { suggestHelp: true });
  }
  const flags: CliFlags = {
    host: values.host,
    port: values.port,
    database: values.database,
    sslmode: values.sslmode,
    clusterIdentifier: values['cluster-identifier'],
    workgroupName: values['workgroup-name'],
    region: values.region,
    dbUser: values['db-user'],
    autoCreate: values['auto-create'],
    dbGroups: values['db-group'],
    customDomainName: values['custom-domain-name'],
    durationSeconds: values['duration-seconds'],
    profile: values.profile,
    endpoint: values.endpoint,
    roleArn: values['role-arn'],
    externalId: values['external-id'],
    roleSessionName: values['role-session-name'],
    stsEndpoint: values['sts-endpoint'],
    json: values.json === true,
  };
  if (name === 'env') {
    if (terminator !== undefined) throw new UsageError('env takes no command after --; use exec to run one', { suggestHelp: true });
    return { kind: 'env', flags };
  }
  if (flags.json) throw new UsageError('--json applies to env only', { suggestHelp: true });
  if (command.length === 0 || command[0] === '') {
    throw new UsageError('exec needs a command after --, as in: exec --host ... -- psql', { suggestHelp: true });
  }
  return { kind: 'exec', flags, command };
}

// parseArgs words its messages for programmers ("Option '--region <value>' argument missing") and
// suggests "--" for positionals starting with "-", which misleads here: say what to type instead.
function parseErrorMessage(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  const flag = /'(-[^' ]+)/.exec(text)?.[1] ?? text;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(text)) return `${flag} takes no value`;
    if (/ambiguous/.test(text)) return `${flag} needs a value (write ${flag}=-value for a value that starts with "-")`;
    return `${flag} needs a value`;
  }
  return text.split('\n')[0]!.replace(/\.$/, '');
}
