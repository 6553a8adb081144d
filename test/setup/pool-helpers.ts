import type pg from 'pg';

/** Sleeps until `time` (plus `extraMs`); at once when it has passed or is unknown. */
export function sleepUntil(time: Date | undefined, extraMs = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, (time?.getTime() ?? Date.now()) - Date.now() + extraMs)));
}

/** Opens a new physical connection (a login), reads `current_user`, and destroys the connection. */
export async function freshConnectionUser(pool: pg.Pool): Promise<string> {
  const client = await pool.connect();
  try {
    return (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u;
  } finally {
    client.release(true);
  }
}
