import {
  hasClearHint, isPoolConnectTimeout, isPoolQueueTimeout, isRefusedConnection, isRefusedLogin, isTerminatedBackend,
  type ErrorSummary, type FailureCategory, type QueryFailure,
} from './failures';
import type { Span, Timeline } from './timeline';

/** A failure and the verdict on it. */
export interface ClassifiedFailure extends QueryFailure {
  readonly category: FailureCategory;
  /** Why it is acceptable, or what is wrong. */
  readonly reason: string;
}

/** What the verdicts depend on besides the timeline. */
export interface ClassifyContext {
  /** The pool's `connectionTimeoutMillis`: a `CONNECT_ABORTED` is acceptable only once it has passed. */
  readonly connectionTimeoutMillis: number;
}

// A timer fires a little early by the wall clock now and then; a connect aborted this much before its
// timeout still counts as timed out.
const TIMER_SLACK_MS = 50;

type AwsCause = Extract<FailureCategory, 'stall' | 'outage' | 'restart'>;

// The library's codes each kind of AWS trouble may end in, once no usable credentials are left.
// A stall ends in the fetch deadline (AWS_UNAVAILABLE) or the connect's own timeout, never in THROTTLED.
const ACCEPTED_CODES: Readonly<Record<AwsCause, readonly string[]>> = {
  stall: ['AWS_UNAVAILABLE', 'CONNECT_ABORTED'],
  outage: ['AWS_UNAVAILABLE', 'THROTTLED', 'CONNECT_ABORTED'],
  // The emulator stores passwords in the PostgreSQL server, so it fails while the server restarts.
  restart: ['AWS_UNAVAILABLE', 'CONNECT_ABORTED'],
};

const CAUSE_REASONS: Readonly<Record<AwsCause, string>> = {
  stall: 'AWS answers stalled, the fetch gave up at its deadline and the last credentials were no longer usable',
  outage: 'AWS was down and the last credentials were no longer usable',
  restart: 'the PostgreSQL server that the emulator needs was restarting and the last credentials were no longer usable',
};

type Verdict = (category: FailureCategory, reason: string) => ClassifiedFailure;

/**
 * Judges one failure against what happened meanwhile. Acceptable are only: a query on a backend
 * that a restart ended, a login refused while the server was down for a restart, a login whose
 * password was revoked while it was under way, a clear library
 * error (right code, with a hint) while AWS was down or stalled and no usable credentials were
 * held, and pg-pool's own connect timeouts in that case once connectionTimeoutMillis had passed.
 * Everything else is a violation.
 */
export function classifyFailure(failure: QueryFailure, timeline: Timeline, context: ClassifyContext): ClassifiedFailure {
  return judge(failure.error, failure, timeline, context, (category, reason) => ({ ...failure, category, reason }));
}

function judge(error: ErrorSummary, failure: QueryFailure, timeline: Timeline, context: ClassifyContext, verdict: Verdict): ClassifiedFailure {
  const span = { from: failure.startedAt, until: failure.at };
  if (error.name === 'RedshiftIamError') return classifyLibraryError(error, failure, span, timeline, context, verdict);
  if (isPoolConnectTimeout(error)) {
    // pg-pool's timer fired first and destroyed the socket: the client's own error says what it was doing.
    if (error.cause === undefined) return verdict('unexpected', 'pg-pool timed a connect out and gave no cause');
    return judge(error.cause, failure, timeline, context, (category, reason) => verdict(category, `pg-pool timed the connect out: ${reason}`));
  }
  if (isPoolQueueTimeout(error)) return classifyQueueTimeout(failure, span, timeline, context, verdict);
  const restart = timeline.restartDuring(span);
  if (isRefusedConnection(error)) {
    return restart?.kind === 'server'
      ? verdict('restart', 'the server was down, stopping or starting for a restart')
      : verdict('unexpected', 'the server refused a connection, but it was not restarting then');
  }
  if (isTerminatedBackend(error)) {
    return restart === undefined
      ? verdict('unexpected', 'the connection broke, but no restart happened then')
      : verdict('terminated', restart.kind === 'server' ? 'its backend went away in a server restart' : 'its backend was terminated by a simulated restart');
  }
  if (isRefusedLogin(error) && timeline.revokedDuring(span)) {
    return verdict('revoked', 'its password was revoked during the login, after it was fetched for it (only cached credentials are retried)');
  }
  return verdict('unexpected', 'no injected fault explains it');
}

/** The kinds of AWS trouble (or of trouble for the emulator) at some moment of the span. */
function awsCauses(span: Span, timeline: Timeline): AwsCause[] {
  const causes: AwsCause[] = [];
  if (timeline.awsStalledDuring(span)) causes.push('stall');
  if (timeline.awsDownDuring(span)) causes.push('outage');
  if (timeline.restartDuring(span)?.kind === 'server') causes.push('restart');
  return causes;
}

function classifyLibraryError(
  error: ErrorSummary,
  failure: QueryFailure,
  span: Span,
  timeline: Timeline,
  context: ClassifyContext,
  verdict: Verdict,
): ClassifiedFailure {
  const causes = awsCauses(span, timeline);
  const cause = causes.find((candidate) => ACCEPTED_CODES[candidate].includes(error.code ?? ''));
  if (cause === undefined) {
    return causes.length === 0
      ? verdict('unexpected', `the library failed with ${error.code} although AWS was neither down nor stalled (only transient faults, which SDK retries should absorb)`)
      : verdict('unexpected', `the library failed with ${error.code}, which a ${causes.join(' or ')} should not cause`);
  }
  if (!hasClearHint(error)) return verdict('unexpected', `the ${error.code} error has no hint (error.hint)`);
  if (error.code === 'CONNECT_ABORTED' && failure.at - failure.startedAt < context.connectionTimeoutMillis - TIMER_SLACK_MS) {
    return verdict('unexpected', `CONNECT_ABORTED after ${failure.at - failure.startedAt} ms, before connectionTimeoutMillis (${context.connectionTimeoutMillis} ms) had passed`);
  }
  if (timeline.credentialsUsableThroughout(span)) return verdict('unexpected', `AWS was in trouble (${causes.join(', ')}), but the library held usable credentials all along`);
  return verdict(cause, CAUSE_REASONS[cause]);
}

/**
 * A request that waited for a free pool client: acceptable only when every client was busy
 * logging in while no credentials could be had, for the whole connectionTimeoutMillis.
 */
function classifyQueueTimeout(failure: QueryFailure, span: Span, timeline: Timeline, context: ClassifyContext, verdict: Verdict): ClassifiedFailure {
  const [cause] = awsCauses(span, timeline);
  if (cause === undefined) return verdict('unexpected', 'no pool client became free within connectionTimeoutMillis, although AWS was neither down nor stalled');
  if (failure.at - failure.startedAt < context.connectionTimeoutMillis - TIMER_SLACK_MS) {
    return verdict('unexpected', `pg-pool gave up waiting for a client after ${failure.at - failure.startedAt} ms, before connectionTimeoutMillis (${context.connectionTimeoutMillis} ms) had passed`);
  }
  if (timeline.credentialsUsableThroughout(span)) return verdict('unexpected', `no pool client became free although the library held usable credentials all along (${cause})`);
  return verdict(cause, `no pool client became free within connectionTimeoutMillis: ${CAUSE_REASONS[cause]}`);
}
