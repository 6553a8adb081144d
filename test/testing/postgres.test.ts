import { Client } from 'pg';
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
});
