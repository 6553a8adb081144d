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
  /** The query ran on a backend that the simulated PostgreSQL restart terminated. */
  | 'terminated'
  /** AWS refused every attempt and no usable credentials were left. */
  | 'outage'
  /** Anything else: a violation. */
  | 'unexpected';

/** Reduces any thrown value to an {@link ErrorSummary}. */
export function summarizeError(error: unknown): ErrorSummary {
  if (isRedshiftIamError(error)) return { name: error.name, code: error.code, message: error.message, hint: error.hint };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' ? code : undefined, message: error.message, hint: undefined };
  }
  return { name: typeof error, code: undefined, message: String(error), hint: undefined };
}

// admin_shutdown, crash_shutdown, cannot_connect_now: what a server restart looks like to a session.
const TERMINATED_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const TERMINATED_MESSAGES = /Connection terminated|terminating connection|not queryable|ECONNRESET|EPIPE|socket hang up/i;

/** Whether the error is what pg reports when its backend goes away. */
export function isTerminatedBackend(error: ErrorSummary): boolean {
  return (error.code !== undefined && TERMINATED_SQLSTATES.has(error.code)) || TERMINATED_MESSAGES.test(error.message);
}

/** Whether the error is the clear RedshiftIamError the library promises when AWS cannot be reached. */
export function isClearAwsOutageError(error: ErrorSummary): boolean {
  return error.name === 'RedshiftIamError'
    && (error.code === 'AWS_UNAVAILABLE' || error.code === 'THROTTLED')
    && error.hint !== undefined && error.hint.length > 0 && error.message.includes(error.hint);
}
