import { randomBytes } from 'node:crypto';
import { debuglog } from 'node:util';
import { escapeIdentifier, escapeLiteral, Pool, type PoolClient } from 'pg';
import type { EmulatorPostgresSettings } from './types';

const debug = debuglog('pg-redshift-iam:emulator');

/** What one issuance must make true on the PostgreSQL server. */
export interface RoleGrant {
  /** The login role, e.g. `IAM:alice`. */
  readonly dbUser: string;
  /** Databases the role may connect to and create tables in (schema `public`). */
  readonly databases: readonly string[];
  /** Group roles (created `NOLOGIN` when missing) the role becomes a member of. */
  readonly groups: readonly string[];
  /** Real-clock instant until which the issued password must work. */
  readonly validUntil: Date;
  /**
   * False when the database user does not exist and may not be created (`AutoCreate` false): a
   * password is still handed out, as AWS does, but no role gets it, so the login fails.
   */
  readonly createRole: boolean;
}

/** The password handed out and until when (real clock) the role accepts it. */
export interface IssuedPassword {
  readonly password: string;
  readonly validUntil: Date;
}

/**
 * Keeps PostgreSQL login roles in step with the temporary passwords handed out.
 *
 * Redshift keeps every temporary password valid until its own expiry, but a PostgreSQL role has a
 * single password. So while the current password is still valid it is handed out again, and
 * `VALID UNTIL` moves to the later of the two expiries: every password the caller holds keeps
 * working at least as long as Redshift promised.
 */
export class RoleManager {
  private readonly pools = new Map<string, Pool>();
  private readonly current = new Map<string, IssuedPassword>();
  private readonly granted = new Map<string, Set<string>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly issued: string[] = [];
  /** Each admin connection's socket close, pending until it happened. */
  private readonly socketsClosed = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly settings: EmulatorPostgresSettings) {}

  /** Hands out a password for `grant.dbUser` and makes the role accept it until `grant.validUntil`. */
  issue(grant: RoleGrant): Promise<IssuedPassword> {
    if (!grant.createRole) {
      const password = newPassword();
      this.issued.push(password);
      return Promise.resolve({ password, validUntil: grant.validUntil });
    }
    return this.serialize(grant.dbUser, async () => {
      const previous = this.current.get(grant.dbUser);
      const reuse = previous !== undefined && previous.validUntil.getTime() > Date.now();
      const password = reuse ? previous.password : newPassword();
      const validUntil = reuse && previous.validUntil > grant.validUntil ? previous.validUntil : grant.validUntil;
      await this.apply(grant, { value: password, changed: !reuse }, validUntil);
      this.current.set(grant.dbUser, { password, validUntil });
      if (!reuse) this.issued.push(password);
      debug('%s the password of %s, valid until %s', reuse ? 'handed out again' : 'issued', grant.dbUser, validUntil.toISOString());
      return { password, validUntil };
    });
  }

  /** Makes the current password of `dbUser` fail at once and forgets it; open sessions are not touched. */
  revoke(dbUser: string): Promise<void> {
    return this.serialize(dbUser, async () => {
      this.current.delete(dbUser);
      await this.transaction(this.settings.database, async (client) => {
        if (await roleExists(client, dbUser)) await client.query(`ALTER ROLE ${escapeIdentifier(dbUser)} PASSWORD NULL`);
      });
      debug('revoked the password of %s', dbUser);
    });
  }

  /** The subset of `databases` that does not exist on the server. */
  async missingDatabases(databases: readonly string[]): Promise<string[]> {
    const { rows } = await this.pool(this.settings.database).query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = ANY($1::text[])',
      [databases],
    );
    const existing = new Set(rows.map((row) => row.datname));
    return databases.filter((name) => !existing.has(name));
  }

  /** Every password handed out, in order. */
  issuedPasswords(): readonly string[] {
    return [...this.issued];
  }

  /**
   * Waits for pending role changes, then ends every connection and waits until their sockets have
   * closed; later calls fail. pg-pool's `end()` resolves as soon as it has *asked* its clients to
   * end, while their sockets are still open, so it alone would leave handles behind.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.queues.values()]);
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.end()));
    await Promise.all([...this.socketsClosed]);
  }

  /** Sets the role up; an unchanged password (handed out again) is only written when the role must be created. */
  private async apply(grant: RoleGrant, password: { value: string; changed: boolean }, validUntil: Date): Promise<void> {
    const role = escapeIdentifier(grant.dbUser);
    const until = `VALID UNTIL ${escapeLiteral(validUntil.toISOString())}`;
    const admin = this.settings.database;
    await this.transaction(admin, async (client) => {
      const { rows } = await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1::text[])', [
        [grant.dbUser, ...grant.groups],
      ]);
      const existing = new Set(rows.map((row) => row.rolname));
      for (const group of grant.groups) {
        if (!existing.has(group)) await client.query(`CREATE ROLE ${escapeIdentifier(group)} NOLOGIN`);
      }
      if (!existing.has(grant.dbUser)) {
        // A new role (or one dropped behind our back): no earlier grant of ours applies to it.
        this.granted.delete(grant.dbUser);
        await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${escapeLiteral(password.value)} ${until}`);
      } else if (password.changed) {
        await client.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD ${escapeLiteral(password.value)} ${until}`);
      } else {
        await client.query(`ALTER ROLE ${role} ${until}`);
      }
      for (const database of grant.databases) {
        if (this.markGranted(grant.dbUser, `connect:${database}`)) {
          await client.query(`GRANT CONNECT ON DATABASE ${escapeIdentifier(database)} TO ${role}`);
        }
      }
      for (const group of grant.groups) {
        if (this.markGranted(grant.dbUser, `member:${group}`)) await client.query(`GRANT ${escapeIdentifier(group)} TO ${role}`);
      }
      if (grant.databases.includes(admin)) await this.grantSchema(client, grant.dbUser, admin);
    });
    for (const database of grant.databases) {
      if (database !== admin) await this.transaction(database, (client) => this.grantSchema(client, grant.dbUser, database));
    }
  }

  private async grantSchema(client: PoolClient, dbUser: string, database: string): Promise<void> {
    if (this.markGranted(dbUser, `schema:${database}`)) {
      await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${escapeIdentifier(dbUser)}`);
    }
  }

  /** Records a grant as done; false when it was already. A failed transaction may leave a false record, see {@link transaction}. */
  private markGranted(dbUser: string, what: string): boolean {
    let done = this.granted.get(dbUser);
    if (!done) this.granted.set(dbUser, (done = new Set()));
    if (done.has(what)) return false;
    done.add(what);
    return true;
  }

  /**
   * Runs `work` in a transaction that holds an advisory lock. Concurrent GRANTs on one database or
   * schema, or ALTERs of one role, fail with "tuple concurrently updated" in PostgreSQL, also across
   * emulators in other processes that share the server; the lock (per database) serializes them.
   */
  private async transaction(database: string, work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool(database).connect();
    // A checked-out client has no pool listener: a server restart between two queries would
    // otherwise be an unhandled 'error' event that ends the process. The query under way fails anyway.
    const onError = (error: Error) => debug('admin connection to %s failed in a transaction: %s', database, error.message);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('pg-redshift-iam emulator ddl'))`);
      await work(client);
      await client.query('COMMIT');
      client.off('error', onError);
      client.release();
    } catch (error) {
      // The grant records may now claim grants that were rolled back; forget them all to be safe.
      this.granted.clear();
      await client.query('ROLLBACK').catch(() => undefined);
      client.off('error', onError);
      client.release(true);
      throw error;
    }
  }

  /** Runs `work` after every earlier piece of work for `dbUser`, whatever its outcome. */
  private serialize<T>(dbUser: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(dbUser) ?? Promise.resolve()).then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(dbUser, settled);
    void settled.then(() => {
      if (this.queues.get(dbUser) === settled) this.queues.delete(dbUser);
    });
    return run;
  }

  private pool(database: string): Pool {
    // A pool made after close() would never be ended and keep the process alive.
    if (this.closed) throw new Error('The Redshift emulator is closed.');
    let pool = this.pools.get(database);
    if (!pool) {
      const { host, port, user, password } = this.settings;
      pool = new Pool({ host, port, user, password, database, max: database === this.settings.database ? 4 : 2 });
      // An idle connection that the server drops must not crash the test process.
      pool.on('error', (error) => debug('idle admin connection to %s failed: %s', database, error.message));
      // pg emits a client's 'end' when its socket has closed (also after an error).
      pool.on('connect', (client) => {
        const closed = new Promise<void>((resolve) => client.once('end', () => resolve()));
        this.socketsClosed.add(closed);
        void closed.then(() => this.socketsClosed.delete(closed));
      });
      this.pools.set(database, pool);
    }
    return pool;
  }
}

async function roleExists(client: PoolClient, name: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  return (rowCount ?? 0) > 0;
}

/** A temporary password shaped like Redshift's: long, base64 alphabet including `+` and `/`. */
function newPassword(): string {
  return `AMA${randomBytes(48).toString('base64')}`;
}
