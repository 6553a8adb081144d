import { Client as PgClient } from 'pg';
import { createRedshiftPool } from '../../lib';

// Under test/pg/pg-version.config.js this proves that the library really runs on the pg copy asked
// for; under the normal config, on the pg of node_modules.
it('the library builds its Client class on the pg copy the test run resolves', async () => {
  const { version } = jest.requireActual<{ version: string }>('pg/package.json');
  expect(version).toBe(process.env.PG_REDSHIFT_IAM_PG_VERSION ?? jest.requireActual<{ version: string }>(`${process.cwd()}/node_modules/pg/package.json`).version);
  const pool = createRedshiftPool({ host: '127.0.0.1', database: 'dev', iam: { clusterIdentifier: 'examplecluster', region: 'us-east-1' } });
  try {
    expect(Object.getPrototypeOf(pool.options.Client)).toBe(PgClient);
  } finally {
    await pool.end();
  }
});
