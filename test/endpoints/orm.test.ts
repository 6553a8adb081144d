import knex from 'knex';
import { QueryTypes, Sequelize } from 'sequelize';
import { DataSource } from 'typeorm';
import { knexConnection, sequelizeOptions, typeormOptions } from '../../lib';
import { withoutPgHostEnv } from '../setup/pg-env';
import { useStandIn } from '../setup/stand-in';

// Role names are unique to this file: other files share the PostgreSQL server.
const NAME = 'endpoint-orm';
const USER = `IAM:${NAME}-user`;
const standIn = useStandIn(NAME, { clusters: [{ clusterIdentifier: 'sales' }], workgroups: [{ workgroupName: 'bi-wg' }] });

/** No host: the ORM helpers must look up the cluster's address (DescribeClusters gives the test PostgreSQL's). */
const noHost = () => ({
  database: 'dev',
  ssl: false,
  iam: { clusterIdentifier: 'sales', region: standIn.emulator.region, endpoint: standIn.emulator.endpoint, credentials: standIn.emulator.identities.iamUser },
});
const operations = () => standIn.emulator.calls.map((call) => call.operation);

withoutPgHostEnv();

describe('ORM helpers without a host', () => {
  it('knexConnection: Knex connects to the looked-up address, one DescribeClusters for every connection', async () => {
    const connection = knexConnection(noHost());
    const db = knex({ client: 'pg', connection, pool: { min: 0, max: 2 } });
    try {
      const users = await Promise.all([0, 1, 2].map(async () => (await db.raw<{ rows: { u: string }[] }>('SELECT current_user AS u')).rows[0]!.u));
      expect(users).toEqual([USER, USER, USER]);
      expect(operations()).toEqual(['DescribeClusters', 'GetClusterCredentialsWithIAM']);
    } finally {
      await db.destroy();
      await connection.credentials.close();
    }
  });

  it('sequelizeOptions: the IAM Client connects to the looked-up address and port, not Sequelize\'s 5432', async () => {
    const options = sequelizeOptions({ ...noHost(), iam: { ...noHost().iam, clusterIdentifier: undefined, workgroupName: 'bi-wg' } });
    expect(options).toMatchObject({ host: undefined, port: undefined, database: 'dev' });
    const sequelize = new Sequelize({ ...options, logging: false, pool: { max: 2, min: 0 } });
    try {
      const [row] = await sequelize.query<{ u: string }>('SELECT current_user AS u', { type: QueryTypes.SELECT });
      expect(row?.u).toBe(USER);
      expect(operations()).toEqual(['GetWorkgroup', 'GetCredentials']);
    } finally {
      await sequelize.close();
      await options.credentials.close();
    }
  });

  it('typeormOptions: each TypeORM pool looks the address up', async () => {
    const dataSource = new DataSource({ ...typeormOptions({ ...noHost(), max: 2 }) });
    await dataSource.initialize();
    try {
      const rows = await dataSource.query<{ u: string }[]>('SELECT current_user AS u');
      expect(rows[0]?.u).toBe(USER);
      expect(operations()).toEqual(['DescribeClusters', 'GetClusterCredentialsWithIAM']);
    } finally {
      await dataSource.destroy();
    }
  });

  it('default to verified TLS without a host', () => {
    const { iam } = noHost();
    const knexSettings = knexConnection({ database: 'dev', iam });
    const sequelize = sequelizeOptions({ database: 'dev', iam });
    try {
      expect(typeormOptions({ database: 'dev', iam }).extra).toMatchObject({ ssl: { rejectUnauthorized: true } });
      expect(sequelize.dialectOptions).toMatchObject({ ssl: { rejectUnauthorized: true } });
    } finally {
      void knexSettings.credentials.close();
      void sequelize.credentials.close();
    }
  });
});
