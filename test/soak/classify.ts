import { isClearAwsOutageError, isTerminatedBackend, type FailureCategory, type QueryFailure } from './failures';
import type { Timeline } from './timeline';

/** A failure and the verdict on it. */
export interface ClassifiedFailure extends QueryFailure {
  readonly category: FailureCategory;
  /** Why it is acceptable, or what is wrong. */
  readonly reason: string;
}

/**
 * Judges one failure against what happened meanwhile. Acceptable are only: a query on a backend
 * that a restart terminated, and a clear AWS error while AWS was down and no usable credentials
 * were held. Everything else is a violation.
 */
export function classifyFailure(failure: QueryFailure, timeline: Timeline): ClassifiedFailure {
  const span = { from: failure.startedAt, until: failure.at };
  const { error } = failure;
  if (error.name === 'RedshiftIamError') {
    if (error.code !== 'AWS_UNAVAILABLE' && error.code !== 'THROTTLED') return { ...failure, category: 'unexpected', reason: `the library failed with ${error.code}` };
    if (!isClearAwsOutageError(error)) return { ...failure, category: 'unexpected', reason: 'the AWS error has no hint (error.hint)' };
    if (!timeline.awsDownDuring(span)) return { ...failure, category: 'unexpected', reason: 'AWS failed although it was not down (only transient faults, which SDK retries should absorb)' };
    if (timeline.credentialsUsableThroughout(span)) return { ...failure, category: 'unexpected', reason: 'AWS was down, but the library held usable credentials all along' };
    return { ...failure, category: 'outage', reason: 'AWS was down and the last credentials were no longer usable' };
  }
  if (isTerminatedBackend(error)) {
    const restart = timeline.restartDuring(span);
    return restart === undefined
      ? { ...failure, category: 'unexpected', reason: 'the connection broke, but no restart happened then' }
      : { ...failure, category: 'terminated', reason: 'its backend was terminated by a simulated restart' };
  }
  return { ...failure, category: 'unexpected', reason: 'no injected fault explains it' };
}
