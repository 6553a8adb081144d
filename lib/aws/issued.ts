import type { IssuedCredentials } from './types';

/** Checks that AWS answered with everything a login needs. */
export function issued(
  user: string | undefined,
  password: string | undefined,
  expiration: Date | undefined,
  serverDate: Date | undefined,
  attempts: number | undefined,
): IssuedCredentials {
  if (!user || !password || !(expiration instanceof Date) || Number.isNaN(expiration.getTime())) {
    throw new Error('AWS answered without DbUser, DbPassword or Expiration');
  }
  const credentials = { user, expiration, serverDate, attempts: attempts ?? 1 } as IssuedCredentials;
  Object.defineProperty(credentials, 'password', { value: password, enumerable: false });
  return credentials;
}
