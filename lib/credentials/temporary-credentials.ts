import { inspect } from 'node:util';

/**
 * Temporary database credentials held in memory. The password lives in a private field behind a
 * getter, so `util.inspect` (even with `showHidden`) and `JSON.stringify` never show it.
 */
export class TemporaryCredentials {
  readonly #password: string;
  /** The database user to log in as, exactly as AWS returned it. */
  readonly user: string;
  /** When the password stops working, in the local clock (derived from AWS's `Expiration`). */
  readonly expiresAt: Date;
  /**
   * When a background refresh starts, in the local clock: a point drawn at random within the
   * refresh window, anew for every generation, so that processes given the same `Expiration` spread
   * their AWS calls.
   */
  readonly refreshAt: Date;
  /** When AWS answered, in the local clock. */
  readonly fetchedAt: Date;

  constructor(user: string, password: string, times: { expiresAt: number; refreshAt: number; fetchedAt: number }) {
    this.user = user;
    this.#password = password;
    this.expiresAt = new Date(times.expiresAt);
    this.refreshAt = new Date(times.refreshAt);
    this.fetchedAt = new Date(times.fetchedAt);
  }

  /** The temporary password. */
  get password(): string {
    return this.#password;
  }

  /** What `JSON.stringify` shows: everything but the password. */
  toJSON(): { user: string; expiresAt: string; refreshAt: string; fetchedAt: string } {
    return {
      user: this.user,
      expiresAt: this.expiresAt.toISOString(),
      refreshAt: this.refreshAt.toISOString(),
      fetchedAt: this.fetchedAt.toISOString(),
    };
  }

  /** What `util.inspect` shows: the user and expiry, with the password redacted. */
  [inspect.custom](): string {
    return `TemporaryCredentials { user: ${JSON.stringify(this.user)}, expiresAt: ${this.expiresAt.toISOString()}, password: [redacted] }`;
  }
}
