/**
 * Stable codes of {@link RedshiftIamError}. Match on these, never on messages.
 *
 * - `INVALID_OPTION`: the configuration is wrong; nothing was sent to AWS.
 * - `CLUSTER_NOT_FOUND` / `WORKGROUP_NOT_FOUND`: AWS does not know the cluster or workgroup in that
 *   account and region.
 * - `ACCESS_DENIED`: the AWS identity may not call the credentials API for that resource.
 * - `THROTTLED`: AWS throttled the call and the SDK's retries were used up.
 * - `AWS_UNAVAILABLE`: AWS answered with a server error or could not be reached, after retries.
 * - `CREDENTIALS_EXPIRED`: the AWS credentials themselves (session token, SSO session) expired.
 * - `AWS_CREDENTIALS_MISSING`: no AWS credentials could be found in the provider chain.
 * - `AWS_CREDENTIALS_INVALID`: AWS rejected the access key or the request signature.
 * - `AWS_REQUEST_FAILED`: any other error answered by the AWS API.
 * - `AWS_INVALID_RESPONSE`: AWS answered, but with credentials that cannot be used (fields missing, or
 *   an `Expiration` that is not in the future by AWS's own clock).
 * - `ENDPOINT_NOT_FOUND`: a VPC endpoint or custom domain name that AWS does not know in that account
 *   and region; the hint names the option that avoids the lookup.
 * - `CONNECT_ABORTED`: the connection was ended or timed out while credentials were being fetched.
 * - `CLOSED`: the credentials engine was closed (its pool ended) and cannot fetch any more.
 */
export type RedshiftIamErrorCode =
  | 'INVALID_OPTION'
  | 'CLUSTER_NOT_FOUND'
  | 'WORKGROUP_NOT_FOUND'
  | 'ACCESS_DENIED'
  | 'THROTTLED'
  | 'AWS_UNAVAILABLE'
  | 'CREDENTIALS_EXPIRED'
  | 'AWS_CREDENTIALS_MISSING'
  | 'AWS_CREDENTIALS_INVALID'
  | 'AWS_REQUEST_FAILED'
  | 'AWS_INVALID_RESPONSE'
  | 'ENDPOINT_NOT_FOUND'
  | 'CONNECT_ABORTED'
  | 'CLOSED';

/** Extra facts attached to a {@link RedshiftIamError}. */
export interface RedshiftIamErrorDetails {
  /** What to do about it, in one or two sentences. */
  hint?: string;
  /** For `INVALID_OPTION`: the option at fault, e.g. `iam.durationSeconds`. */
  option?: string;
  /** For AWS failures: the AWS error name, e.g. `ClusterNotFoundFault`. */
  awsErrorName?: string;
  /** For AWS failures: the AWS request id, for AWS support. */
  requestId?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** The one error type this library throws. `code` is stable; `message` says what to fix. */
export class RedshiftIamError extends Error {
  override readonly name = 'RedshiftIamError';
  /** A stable, machine-readable code. */
  readonly code: RedshiftIamErrorCode;
  /** What to do about it. Also part of `message`. */
  readonly hint: string | undefined;
  /** For `INVALID_OPTION`: the option at fault. */
  readonly option: string | undefined;
  /** For AWS failures: the AWS error name. */
  readonly awsErrorName: string | undefined;
  /** For AWS failures: the AWS request id. */
  readonly requestId: string | undefined;

  constructor(code: RedshiftIamErrorCode, message: string, details: RedshiftIamErrorDetails = {}) {
    super(details.hint ? `${message} ${details.hint}` : message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = details.hint;
    this.option = details.option;
    this.awsErrorName = details.awsErrorName;
    this.requestId = details.requestId;
  }
}

/** True when `error` is a {@link RedshiftIamError}, optionally with the given code. */
export function isRedshiftIamError(error: unknown, code?: RedshiftIamErrorCode): error is RedshiftIamError {
  return error instanceof RedshiftIamError && (code === undefined || error.code === code);
}

/** Shorthand for an `INVALID_OPTION` error about one option. */
export function invalidOption(option: string, problem: string, hint?: string): RedshiftIamError {
  return new RedshiftIamError('INVALID_OPTION', `Invalid option ${option}: ${problem}.`, { option, hint });
}
