import type { RedshiftIamError } from '../../lib';

/** What `call` throws, or `undefined` when it returns: for asserting on synchronous validation. */
export function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** What `promise` rejects with; fails the test when it resolves. */
export async function rejection<E = RedshiftIamError>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a rejection');
}
