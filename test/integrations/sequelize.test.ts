import { inspect } from 'node:util';
import { DataTypes, QueryTypes, Sequelize, type Options } from 'sequelize';
import { createRedshiftCredentials, isRedshiftIamError, sequelizeBeforeConnect, sequelizeOptions, type RedshiftCredentials } from '../../lib';
import { useStandIn } from '../setup/stand-in';
import { thrownBy } from '../setup/thrown-by';

const NAME = 'sequelize-int';
const DB_USER = `IAM:${NAME}-user`;

const standIn = useStandIn(NAME);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const credentialCalls = () => standIn.emulator.calls.filter((call) => call.outcome === 'ok').length;

interface Setup {
  readonly sequelize: Sequelize;
  readonly credentials: RedshiftCredentials;
}

const common: Options = { logging: false, pool: { max: 2, min: 0 } };

// The two ways to log Sequelize in: an IAM pg Client as dialectModule, or a beforeConnect hook.
const setups: [string, string, () => Setup][] = [
  ['sequelizeOptions (dialectModule)', 'sequelize_items_module', () => {
    const options = sequelizeOptions({ ...standIn.pg, iam: standIn.iam });
    return { sequelize: new Sequelize({ ...options, ...common }), credentials: options.credentials };
  }],
  ['sequelizeBeforeConnect (hook)', 'sequelize_items_hook', () => {
    const credentials = createRedshiftCredentials({ ...standIn.iam, host: standIn.pg.host, database: standIn.pg.database });
    const sequelize = new Sequelize({ dialect: 'postgres', ...standIn.pg, ...common, hooks: { beforeConnect: sequelizeBeforeConnect(credentials) } });
    return { sequelize, credentials };
  }],
];

async function currentUser(sequelize: Sequelize, transaction?: Awaited<ReturnType<Sequelize['transaction']>>): Promise<{ user: string; pid: number }> {
  const [row] = await sequelize.query<{ user: string; pid: number }>('SELECT current_user AS "user", pg_backend_pid() AS pid', { type: QueryTypes.SELECT, transaction });
  if (row === undefined) throw new Error('no row');
  return row;
}

describe.each(setups)('%s', (_name, tableName, setup) => {
  it('authenticates (version check included), syncs a model and creates and finds rows', async () => {
    const { sequelize, credentials } = setup();
    try {
      await sequelize.authenticate();
      // Sequelize's version check ran on its own connection, before the pool's first one.
      const internals = sequelize as unknown as { options: { databaseVersion: string }; connectionManager: { config: object } };
      expect(internals.options.databaseVersion).toMatch(/^\d+\./);
      expect((await currentUser(sequelize)).user).toBe(DB_USER);
      const Item = sequelize.define('Item', { name: { type: DataTypes.STRING, allowNull: false } }, { tableName });
      await Item.sync({ force: true });
      await Item.bulkCreate([{ name: 'a' }, { name: 'b' }]);
      const names = (await Item.findAll({ order: [['id', 'ASC']] })).map((item) => item.get('name'));
      expect(names).toEqual(['a', 'b']);
      await Item.drop();
      expect(credentialCalls()).toBe(1);
      // No config that Sequelize keeps shows the password (the hook writes to the connection manager's copy).
      const shown = [sequelize.config, internals.options, internals.connectionManager.config].map((value) => inspect(value, { depth: 6 })).join('');
      for (const password of standIn.emulator.issuedPasswords()) expect(shown).not.toContain(password);
    } finally {
      await sequelize.close();
      await credentials.close();
    }
  });

  it('logs new connections in after the credentials expired', async () => {
    await standIn.emulator.revoke(DB_USER);
    standIn.emulator.setExpiryOverride(2);
    standIn.emulator.clearCalls();
    const { sequelize, credentials } = setup();
    try {
      expect((await currentUser(sequelize)).user).toBe(DB_USER);
      expect(credentialCalls()).toBe(1);
      await sleep(2_500);
      // Two transactions at once need two connections: at least one logs in now.
      const first = await sequelize.transaction();
      const second = await sequelize.transaction();
      try {
        const rows = [await currentUser(sequelize, first), await currentUser(sequelize, second)];
        expect(rows.map((row) => row.user)).toEqual([DB_USER, DB_USER]);
        expect(rows[0]?.pid).not.toBe(rows[1]?.pid);
      } finally {
        await first.commit();
        await second.commit();
      }
      expect(credentialCalls()).toBe(2);
    } finally {
      await sequelize.close();
      await credentials.close();
    }
  });
});

it('sequelizeOptions replaces a cached password that the server refuses, once', async () => {
  const options = sequelizeOptions({ ...standIn.pg, iam: standIn.iam });
  const sequelize = new Sequelize({ ...options, ...common });
  try {
    expect((await currentUser(sequelize)).user).toBe(DB_USER);
    await standIn.emulator.revoke(DB_USER);
    standIn.emulator.clearCalls();
    // The second transaction needs a new connection, whose cached password is now refused.
    const first = await sequelize.transaction();
    const second = await sequelize.transaction();
    try {
      expect((await currentUser(sequelize, second)).user).toBe(DB_USER);
    } finally {
      await first.commit();
      await second.commit();
    }
    expect(credentialCalls()).toBe(1);
  } finally {
    await sequelize.close();
    await options.credentials.close();
  }
});

it('sequelizeOptions rejects bad options before any network call', () => {
  const attempts: (() => unknown)[] = [
    () => sequelizeOptions({ ...standIn.pg, iam: { ...standIn.iam, clusterIdentifier: 'not a cluster' } }),
    () => sequelizeOptions({ ...standIn.pg, password: 'secret', iam: standIn.iam } as Parameters<typeof sequelizeOptions>[0]),
    () => sequelizeOptions({ connectionString: `postgres://${standIn.pg.host}/dev`, iam: standIn.iam } as Parameters<typeof sequelizeOptions>[0]),
  ];
  for (const attempt of attempts) {
    const thrown = thrownBy(attempt);
    expect(isRedshiftIamError(thrown, 'INVALID_OPTION')).toBe(true);
  }
  expect(standIn.emulator.calls).toHaveLength(0);
});

it('sequelizeOptions fills in the Redshift port and verified TLS for a cluster endpoint', async () => {
  const options = sequelizeOptions({ host: 'examplecluster.abc123xyz789.us-east-1.redshift.amazonaws.com', database: 'dev', iam: { credentials: standIn.iam.credentials } });
  try {
    expect(options).toMatchObject({ dialect: 'postgres', port: 5439, database: 'dev', dialectOptions: { ssl: { rejectUnauthorized: true } } });
    expect(Object.keys(options)).not.toContain('credentials');
  } finally {
    await options.credentials.close();
  }
});
