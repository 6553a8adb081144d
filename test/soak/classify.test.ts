import { classifyFailure } from './classify';
import type { ErrorSummary, QueryFailure } from './failures';
import { Timeline } from './timeline';

// The soak's verdicts on failures, against a hand-made timeline (local clock in ms from 0):
// credentials usable 0..1000, AWS stalled 2000..3000, AWS down 5000..6000, server restart 8000..9000,
// backends terminated 11000..11100.
const CONNECTION_TIMEOUT = 500;
const context = { connectionTimeoutMillis: CONNECTION_TIMEOUT };

function timeline(): Timeline {
  const line = new Timeline();
  line.credentialsRefreshed(0, 1_100);
  line.awsStalled({ from: 2_000, until: 3_000 });
  line.awsDown({ from: 5_000, until: 6_000 });
  line.restarted('server', { from: 8_000, until: 9_000 });
  line.restarted('terminated', { from: 11_000, until: 11_100 });
  return line;
}

const HINT = 'The Redshift API did not answer successfully; connections resume once it does.';

function library(code: string, hint: string | null = HINT): ErrorSummary {
  return { name: 'RedshiftIamError', code, message: hint === null ? 'It failed.' : `It failed. ${hint}`, hint: hint ?? undefined };
}

function plain(message: string, code?: string, cause?: ErrorSummary): ErrorSummary {
  return { name: 'Error', code, message, hint: undefined, ...(cause ? { cause } : {}) };
}

function failed(error: ErrorSummary, startedAt: number, at: number): QueryFailure {
  return { operation: 'select', startedAt, at, error };
}

function verdict(error: ErrorSummary, startedAt: number, at: number) {
  const { category, reason } = classifyFailure(failed(error, startedAt, at), timeline(), context);
  return { category, reason };
}

describe('during a stall', () => {
  it('accepts AWS_UNAVAILABLE (the fetch deadline) and a CONNECT_ABORTED after connectionTimeoutMillis, each with a hint', () => {
    expect(verdict(library('AWS_UNAVAILABLE'), 2_100, 2_400).category).toBe('stall');
    expect(verdict(library('CONNECT_ABORTED'), 2_100, 2_100 + CONNECTION_TIMEOUT).category).toBe('stall');
  });

  it('rejects the same codes without a hint, THROTTLED, and a CONNECT_ABORTED before the timeout', () => {
    expect(verdict(library('AWS_UNAVAILABLE', null), 2_100, 2_400)).toEqual({ category: 'unexpected', reason: 'the AWS_UNAVAILABLE error has no hint (error.hint)' });
    expect(verdict(library('THROTTLED'), 2_100, 2_400).reason).toMatch(/THROTTLED, which a stall should not cause/);
    expect(verdict(library('CONNECT_ABORTED'), 2_100, 2_200).reason).toMatch(/before connectionTimeoutMillis/);
  });

  it('judges pg-pool\'s connect timeout by the library error it wraps', () => {
    const wrapped = plain('Connection terminated due to connection timeout', undefined, library('CONNECT_ABORTED'));
    expect(verdict(wrapped, 2_100, 2_100 + CONNECTION_TIMEOUT).category).toBe('stall');
    const unhinted = plain('Connection terminated due to connection timeout', undefined, library('CONNECT_ABORTED', null));
    expect(verdict(unhinted, 2_100, 2_100 + CONNECTION_TIMEOUT)).toEqual({
      category: 'unexpected',
      reason: 'pg-pool timed the connect out: the CONNECT_ABORTED error has no hint (error.hint)',
    });
  });

  it('accepts pg-pool\'s queue timeout only once connectionTimeoutMillis has passed', () => {
    const queued = plain('timeout exceeded when trying to connect');
    expect(verdict(queued, 2_100, 2_100 + CONNECTION_TIMEOUT).category).toBe('stall');
    expect(verdict(queued, 2_100, 2_200).category).toBe('unexpected');
  });
});

it('accepts THROTTLED in an outage, but no AWS error while usable credentials were held or when AWS was fine', () => {
  expect(verdict(library('THROTTLED'), 5_100, 5_200).category).toBe('outage');
  expect(verdict(library('AWS_UNAVAILABLE'), 100, 200).category).toBe('unexpected');
  expect(verdict(library('AWS_UNAVAILABLE'), 3_500, 3_600).reason).toMatch(/neither down nor stalled/);
  expect(verdict(library('CLOSED'), 5_100, 5_200).category).toBe('unexpected');
});

it('accepts refused logins only during a real server restart, and ended sessions during either kind', () => {
  expect(verdict(plain('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 8_100, 8_200).category).toBe('restart');
  expect(verdict({ ...plain('the database system is starting up', '57P03'), name: 'error' }, 8_900, 9_000).category).toBe('restart');
  expect(verdict(plain('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 11_000, 11_050).category).toBe('unexpected');
  expect(verdict(plain('Connection terminated unexpectedly'), 11_000, 11_050).category).toBe('terminated');
  expect(verdict(plain('Connection terminated unexpectedly'), 13_000, 13_050).category).toBe('unexpected');
  // The emulator keeps its passwords in that server: its API fails meanwhile.
  expect(verdict(library('AWS_UNAVAILABLE'), 8_100, 8_200).category).toBe('restart');
});

it('accepts a refused password only for a login under way when the password was revoked', () => {
  const line = timeline();
  line.passwordRevoked(14_000);
  const refused = { ...plain('password authentication failed for user "IAM:soak"', '28P01'), name: 'error' };
  const judged = (startedAt: number, at: number) => classifyFailure(failed(refused, startedAt, at), line, context).category;
  // Fresh credentials fetched for this login, revoked before the server checked them.
  expect(judged(13_500, 14_100)).toBe('revoked');
  // A login that started after the revoke holds cached credentials the library must retry.
  expect(judged(14_050, 14_200)).toBe('unexpected');
  expect(judged(12_000, 13_900)).toBe('unexpected');
  // Without any revoke, a refused password is always a violation.
  expect(verdict(refused, 100, 200).category).toBe('unexpected');
});
