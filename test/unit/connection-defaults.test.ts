import { connectionDefaults } from '../../lib/pg/connection-defaults';
import { RedshiftIamError } from '../../lib/errors';
import { thrownBy } from '../setup/thrown-by';

const CLUSTER = 'examplecluster.abc123.us-west-2.redshift.amazonaws.com';

describe('connectionDefaults', () => {
  it('gives Redshift endpoints port 5439 and verified TLS', () => {
    expect(connectionDefaults({ host: CLUSTER, database: 'dev' }, undefined, {})).toEqual({
      host: CLUSTER, port: 5439, database: 'dev', ssl: { rejectUnauthorized: true },
    });
  });

  it('treats a custom domain as Redshift too', () => {
    expect(connectionDefaults({ host: 'db.example.com', database: 'dev' }, { customDomainName: 'db.example.com' }, {})).toMatchObject({
      port: 5439, ssl: { rejectUnauthorized: true },
    });
  });

  it("keeps pg's defaults for other hosts, and the user's explicit choices everywhere", () => {
    expect(connectionDefaults({ host: 'localhost', database: 'dev' }, undefined, {})).toEqual({ host: 'localhost', port: undefined, database: 'dev', ssl: undefined });
    expect(connectionDefaults({ host: CLUSTER, database: 'dev', port: 15439, ssl: false }, undefined, {})).toMatchObject({ port: 15439, ssl: false });
  });

  it('reads PGHOST, PGDATABASE, PGPORT and PGSSLMODE like pg does', () => {
    expect(connectionDefaults({}, undefined, { PGHOST: CLUSTER, PGDATABASE: 'analytics', PGPORT: '6000', PGSSLMODE: 'require' })).toEqual({
      host: CLUSTER, port: undefined, database: 'analytics', ssl: undefined,
    });
  });

  it('reads host, port and database from a connection string', () => {
    expect(connectionDefaults({ connectionString: `postgres://${CLUSTER}:5439/dev` }, undefined, {})).toMatchObject({ host: CLUSTER, port: 5439, database: 'dev' });
  });

  it.each([
    ['user', { user: 'admin', database: 'dev' }],
    ['password', { password: 'x', database: 'dev' }],
    ['connectionString', { connectionString: 'postgres://admin:secret@localhost/dev' }],
    ['connectionString', { connectionString: 'not a url' }],
    ['database', { host: CLUSTER }],
  ])('rejects a bad %s with INVALID_OPTION', (option, config) => {
    const thrown = thrownBy(() => connectionDefaults(config, undefined, {}));
    expect(thrown).toBeInstanceOf(RedshiftIamError);
    expect(thrown).toMatchObject({ code: 'INVALID_OPTION', option });
    expect(String((thrown as Error).message)).not.toContain('secret');
  });
});
