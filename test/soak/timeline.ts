/** A span of local time in milliseconds. */
export interface Span {
  readonly from: number;
  readonly until: number;
}

/** How long after a simulated restart a query may still fail on a backend that was terminated. */
const RESTART_GRACE_MS = 1_000;
// The cache keeps a login margin of min(5 s, lifetime / 20) before expiry; this adds a little more,
// so that rounding here never calls a failure unexpected that the library had no way to avoid.
const VALIDITY_SLACK_MS = 50;

/**
 * What the soak knows happened, on the local clock: when the library held credentials that the
 * server would accept, when AWS was down, and when backends were terminated.
 */
export class Timeline {
  readonly #validity: { from: number; until: number }[] = [];
  readonly #outages: Span[] = [];
  readonly #restarts: Span[] = [];

  /** The library announced new credentials (its `refresh` event) at `at`. */
  credentialsRefreshed(at: number, expiresAt: number): void {
    const lifetime = Math.max(0, expiresAt - at);
    this.#validity.push({ from: at, until: expiresAt - Math.min(5_000, lifetime / 20) - VALIDITY_SLACK_MS });
  }

  /** The password was revoked at `at`: whatever the library holds stops working. */
  passwordRevoked(at: number): void {
    for (const span of this.#validity) if (span.until > at) span.until = Math.max(span.from, at);
  }

  /** AWS failed every request (an outage, or more failures in a row than the SDK retries). */
  awsDown(span: Span): void {
    this.#outages.push(span);
  }

  /** Every backend was terminated during `span` (the terminating query's start to its end). */
  backendsTerminated(span: Span): void {
    this.#restarts.push(span);
  }

  /** Whether the library held usable credentials during the whole span. */
  credentialsUsableThroughout(span: Span): boolean {
    return this.#validity.some((valid) => valid.from <= span.from && span.until <= valid.until);
  }

  /** Whether AWS was down at some moment of the span. */
  awsDownDuring(span: Span): boolean {
    return this.#outages.some((down) => down.from <= span.until && span.from <= down.until);
  }

  /** The start of the restart, if any, that a query running during `span` may have been hit by. */
  restartDuring(span: Span): number | undefined {
    return this.#restarts.find((restart) => span.from <= restart.until + RESTART_GRACE_MS && restart.from <= span.until)?.from;
  }
}
