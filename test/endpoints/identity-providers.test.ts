import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { createRedshiftPool } from '../../lib';
import { useStandIn } from '../setup/stand-in';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'endpoint-idp';
const standIn = useStandIn(NAME, { clusters: [{ clusterIdentifier: 'sales' }] });
const SCRIPT = join(__dirname, 'fixtures', 'credential-process.cjs');

async function currentUser(pool: pg.Pool): Promise<string> {
  return (await pool.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u;
}

const saved = { ...process.env };
let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), `${NAME}-`));
  // Only the profile may supply the identity.
  for (const name of Object.keys(process.env)) if (/^(AWS_|PG)/.test(name) && name !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') delete process.env[name];
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(directory, { recursive: true, force: true });
});

describe('identity providers', () => {
  it('a credential_process profile (how saml2aws, gimme-aws-creds and aws-vault feed the SDK) logs a pool in', async () => {
    // The assumed-role keys carry a session token, as an IdP's do.
    const keys = join(directory, 'identity.json');
    writeFileSync(keys, JSON.stringify(standIn.emulator.identities.assumedRole), { mode: 0o600 });
    const config = join(directory, 'config');
    writeFileSync(config, `[profile idp]\nregion = ${standIn.emulator.region}\ncredential_process = "${process.execPath}" "${SCRIPT}" "${keys}"\n`);
    Object.assign(process.env, { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(directory, 'credentials') });

    const pool = createRedshiftPool({ ...standIn.pg, max: 2, iam: { clusterIdentifier: 'sales', endpoint: standIn.emulator.endpoint, profile: 'idp' } });
    try {
      expect(await currentUser(pool)).toBe(`IAMR:${NAME}-role`);
      expect(standIn.emulator.calls).toEqual([
        expect.objectContaining({ operation: 'GetClusterCredentialsWithIAM', outcome: 'ok', identityArn: standIn.emulator.identities.assumedRole.arn }),
      ]);
    } finally {
      await pool.end();
    }
  });

  it('a role assumed for a pool without a host: one AssumeRole, and the lookup runs as the role', async () => {
    const roleArn = standIn.emulator.addRole({ roleName: `${NAME}-xacct`, externalId: 'lookup-as-role' });
    const pool = createRedshiftPool({
      database: 'dev',
      ssl: false,
      max: 3,
      iam: {
        clusterIdentifier: 'sales', region: standIn.emulator.region, endpoint: standIn.emulator.endpoint, stsEndpoint: standIn.emulator.endpoint,
        credentials: standIn.emulator.identities.iamUser, roleArn, externalId: 'lookup-as-role',
      },
    });
    try {
      const users = await Promise.all([0, 1, 2].map(() => currentUser(pool)));
      expect(users).toEqual(Array(3).fill(`IAMR:${NAME}-xacct`));
      const session = `arn:aws:sts::${standIn.emulator.accountId}:assumed-role/${NAME}-xacct/pg-redshift-iam`;
      expect(standIn.emulator.calls.map((call) => [call.operation, call.identityArn])).toEqual([
        ['AssumeRole', standIn.emulator.identities.iamUser.arn],
        ['DescribeClusters', session],
        ['GetClusterCredentialsWithIAM', session],
      ]);
    } finally {
      await pool.end();
    }
  });
});
