/**
 * Watches everything the process writes to stdout and stderr for secrets, so that the demo can
 * prove it printed none. It only looks; the text goes out unchanged, so a leak stays visible.
 */
export class LeakGuard {
  readonly #sources: (() => readonly string[])[] = [];
  readonly #found = new Set<string>();
  /** The end of the previous chunk per stream: a secret may be split across two writes. */
  readonly #tails = new Map<NodeJS.WriteStream, string>();

  /** Adds secrets to look for; the function is called on every write, so lists may grow. */
  watch(secrets: () => readonly string[]): void {
    this.#sources.push(secrets);
  }

  /** Starts inspecting every write to `stream`. */
  install(stream: NodeJS.WriteStream): void {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    const inspected = (...args: unknown[]): boolean => {
      this.#inspect(stream, args[0]);
      return write(...args);
    };
    stream.write = inspected as typeof stream.write;
  }

  /** How many distinct secrets have appeared in the output so far. */
  get printed(): number {
    return this.#found.size;
  }

  /** How many distinct secrets are being looked for. */
  get watched(): number {
    return new Set(this.#secrets()).size;
  }

  #inspect(stream: NodeJS.WriteStream, chunk: unknown): void {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : '';
    const secrets = this.#secrets();
    const seen = (this.#tails.get(stream) ?? '') + text;
    for (const secret of secrets) {
      if (seen.includes(secret)) this.#found.add(secret);
    }
    const longest = secrets.reduce((max, secret) => Math.max(max, secret.length), 0);
    this.#tails.set(stream, seen.slice(Math.max(0, seen.length - longest + 1)));
  }

  #secrets(): string[] {
    // Empty strings would match everything; they are not secrets.
    return this.#sources.flatMap((source) => source()).filter((secret) => secret.length > 0);
  }
}
