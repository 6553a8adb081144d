import { dirname } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { createRedshiftPool, redshiftPoolConfig } from '../../lib';
import { useStandIn } from '../setup/stand-in';

const NAME = 'pg-copies';
const DB_USER = `IAM:${NAME}-user`;

const standIn = useStandIn(NAME);

/** The pg module that `packageEntry` itself gets when it requires 'pg'. */
function pgSeenBy(packageEntry: string): typeof pg {
  return jest.requireActual<typeof pg>(require.resolve('pg', { paths: [dirname(require.resolve(packageEntry))] }));
}

/** What the adapter keeps; the fields are private in its types. */
function adapterState(adapter: PrismaPg): { externalPool: pg.Pool | null; config: pg.PoolConfig } {
  return adapter as unknown as { externalPool: pg.Pool | null; config: pg.PoolConfig };
}

it('with one copy of pg, a Redshift pool is the pg.Pool that @prisma/adapter-pg and drizzle resolve', async () => {
  const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
  try {
    for (const entry of ['@prisma/adapter-pg', 'drizzle-orm/node-postgres']) {
      expect(pool).toBeInstanceOf(pgSeenBy(entry).Pool);
    }
    // So the adapter takes the pool as a pool, not as settings for one of its own.
    expect(adapterState(new PrismaPg(pool)).externalPool).toBe(pool);
  } finally {
    await pool.end();
  }
});

it('with a second copy of pg, redshiftPoolConfig with that copy\'s Client is the escape hatch', async () => {
  // A registry of its own loads a second, separate copy of pg and of the adapter, as a nested
  // node_modules/pg would.
  let otherPg: typeof pg | undefined;
  let OtherPrismaPg: typeof PrismaPg | undefined;
  jest.isolateModules(() => {
    otherPg = jest.requireActual<typeof pg>('pg');
    OtherPrismaPg = jest.requireActual<{ PrismaPg: typeof PrismaPg }>('@prisma/adapter-pg').PrismaPg;
  });
  if (otherPg === undefined || OtherPrismaPg === undefined) throw new Error('isolateModules did not run');

  const pool = createRedshiftPool({ ...standIn.pg, iam: standIn.iam });
  try {
    expect(pool).not.toBeInstanceOf(otherPg.Pool);
    // The pitfall: that adapter mistakes the pool for settings.
    expect(adapterState(new OtherPrismaPg(pool)).externalPool).toBeNull();
  } finally {
    await pool.end();
  }

  // The escape hatch: plain settings whose Client extends the other copy's Client.
  const options = redshiftPoolConfig({ ...standIn.pg, iam: standIn.iam, Client: otherPg.Client });
  const adapter = await new OtherPrismaPg(options).connect();
  try {
    const otherPool = adapter.underlyingDriver() as pg.Pool;
    expect(otherPool).toBeInstanceOf(otherPg.Pool);
    const result = await adapter.queryRaw({ sql: 'SELECT current_user AS "user"', args: [], argTypes: [] });
    expect(result.rows).toEqual([[DB_USER]]);
  } finally {
    await adapter.dispose();
    await options.credentials.close();
  }
});
