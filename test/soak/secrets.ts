import { inspect } from 'node:util';

/** Where a secret turned up; never the secret or the text itself. */
export interface LeakFinding {
  /** What produced the text, e.g. `stderr` or `inspect(pool)`. */
  readonly source: string;
  /** Which secret, e.g. `issued password #3`. */
  readonly secret: string;
}

/** A named secret to look for. */
export interface Secret {
  readonly label: string;
  readonly value: string;
}

/**
 * Looks for secrets in every text the run produces. Texts are scanned as they appear and then
 * dropped: a leak can only appear after its secret was issued, and keeping texts would grow the heap.
 */
export class LeakScanner {
  readonly findings: LeakFinding[] = [];
  #texts = 0;
  #bytes = 0;
  readonly #sources = new Map<string, number>();

  /** `secrets` is asked anew for each text, as passwords keep being issued during the run. */
  constructor(private readonly secrets: () => readonly Secret[]) {}

  /** Scans one text. */
  scan(source: string, text: string): void {
    this.#texts++;
    this.#bytes += text.length;
    this.#sources.set(source, (this.#sources.get(source) ?? 0) + 1);
    for (const secret of this.secrets()) {
      if (secret.value.length > 0 && text.includes(secret.value)) this.findings.push({ source, secret: secret.label });
    }
  }

  /** Scans what people print: `util.inspect` (as console.log shows it), with hidden fields too, and JSON. */
  scanValue(source: string, value: unknown, options: { showHidden?: boolean } = {}): void {
    this.scan(`inspect(${source})`, inspect(value, { depth: 10 }));
    if (options.showHidden) this.scan(`inspect(${source}, showHidden)`, inspect(value, { depth: 10, showHidden: true }));
    this.scan(`JSON.stringify(${source})`, safeJson(value));
  }

  /**
   * Scans an error as loggers print it: message, stack, inspect with causes, JSON. The library's
   * own errors are also inspected with hidden fields; pg's are not, because pg-pool attaches the
   * pg Client to idle-client errors, and pg keeps the password there as a hidden field (see
   * SECURITY.md).
   */
  scanError(source: string, error: unknown): void {
    if (error instanceof Error) {
      this.scan(`${source}.message`, error.message);
      this.scan(`${source}.stack`, error.stack ?? '');
    }
    this.scan(`String(${source})`, String(error));
    this.scanValue(source, error, { showHidden: true });
  }

  /** How much was scanned. */
  totals(): { texts: number; bytes: number; sources: Record<string, number> } {
    return { texts: this.#texts, bytes: this.#bytes, sources: Object.fromEntries(this.#sources) };
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    // Circular structures (a pool) cannot be stringified; that is no leak.
    return `[unserializable: ${(error as Error).message}]`;
  }
}

/** Whether `NODE_DEBUG` lines of the library are written in this process. */
export const DEBUG_SECTION = 'pg-redshift-iam';

/**
 * Routes everything written to a stream through `onText` first. `forward` decides whether the text
 * still reaches the terminal (debug lines are many). Returns a function that restores the stream.
 */
export function interceptWrites(stream: NodeJS.WriteStream, onText: (text: string) => void, forward: (text: string) => boolean): () => void {
  const original = stream.write;
  const write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
    onText(text);
    if (!forward(text)) {
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      callback?.();
      return true;
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  };
  stream.write = write as typeof stream.write;
  return () => {
    stream.write = original;
  };
}

/** Whether a text written to stderr is one of the library's `NODE_DEBUG` lines. */
export function isDebugLine(text: string): boolean {
  return text.startsWith(`${DEBUG_SECTION.toUpperCase()} `);
}
