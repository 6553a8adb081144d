import { GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import pg from 'pg';
import { createRedshiftPool, type RedshiftCredentials } from '../lib';
import type { BenchStand } from './stand';

/** The three ways to log in that users choose between. */
export type Variant = 'library' | 'naive' | 'static';

/** Every variant, baseline first. */
export const VARIANTS: readonly Variant[] = ['static', 'library', 'naive'];

/** pg-pool settings a phase chooses; login settings come from the variant. */
export type PoolSettings = Pick<pg.PoolConfig, 'max' | 'maxUses'>;

/** A pool of one variant, and what must be closed with it. */
export interface VariantPool {
  readonly pool: pg.Pool;
  /** The library's credentials engine (library variant only): stats and refresh events. */
  readonly credentials: RedshiftCredentials | undefined;
  close(): Promise<void>;
}

/** Builds the pool of `variant` against the bench stand. */
export function createVariantPool(variant: Variant, stand: BenchStand, settings: PoolSettings): VariantPool {
  const variantPool = buildPool(variant, stand, settings);
  // Without a listener, an idle client's error (e.g. the server going away) would end the bench.
  variantPool.pool.on('error', (error) => console.error(`${variant} pool: idle client error: ${error.message}`));
  return variantPool;
}

function buildPool(variant: Variant, stand: BenchStand, settings: PoolSettings): VariantPool {
  switch (variant) {
    case 'library': {
      const pool = createRedshiftPool({ ...stand.pg, ...settings, iam: stand.iam });
      return { pool, credentials: pool.credentials, close: () => pool.end() };
    }
    case 'naive':
      return naivePool(stand, settings);
    case 'static': {
      const pool = new pg.Pool({ ...stand.pg, ...settings, user: stand.staticLogin.user, password: stand.staticLogin.password });
      return { pool, credentials: undefined, close: () => pool.end() };
    }
  }
}

/**
 * The hand-written alternative: pg's `password` callback calls AWS on every connection. pg sends
 * the user before it asks for the password, so the user is fixed (`GetClusterCredentials` with
 * `AutoCreate` names it `IAMA:<DbUser>` up front).
 */
function naivePool(stand: BenchStand, settings: PoolSettings): VariantPool {
  const redshift = new RedshiftClient(stand.sdkConfig);
  const pool = new pg.Pool({
    ...stand.pg,
    ...settings,
    user: stand.naive.user,
    password: async () => {
      const output = await redshift.send(new GetClusterCredentialsCommand(stand.naive.request));
      if (output.DbPassword === undefined) throw new Error('GetClusterCredentials returned no password');
      return output.DbPassword;
    },
  });
  return {
    pool,
    credentials: undefined,
    close: async () => {
      await pool.end();
      redshift.destroy();
    },
  };
}
