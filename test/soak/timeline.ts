/** A span of local time in milliseconds. */
export interface Span {
  readonly from: number;
  readonly until: number;
}

/** How a PostgreSQL restart reached the sessions: only they were terminated, or the server itself went away. */
export type RestartKind = 'terminated' | 'server';

/** A restart and when it happened. */
export interface Restart extends Span {
  readonly kind: RestartKind;
}

/** How long after a restart a query may still fail on a backend that went away. */
const RESTART_GRACE_MS = 1_000;
// The cache keeps a login margin of min(5 s, lifetime / 20) before expiry; this adds a little more,
// so that rounding here never calls a failure unexpected that the library had no way to avoid.
const VALIDITY_SLACK_MS = 50;

/**
 * What the soak knows happened, on the local clock: when the library held credentials that the
 * server would accept, when AWS was down or stalled, and when PostgreSQL restarted.
 */
export class Timeline {
  readonly #validity: { from: number; until: number }[] = [];
  readonly #outages: Span[] = [];
  readonly #stalls: Span[] = [];
  readonly #restarts: Restart[] = [];
  readonly #revokes: number[] = [];

  /** The library announced new credentials (its `refresh` event) at `at`. */
  credentialsRefreshed(at: number, expiresAt: number): void {
    const lifetime = Math.max(0, expiresAt - at);
    this.#validity.push({ from: at, until: expiresAt - Math.min(5_000, lifetime / 20) - VALIDITY_SLACK_MS });
  }

  /** The password was revoked at `at`: whatever the library holds stops working. */
  passwordRevoked(at: number): void {
    this.#revokes.push(at);
    for (const span of this.#validity) if (span.until > at) span.until = Math.max(span.from, at);
  }

  /** AWS failed every request (an outage, or more failures in a row than the SDK retries). */
  awsDown(span: Span): void {
    this.#outages.push(span);
  }

  /**
   * AWS answers stalled after their headers: `span` runs from the first stalled request to the
   * moment the last one's fetch must have given up (the stall's end plus the fetch deadline).
   */
  awsStalled(span: Span): void {
    this.#stalls.push(span);
  }

  /** PostgreSQL sessions went away during `span`: from the fault's start to the server taking logins again. */
  restarted(kind: RestartKind, span: Span): void {
    this.#restarts.push({ kind, ...span });
  }

  /** Whether the library held usable credentials during the whole span. */
  credentialsUsableThroughout(span: Span): boolean {
    return this.#validity.some((valid) => valid.from <= span.from && span.until <= valid.until);
  }

  /** Whether AWS was down at some moment of the span. */
  awsDownDuring(span: Span): boolean {
    return this.#outages.some((down) => overlaps(down, span));
  }

  /** Whether an AWS answer may have been stalled at some moment of the span. */
  awsStalledDuring(span: Span): boolean {
    return this.#stalls.some((stall) => overlaps(stall, span));
  }

  /** Whether a password was revoked at some moment of the span. */
  revokedDuring(span: Span): boolean {
    return this.#revokes.some((at) => span.from <= at && at <= span.until);
  }

  /** The restart, if any, that a query running during `span` may have been hit by. */
  restartDuring(span: Span): Restart | undefined {
    return this.#restarts.find((restart) => overlaps({ from: restart.from, until: restart.until + RESTART_GRACE_MS }, span));
  }
}

function overlaps(a: Span, b: Span): boolean {
  return a.from <= b.until && b.from <= a.until;
}
