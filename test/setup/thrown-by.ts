/** What `call` throws, or `undefined` when it returns: for asserting on synchronous validation. */
export function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}
