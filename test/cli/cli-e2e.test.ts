import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChild, type ChildRun } from '../setup/run-child';
import { startStandIn, type StandIn } from '../setup/stand-in';

// The real command, run as a child process from source (no build), against the real psql.
const REPO = join(__dirname, '..', '..');
const CLI = [process.execPath, '--import', 'tsx', join(REPO, 'lib', 'cli', 'main.ts')];
const NAME = 'cli-e2e';
const DB_USER = `IAM:${NAME}-user`;

type Finished = ChildRun;

/** What a machine without psql gets instead of a bare exit code 127 from four tests. */
const PSQL_MISSING =
  'These CLI tests run the real psql client, which is not on PATH. Install it: ' +
  'sudo apt-get install postgresql-client (Debian/Ubuntu), sudo dnf install postgresql (Fedora), ' +
  'brew install libpq && brew link --force libpq (macOS); then run npm test again.';
let psqlFound = false;

/** Fails the calling test with {@link PSQL_MISSING} when psql is not installed. */
function needsPsql(): void {
  if (!psqlFound) throw new Error(PSQL_MISSING);
}

let standIn: StandIn;
let baseEnv: Record<string, string>;
let target: string[];

beforeAll(async () => {
  psqlFound = (await runChild('sh', ['-c', 'command -v psql'])).code === 0;
  standIn = await startStandIn(NAME);
  // Nothing from the developer's shell may steer psql, pg or the SDK here.
  const inherited = Object.entries(process.env).filter(([name]) => !/^(PG|AWS_)/.test(name));
  baseEnv = {
    ...Object.fromEntries(inherited.filter((entry): entry is [string, string] => entry[1] !== undefined)),
    ...standIn.emulator.environment(),
    // The SDK warns on Node 20 on stderr; silenced so that stderr can be checked line by line.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  target = ['--host', standIn.pg.host, '--port', String(standIn.pg.port), '--database', 'dev', '--cluster-identifier', 'examplecluster'];
});

afterAll(async () => {
  await standIn.close();
});

beforeEach(() => standIn.emulator.clearCalls());

function run(command: readonly string[], env: Record<string, string> = baseEnv): Promise<Finished> {
  const [file = '', ...args] = command;
  return runChild(file, args, { env });
}

function cli(args: readonly string[], env?: Record<string, string>): Promise<Finished> {
  return run([...CLI, ...args], env);
}

function expectNoPassword(...outputs: Finished[]): void {
  const passwords = standIn.emulator.issuedPasswords();
  expect(passwords.length).toBeGreaterThan(0);
  for (const output of outputs) {
    for (const password of passwords) {
      expect(output.stdout).not.toContain(password);
      expect(output.stderr).not.toContain(password);
    }
  }
}

function shellQuoted(args: readonly string[]): string {
  return args.map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
}

describe('exec', () => {
  it('runs psql logged in as the IAM user and never prints the password, even with NODE_DEBUG', async () => {
    needsPsql();
    const result = await cli(['exec', ...target, '--', 'psql', '-tAc', 'select current_user'], { ...baseEnv, NODE_DEBUG: 'pg-redshift-iam' });

    expect(result.stderr).toContain('cli: logging in as');
    expect(result).toMatchObject({ code: 0, stdout: `${DB_USER}\n` });
    expect(standIn.emulator.calls).toEqual([
      expect.objectContaining({ operation: 'GetClusterCredentialsWithIAM', outcome: 'ok', params: expect.objectContaining({ ClusterIdentifier: 'examplecluster', DbName: 'dev' }) }),
    ]);
    expectNoPassword(result);
  });

  it('passes exit codes and signals through', async () => {
    needsPsql();
    const [sqlError, exit7, killed, missing] = await Promise.all([
      cli(['exec', ...target, '--', 'psql', '-c', 'select 1/0']),
      cli(['exec', ...target, '--', 'sh', '-c', 'exit 7']),
      cli(['exec', ...target, '--', 'sh', '-c', 'kill -TERM $$']),
      cli(['exec', ...target, '--', 'no-such-command-for-pg-redshift-iam']),
    ]);

    expect(sqlError.code).toBe(1);
    expect(sqlError.stderr).toContain('division by zero');
    expect(exit7.code).toBe(7);
    expect(killed.code).toBe(128 + 15);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toBe('pg-redshift-iam: cannot run no-such-command-for-pg-redshift-iam: command not found\n');
    expectNoPassword(sqlError, exit7, killed, missing);
  });

  it('reads host, port and database from PGHOST, PGPORT and PGDATABASE', async () => {
    needsPsql();
    const env = { ...baseEnv, PGHOST: standIn.pg.host, PGPORT: String(standIn.pg.port), PGDATABASE: 'dev' };
    const result = await cli(['exec', '--cluster-identifier', 'examplecluster', '--', 'psql', '-tAc', 'select current_user, current_database()'], env);

    expect(result).toMatchObject({ code: 0, stdout: `${DB_USER}|dev\n` });
  });
});

describe('env', () => {
  it('prints exports that a shell can eval to run psql', async () => {
    needsPsql();
    const script = `eval "$(${shellQuoted([...CLI, 'env', ...target])})" && psql -tAc "select current_user, current_setting('port')"`;
    const result = await run(['sh', '-c', script]);

    expect(result).toMatchObject({ code: 0, stdout: `${DB_USER}|${standIn.pg.port}\n`, stderr: '' });
  });

  it('prints the exports, a local host defaulting to sslmode prefer', async () => {
    const result = await cli(['env', ...target]);

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 6).map((line) => line.replace(/=.*/, ''))).toEqual(
      ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE'].map((name) => `export ${name}`),
    );
    expect(lines).toContain(`export PGUSER='${DB_USER}'`);
    expect(lines).toContain("export PGSSLMODE='prefer'");
    expect(lines[6]).toMatch(/^# The password expires at \d{4}-\d\d-\d\dT/);
  });

  it('prints a JSON object with --json', async () => {
    const result = await cli(['env', ...target, '--sslmode', 'disable', '--json']);

    expect(result.code).toBe(0);
    const login = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(login).toEqual({
      host: standIn.pg.host,
      port: standIn.pg.port,
      database: 'dev',
      user: DB_USER,
      password: expect.any(String),
      sslmode: 'disable',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(standIn.emulator.issuedPasswords()).toContain(login.password);
    expect(Date.parse(login.expiresAt as string)).toBeGreaterThan(Date.now());
  });
});

describe('no host: the address is looked up', () => {
  it('exec runs psql at the address DescribeClusters gives, and env prints it as PGHOST and PGPORT', async () => {
    const named = ['--database', 'dev', '--cluster-identifier', 'examplecluster', '--sslmode', 'disable'];
    const exec = await cli(['exec', ...named, '--', 'psql', '-tAc', "select current_user, current_setting('port')"]);
    expect(exec).toMatchObject({ code: 0, stdout: `${DB_USER}|${standIn.pg.port}\n` });
    expect(standIn.emulator.calls.map((call) => call.operation)).toEqual(['DescribeClusters', 'GetClusterCredentialsWithIAM']);

    const env = await cli(['env', ...named]);
    expect(env.code).toBe(0);
    expect(env.stdout).toContain(`export PGHOST='${standIn.pg.host}'\nexport PGPORT='${standIn.pg.port}'\n`);
    expectNoPassword(exec);
  });

  it('defaults to sslmode verify-full for the looked-up address', async () => {
    const result = await cli(['env', '--database', 'dev', '--cluster-identifier', 'examplecluster', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ host: standIn.pg.host, port: standIn.pg.port, sslmode: 'verify-full' });
  });

  it('exits 1 with CLUSTER_NOT_FOUND for an unknown cluster, before any credentials call', async () => {
    const result = await cli(['env', '--database', 'dev', '--cluster-identifier', 'nosuchcluster']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^pg-redshift-iam: CLUSTER_NOT_FOUND: .*nosuchcluster/);
    expect(standIn.emulator.calls.map((call) => call.operation)).toEqual(['DescribeClusters']);
  });
});

describe('--role-arn', () => {
  it('assumes the role through STS (AWS_ENDPOINT_URL_STS) with the ExternalId and logs psql in as IAMR:<role>', async () => {
    const roleArn = standIn.emulator.addRole({ roleName: `${NAME}-xacct`, externalId: 'pg-redshift-iam-e2e' });
    const result = await cli(['exec', ...target, '--role-arn', roleArn, '--external-id', 'pg-redshift-iam-e2e', '--', 'psql', '-tAc', 'select current_user']);

    expect(result).toMatchObject({ code: 0, stdout: `IAMR:${NAME}-xacct\n` });
    expect(standIn.emulator.calls.map((call) => [call.operation, call.outcome])).toEqual([['AssumeRole', 'ok'], ['GetClusterCredentialsWithIAM', 'ok']]);
    expect(standIn.emulator.calls[0]!.params).toMatchObject({ RoleArn: roleArn, ExternalId: 'pg-redshift-iam-e2e', RoleSessionName: 'pg-redshift-iam' });
  });

  it('exits 1 with ACCESS_DENIED naming sts:AssumeRole for a wrong ExternalId', async () => {
    const roleArn = standIn.emulator.addRole({ roleName: `${NAME}-xacct2`, externalId: 'the-right-one' });
    const result = await cli(['env', ...target, '--role-arn', roleArn, '--external-id', 'a-wrong-one']);

    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^pg-redshift-iam: ACCESS_DENIED: .*sts:AssumeRole/);
    expect(result.stderr).toContain(roleArn);
  });
});

describe('usage', () => {
  it('prints help and the version with exit code 0', async () => {
    const [help, version] = await Promise.all([cli(['--help']), cli(['--version'])]);

    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('pg-redshift-iam exec [options] -- <command>');
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  // Functions: the target is known only once the stand-in runs.
  it.each<[string, (target: string[]) => string[], RegExp]>([
    ['a duration below 900 s', (t) => [...t, '--duration-seconds', '10'], /^pg-redshift-iam: --duration-seconds: 10 is not a whole number of seconds from 900 to 3600\.\n$/],
    ['an unknown flag', (t) => [...t, '--nope'], /^pg-redshift-iam: unknown option --nope \(see pg-redshift-iam --help\)\n$/],
    ['no cluster on a plain host', (t) => t.slice(0, -2), /^pg-redshift-iam: --cluster-identifier: host \S+ is not a Redshift endpoint.* Set --cluster-identifier \(provisioned\) or --workgroup-name/],
    ['a reserved word as database', (t) => [...t, '--database', 'select'], /^pg-redshift-iam: --database: "select" is a Redshift reserved word\./],
    ['dbGroups without dbUser', (t) => [...t, '--db-group', 'analysts'], /^pg-redshift-iam: --db-group: needs --db-user\./],
    ['a bad sslmode', (t) => [...t, '--sslmode', 'on'], /^pg-redshift-iam: --sslmode: "on" is not an sslmode\. Use one of disable, /],
  ])('rejects %s with exit code 2 and no AWS call', async (_case, args, message) => {
    const result = await cli(['env', ...args(target)]);

    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(standIn.emulator.calls).toEqual([]);
  });

  it('names the variable when a bad value comes from the environment', async () => {
    const result = await cli(['env', '--host', standIn.pg.host, '--cluster-identifier', 'examplecluster'], { ...baseEnv, PGDATABASE: 'select' });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^pg-redshift-iam: PGDATABASE: "select" is a Redshift reserved word\./);
    expect(standIn.emulator.calls).toEqual([]);
  });

  it('rejects exec without a command and unknown subcommands with exit code 2', async () => {
    const [noCommand, unknown] = await Promise.all([cli(['exec', ...target, '--']), cli(['connect', ...target])]);

    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toMatch(/^pg-redshift-iam: exec needs a command after --/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^pg-redshift-iam: unknown command "connect"/);
    expect(standIn.emulator.calls).toEqual([]);
  });
});

describe('AWS failures', () => {
  it('exits 1 with the error code when the cluster does not exist', async () => {
    const args = ['--host', standIn.pg.host, '--port', String(standIn.pg.port), '--database', 'dev', '--cluster-identifier', 'nosuchcluster'];
    const [env, exec] = await Promise.all([cli(['env', ...args]), cli(['exec', ...args, '--', 'sh', '-c', 'echo ran'])]);

    for (const result of [env, exec]) {
      expect(result).toMatchObject({ code: 1, stdout: '' });
      expect(result.stderr).toMatch(/^pg-redshift-iam: CLUSTER_NOT_FOUND: GetClusterCredentialsWithIAM for cluster nosuchcluster.*ClusterNotFound/);
    }
    expect(standIn.emulator.calls.map((call) => call.outcome)).toEqual(['ClusterNotFound', 'ClusterNotFound']);
  });

  it('exits 1 with ACCESS_DENIED when IAM refuses', async () => {
    standIn.emulator.failNext(1, 'accessDenied');
    const result = await cli(['exec', ...target, '--', 'psql', '-tAc', 'select 1']);

    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^pg-redshift-iam: ACCESS_DENIED: .*redshift:GetClusterCredentialsWithIAM/);
  });
});
