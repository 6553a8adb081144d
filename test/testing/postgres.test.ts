import { Client } from 'pg';
import { startTestPostgres, TestPostgresError } from '../../lib/testing';
import { testPostgres } from '../setup/test-postgres';

describe('test PostgreSQL server', () => {
  const server = testPostgres();

  it('accepts the superuser and enforces scram-sha-256 passwords', async () => {
    const admin = new Client(server);
    await admin.connect();
    try {
      const { rows } = await admin.query<{ encryption: string; superuser: boolean }>(
        `SELECT current_setting('password_encryption') AS encryption,
                (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
      );
      expect(rows[0]).toEqual({ encryption: 'scram-sha-256', superuser: true });
    } finally {
      await admin.end();
    }
    const intruder = new Client({ ...server, password: 'not-the-password' });
    await expect(intruder.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('adopts an existing server from a superuser URL, and stop() leaves it running', async () => {
    const url = `postgres://${server.user}:${encodeURIComponent(server.password)}@${server.host}:${server.port}/${server.database}`;
    const adopted = await startTestPostgres({ url });
    expect(adopted).toMatchObject({ provider: 'url', host: server.host, port: server.port, database: server.database });
    expect(JSON.stringify(adopted)).not.toContain(server.password);
    await adopted.stop();
    const admin = new Client(server);
    await admin.connect();
    await admin.end();
  });

  it('refuses a URL whose user is not a superuser', async () => {
    const admin = new Client(server);
    await admin.connect();
    try {
      await admin.query(`DROP ROLE IF EXISTS kit_plain`);
      await admin.query(`CREATE ROLE kit_plain LOGIN PASSWORD 'kit-plain-pw'`);
      await expect(startTestPostgres({ url: `postgres://kit_plain:kit-plain-pw@${server.host}:${server.port}/${server.database}` }))
        .rejects.toThrow(/must name a superuser/);
    } finally {
      await admin.query(`DROP ROLE IF EXISTS kit_plain`);
      await admin.end();
    }
  });

  it('says what to fix for an unknown TEST_PG value', async () => {
    const previous = process.env.TEST_PG;
    process.env.TEST_PG = 'docker';
    try {
      await expect(startTestPostgres()).rejects.toThrow(new TestPostgresError('TEST_PG=docker is not known: use "embedded" (default) or "testcontainers", or set TEST_PG_URL.'));
    } finally {
      if (previous === undefined) delete process.env.TEST_PG;
      else process.env.TEST_PG = previous;
    }
  });

  it('reports a missing Docker engine clearly for TEST_PG=testcontainers', async () => {
    const error = await startTestPostgres({ provider: 'testcontainers' }).then(
      async (started) => {
        // A machine with a Docker engine really starts a container: that is the provider working.
        await started.stop();
        return undefined;
      },
      (e: unknown) => e,
    );
    if (error !== undefined) {
      expect(error).toBeInstanceOf(TestPostgresError);
      expect((error as Error).message).toMatch(/testcontainers could not start PostgreSQL \(is a Docker engine reachable\?\)/);
    }
  });
});
