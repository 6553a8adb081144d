import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseCliArguments } from '../../lib/cli/arguments';
import { runCommand } from '../../lib/cli/exec';
import { describeFailure } from '../../lib/cli/failure';
import type { DatabaseLogin } from '../../lib/cli/login';
import { loginJson, shellExports, shellQuote } from '../../lib/cli/output';
import { runCli } from '../../lib/cli/run';
import { resolveLoginSettings, type CliEnvironment } from '../../lib/cli/settings';
import { TemporaryCredentials } from '../../lib/credentials/temporary-credentials';
import { mapAwsError } from '../../lib/aws/map-error';
import { RedshiftIamError } from '../../lib/errors';
import { resolveTarget } from '../../lib/options/validate';
import { startRawAwsServer, type RawAnswer, type RawAwsServer } from '../setup/raw-aws-server';

const CLUSTER_HOST = 'examplecluster.abc123xyz789.us-west-2.redshift.amazonaws.com';
const NASTY = `it's "a" $HOME \`id\` \\ back:slash\nnew line 'end'`;

function flagsOf(argv: string[]) {
  const request = parseCliArguments(argv);
  if (request.kind !== 'env' && request.kind !== 'exec') throw new Error(`expected env or exec, got ${request.kind}`);
  return request.flags;
}

function login(password: string): DatabaseLogin {
  const now = Date.now();
  return {
    host: CLUSTER_HOST,
    port: 5439,
    database: 'dev',
    sslmode: 'verify-full',
    credentials: new TemporaryCredentials('IAM:o\'brien', password, { expiresAt: now + 900_000, refreshAt: now + 840_000, fetchedAt: now }),
  };
}

async function runInProcess(argv: string[], env: CliEnvironment = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { env, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } });
  return { code, stdout, stderr };
}

describe('parseCliArguments', () => {
  it('keeps everything after -- as the command, flags included', () => {
    expect(parseCliArguments(['exec', '--host', 'h', '--db-group', 'a', '--db-group', 'b', '--', 'psql', '--host', 'x', '-c', 'select 1'])).toEqual({
      kind: 'exec',
      flags: expect.objectContaining({ host: 'h', dbGroups: ['a', 'b'], json: false }),
      command: ['psql', '--host', 'x', '-c', 'select 1'],
    });
  });

  it('lets --help win over the command and its flags', () => {
    expect(parseCliArguments(['env', '--host', 'x', '-h'])).toEqual({ kind: 'help' });
    expect(parseCliArguments(['exec', '-h', '--', 'psql'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['env', 'extra'], /unexpected argument "extra"/],
    [['exec', 'psql'], /put the command after --/],
    [['env', '--', 'psql'], /env takes no command/],
    [['exec', '--json', '--', 'psql'], /--json applies to env only/],
    [['env', '--auto-create=yes'], /^--auto-create takes no value$/],
    [['env', '--region'], /^--region needs a value$/],
    [['env', '--region', '--database', 'dev'], /^--region needs a value \(write --region=-value for a value that starts with "-"\)$/],
    [['env', '--bogus'], /^unknown option --bogus$/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArguments(argv)).toThrow(message);
  });

  it('words a missing flag value for people, not in parseArgs\' raw terms', async () => {
    const { code, stderr } = await runInProcess(['env', '--host', CLUSTER_HOST, '--profile']);
    expect(code).toBe(2);
    expect(stderr).toBe('pg-redshift-iam: --profile needs a value (see pg-redshift-iam --help)\n');
    expect(stderr).not.toMatch(/argument missing|<value>/);
  });
});

describe('resolveLoginSettings', () => {
  it('defaults a Redshift endpoint to port 5439 and sslmode verify-full', () => {
    expect(resolveLoginSettings(flagsOf(['env', '--host', CLUSTER_HOST, '--database', 'dev']), {})).toMatchObject({
      host: CLUSTER_HOST, port: 5439, database: 'dev', sslmode: 'verify-full',
    });
  });

  it('defaults a custom domain to verify-full and a plain host to prefer and 5432', () => {
    const custom = resolveLoginSettings(flagsOf(['env', '--host', 'db.example.com', '--custom-domain-name', 'db.example.com', '--database', 'dev']), {});
    const plain = resolveLoginSettings(flagsOf(['env', '--host', 'localhost', '--cluster-identifier', 'c1', '--database', 'dev']), {});

    expect(custom).toMatchObject({ port: 5439, sslmode: 'verify-full' });
    expect(plain).toMatchObject({ port: 5432, sslmode: 'prefer' });
  });

  it('passes the role flags to the options and verifies a VPC endpoint or custom-domain host', () => {
    const vpc = `etl-endpoint-a1b2c3d4e5f6g7h8i9j0.abc123xyz789.us-east-1.redshift.amazonaws.com`;
    const settings = resolveLoginSettings(flagsOf([
      'env', '--host', vpc, '--database', 'dev', '--role-arn', 'arn:aws:iam::123456789012:role/Reader', '--external-id', 'tenant-1',
      '--role-session-name', 'nightly', '--sts-endpoint', 'http://127.0.0.1:4566',
    ]), {});
    expect(settings).toMatchObject({
      port: 5439, sslmode: 'verify-full',
      iam: { host: vpc, roleArn: 'arn:aws:iam::123456789012:role/Reader', externalId: 'tenant-1', roleSessionName: 'nightly', stsEndpoint: 'http://127.0.0.1:4566' },
    });
    expect(resolveLoginSettings(flagsOf(['env', '--host', 'warehouse.example.com', '--database', 'dev']), {})).toMatchObject({ sslmode: 'verify-full' });
  });

  it('needs no host when the cluster or workgroup is named', () => {
    const settings = resolveLoginSettings(flagsOf(['env', '--cluster-identifier', 'c1', '--region', 'us-east-1', '--database', 'dev']), {});
    expect(settings).toMatchObject({ host: undefined, sslmode: 'verify-full', iam: { clusterIdentifier: 'c1', region: 'us-east-1', database: 'dev' } });
    expect(settings.iam).not.toHaveProperty('host');
    expect(resolveLoginSettings(flagsOf(['env', '--workgroup-name', 'wg1', '--database', 'dev']), {})).toMatchObject({ host: undefined });
  });

  it('takes PG* variables when flags are absent, flags first, and remembers the source', () => {
    const env = { PGHOST: CLUSTER_HOST, PGPORT: '5440', PGDATABASE: 'analytics', PGSSLMODE: 'require' };

    expect(resolveLoginSettings(flagsOf(['env']), env)).toMatchObject({
      host: CLUSTER_HOST, port: 5440, database: 'analytics', sslmode: 'require',
      sources: { host: 'PGHOST', port: 'PGPORT', database: 'PGDATABASE', sslmode: 'PGSSLMODE' },
      iam: { host: CLUSTER_HOST, database: 'analytics' },
    });
    expect(resolveLoginSettings(flagsOf(['env', '--database', 'dev', '--sslmode', 'verify-ca']), env)).toMatchObject({ database: 'dev', sslmode: 'verify-ca' });
  });
});

describe('runCli in-process', () => {
  it('prints help on stdout with exit code 0', async () => {
    const result = await runInProcess(['--help']);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage:/);
  });

  it.each<[string, string[], CliEnvironment, string]>([
    ['no host', ['env', '--database', 'dev'], {}, 'pg-redshift-iam: --host: no host is set. Pass --host with the cluster or workgroup endpoint (or a tunnel), set PGHOST, or name the cluster or workgroup (--cluster-identifier, --workgroup-name) to look its address up.\n'],
    // Interim until the engine looks the address up (phase B): said before any AWS call.
    ['an ExternalId without a role', ['env', '--host', CLUSTER_HOST, '--database', 'dev', '--external-id', 'tenant-1'], {}, 'pg-redshift-iam: --external-id: applies only with --role-arn. Set --role-arn to the role to assume, or remove --external-id.\n'],
    ['a role ARN that is no role', ['env', '--host', CLUSTER_HOST, '--database', 'dev', '--role-arn', 'arn:aws:iam::123456789012:user/a'], {}, 'pg-redshift-iam: --role-arn: "arn:aws:iam::123456789012:user/a" is not an IAM role ARN. It looks like arn:aws:iam::123456789012:role/path/RoleName.\n'],
    ['a bad PGPORT', ['env', '--host', CLUSTER_HOST], { PGPORT: '54x' }, 'pg-redshift-iam: PGPORT: "54x" is not a port number. Use a number from 1 to 65535.\n'],
    ['a bad PGSSLMODE', ['env', '--host', CLUSTER_HOST, '--database', 'dev'], { PGSSLMODE: 'on' }, 'pg-redshift-iam: PGSSLMODE: "on" is not an sslmode. Use one of disable, allow, prefer, require, verify-ca, verify-full.\n'],
    ['a duration that is not a number', ['env', '--host', CLUSTER_HOST, '--database', 'dev', '--duration-seconds', '15m'], {}, 'pg-redshift-iam: --duration-seconds: "15m" is not a whole number of seconds.\n'],
    ['a region that is no region name', ['env', '--host', CLUSTER_HOST, '--database', 'dev', '--region', 'mars'], {}, 'pg-redshift-iam: --region: "mars" is not an AWS region name. Use a name like us-east-1.\n'],
  ])('exits 2 for %s, before any AWS call', async (_case, argv, env, stderr) => {
    expect(await runInProcess(argv, env)).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('AWS failures as the CLI prints them', () => {
  const saved = { ...process.env };
  let server: RawAwsServer | undefined;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pg-redshift-iam-cli-'));
    writeFileSync(join(dir, 'config'), '[profile present]\nregion = us-west-2\n');
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });

  afterEach(async () => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
    await server?.close();
    server = undefined;
  });

  async function againstRawServer(answer: RawAnswer, extra: string[]) {
    server = await startRawAwsServer(() => answer);
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    return runInProcess(['env', '--host', CLUSTER_HOST, '--database', 'dev', '--endpoint', server.endpoint, ...extra]);
  }

  it('--profile naming a profile that does not exist says so', async () => {
    const { code, stderr } = await runInProcess(['env', '--host', CLUSTER_HOST, '--database', 'dev', '--profile', 'analytics']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^pg-redshift-iam: AWS_CREDENTIALS_MISSING: The AWS profile "analytics" was not found\. Check the profile name/);
    expect(stderr).not.toMatch(/or pass --profile/);
  });

  it('a wrong --region that AWS refuses names --region, exit code 2, without a key or clock hint', async () => {
    const { code, stderr } = await againstRawServer(
      { kind: 'answer', status: 403, body: '<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>Credential should be scoped to a valid region.</Message></Error></ErrorResponse>' },
      ['--cluster-identifier', 'examplecluster'],
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/^pg-redshift-iam: INVALID_OPTION: .*wrong region.* Set --region to the region of the cluster/);
    expect(stderr).not.toMatch(/AWS_CREDENTIALS_INVALID|clock|key pair/);
  });

  it('AWS_UNAVAILABLE names the HTTP status, in CLI wording, with no double period', () => {
    // What the SDK throws for a proxy's 502 HTML page after its attempts (its shape as observed).
    const sdkError = Object.assign(new Error('Unknown'), {
      name: 'Unknown',
      $fault: 'server',
      $metadata: { httpStatusCode: 502, attempts: 4 },
      $response: { statusCode: 502, reason: 'Bad Gateway', headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' },
    });
    const target = resolveTarget({ host: CLUSTER_HOST, database: 'dev' });
    const { exitCode, line } = describeFailure(mapAwsError(sdkError, target, { region: 'us-west-2' }));
    expect(exitCode).toBe(1);
    expect(line).toMatch(/^pg-redshift-iam: AWS_UNAVAILABLE: GetClusterCredentialsWithIAM for cluster examplecluster, database dev, us-west-2 failed after 4 attempts: HTTP 502 Bad Gateway \(not an AWS error response\)\. /);
    expect(line).not.toMatch(/connections resume|\.\.|Unknown/);
  });
});

describe('describeFailure', () => {
  it('keeps the code of options that AWS refused, with exit code 2', () => {
    const error = new RedshiftIamError('INVALID_OPTION', 'No AWS region for cluster c1.', { option: 'iam.region', hint: 'Set iam.region or AWS_REGION.' });

    expect(describeFailure(error)).toEqual({ exitCode: 2, line: 'pg-redshift-iam: INVALID_OPTION: No AWS region for cluster c1. Set --region or AWS_REGION.' });
  });

  it('prints runtime failures with their code on one line, exit code 1', () => {
    const error = new RedshiftIamError('AWS_UNAVAILABLE', 'GetClusterCredentials failed:\nServiceUnavailable.');

    expect(describeFailure(error)).toEqual({ exitCode: 1, line: 'pg-redshift-iam: AWS_UNAVAILABLE: GetClusterCredentials failed: ServiceUnavailable.' });
    expect(describeFailure(new Error('boom'))).toEqual({ exitCode: 1, line: 'pg-redshift-iam: boom' });
  });
});

describe('output', () => {
  it('quotes values so that sh reads them back unchanged', async () => {
    const { stdout } = await promisify(execFile)('sh', ['-c', `printf %s ${shellQuote(NASTY)}`]);

    expect(stdout).toBe(NASTY);
  });

  it('prints exports that sh evaluates to the exact values', async () => {
    const script = 'eval "$1"; printf "%s|%s|%s|%s|%s|%s" "$PGHOST" "$PGPORT" "$PGDATABASE" "$PGUSER" "$PGPASSWORD" "$PGSSLMODE"';
    const { stdout } = await promisify(execFile)('sh', ['-c', script, 'sh', shellExports(login(NASTY))]);

    expect(stdout).toBe(`${CLUSTER_HOST}|5439|dev|IAM:o'brien|${NASTY}|verify-full`);
  });

  it('prints JSON with the password only where asked', () => {
    const value = login('secret:pw');

    expect(JSON.parse(loginJson(value))).toMatchObject({ user: "IAM:o'brien", password: 'secret:pw', port: 5439 });
    expect(JSON.stringify(value)).not.toContain('secret:pw');
  });
});

describe('runCommand', () => {
  it('hands the variables to the child and passes its exit code through', async () => {
    const outcome = await runCommand(['sh', '-c', 'test "$PGPASSWORD" = "p w" && test "$KEPT" = yes && exit 3'], { KEPT: 'yes', PATH: process.env.PATH }, { PGPASSWORD: 'p w' }, spawn);

    expect(outcome).toEqual({ kind: 'exited', exitCode: 3 });
  });

  it('forwards SIGTERM to the child while it runs, and stops listening afterwards', async () => {
    const before = process.listeners('SIGTERM');
    const running = runCommand(['sh', '-c', 'exec sleep 30'], { PATH: process.env.PATH }, {}, spawn);
    const added = process.listeners('SIGTERM').filter((listener) => !before.includes(listener));
    expect(added).toHaveLength(1);

    added[0]?.('SIGTERM');

    expect(await running).toEqual({ kind: 'exited', exitCode: 128 + 15 });
    expect(process.listeners('SIGTERM')).toEqual(before);
  });
});
