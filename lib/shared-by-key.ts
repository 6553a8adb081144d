/** A reference to a shared value; `release()` is idempotent, and the last one disposes the value. */
export interface Lease<V> {
  readonly value: V;
  release(): void;
}

/**
 * Values shared process-wide by key and counted by reference: the first `lease` of a key creates
 * the value, the last `release` disposes it. One policy for the credentials caches, the SDK clients
 * and the AWS identities, so that none of them can outlive its last user or be disposed early.
 */
export class SharedByKey<V> {
  readonly #entries = new Map<string, { readonly value: V; refs: number }>();
  readonly #dispose: (value: V) => void;

  /** `dispose` frees what a value holds once nobody leases it any more. */
  constructor(dispose: (value: V) => void) {
    this.#dispose = dispose;
  }

  /** Takes a reference to the value of `key`, calling `create` on first use. */
  lease(key: string, create: () => V): Lease<V> {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { value: create(), refs: 0 };
      this.#entries.set(key, entry);
    }
    entry.refs++;
    const leased = entry;
    let released = false;
    return {
      value: leased.value,
      release: () => {
        if (released) return;
        released = true;
        leased.refs--;
        if (leased.refs === 0 && this.#entries.get(key) === leased) {
          this.#entries.delete(key);
          this.#dispose(leased.value);
        }
      },
    };
  }

  /** How many values are alive; for tests that check nothing is left behind. */
  get size(): number {
    return this.#entries.size;
  }
}
