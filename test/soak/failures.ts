import { isRedshiftIamError } from '../../lib';

/** What the workload ran. */
export type Operation = 'select' | 'insert' | 'sleep';

/** An error reduced to what the report shows. Never holds the error itself (heap stays flat). */
export interface ErrorSummary {
  /** `RedshiftIamError`, `error` (pg's DatabaseError) or the error's name. */
  readonly name: string;
  /** RedshiftIamError code, SQLSTATE or Node error code. */
  readonly code: string | undefined;
  readonly message: string;
  /** RedshiftIamError only. */
  readonly hint: string | undefined;
  /** The error's `cause`, one level deep: pg-pool wraps the library's error when its own timer fired first. */
  readonly cause?: ErrorSummary;
}

/** A query that failed. */
export interface QueryFailure {
  readonly operation: Operation;
  readonly startedAt: number;
  readonly at: number;
  readonly error: ErrorSummary;
}

/** Why a failure is acceptable, or that it is not. */
export type FailureCategory =
  /** The query ran on a backend that a PostgreSQL restart (real or simulated) ended. */
  | 'terminated'
  /** The server was down for a real restart: the login was refused, or the emulator (which needs it) failed. */
  | 'restart'
  /** AWS refused every attempt and no usable credentials were left. */
  | 'outage'
  /** AWS answers stalled after their headers, the fetch deadline ran out and no usable credentials were left. */
  | 'stall'
  /**
   * The password was revoked while the login was under way: credentials fetched for this very login
   * (or for its one retry) that the revoke hit before the server checked them. The library retries a
   * refused login once, and only with cached credentials (docs/refresh.md): fresh ones refused are
   * not fetched again. A login that starts after the revoke must succeed.
   */
  | 'revoked'
  /** Anything else: a violation. */
  | 'unexpected';

/** Reduces any thrown value to an {@link ErrorSummary}. */
export function summarizeError(error: unknown, depth = 0): ErrorSummary {
  if (isRedshiftIamError(error)) return { name: error.name, code: error.code, message: error.message, hint: error.hint };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const summary = { name: error.name, code: typeof code === 'string' ? code : undefined, message: error.message, hint: undefined };
    return depth === 0 && error.cause instanceof Error ? { ...summary, cause: summarizeError(error.cause, depth + 1) } : summary;
  }
  return { name: typeof error, code: undefined, message: String(error), hint: undefined };
}

// pg-pool's own errors when its connectionTimeoutMillis passes: for a client that was connecting
// (it destroys the socket and wraps the client's error), and for a request waiting for a free client.
const POOL_CONNECT_TIMEOUT = 'Connection terminated due to connection timeout';
const POOL_QUEUE_TIMEOUT = 'timeout exceeded when trying to connect';

/** Whether pg-pool ended a connecting client at its connectionTimeoutMillis (the client's error is the cause). */
export function isPoolConnectTimeout(error: ErrorSummary): boolean {
  return error.name === 'Error' && error.message === POOL_CONNECT_TIMEOUT;
}

/** Whether a request waited connectionTimeoutMillis in pg-pool for a client and got none. */
export function isPoolQueueTimeout(error: ErrorSummary): boolean {
  return error.name === 'Error' && error.message === POOL_QUEUE_TIMEOUT;
}

// admin_shutdown, crash_shutdown, cannot_connect_now: what a server restart looks like to a session.
const TERMINATED_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const TERMINATED_MESSAGES = /Connection terminated|terminating connection|not queryable|ECONNRESET|EPIPE|socket hang up/i;
// While the server is stopped nobody listens on its port; while it stops or starts it says so (57P03).
const REFUSED_CODES = new Set(['ECONNREFUSED', '57P03']);

/** Whether the error is what pg reports when its backend goes away. */
export function isTerminatedBackend(error: ErrorSummary): boolean {
  return (error.code !== undefined && TERMINATED_SQLSTATES.has(error.code)) || TERMINATED_MESSAGES.test(error.message);
}

/** Whether the error is what pg reports when it cannot log in because the server is down, stopping or starting. */
export function isRefusedConnection(error: ErrorSummary): boolean {
  return error.code !== undefined && REFUSED_CODES.has(error.code);
}

// invalid_password, invalid_authorization_specification: the server refused the user or password.
const REFUSED_LOGIN_SQLSTATES = new Set(['28P01', '28000']);

/** Whether the server refused the login's user or password. */
export function isRefusedLogin(error: ErrorSummary): boolean {
  return error.code !== undefined && REFUSED_LOGIN_SQLSTATES.has(error.code);
}

/** Whether the error is a RedshiftIamError with a hint that its message repeats, as the library promises for AWS failures. */
export function hasClearHint(error: ErrorSummary): boolean {
  return error.name === 'RedshiftIamError' && error.hint !== undefined && error.hint.length > 0 && error.message.includes(error.hint);
}
