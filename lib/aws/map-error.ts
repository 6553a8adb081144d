import { RedshiftIamError, type RedshiftIamErrorCode } from '../errors';
import type { ResolvedTarget } from '../options/types';
import { STATUS_CODES } from 'node:http';
import { requiredPolicy } from './policy';
import { profileExists } from './profiles';
import { sanitizeAwsError } from './sanitize';

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $retryable?: { throttling?: boolean };
  $fault?: string;
  $response?: { reason?: string };
}

/** What the failed call was made with, for choosing the message. */
export interface AwsCallContext {
  /** The region the SDK client used (resolved from the chain when the options gave none). */
  readonly region: string | undefined;
  /** The `profile` option, if any. */
  readonly profile?: string | undefined;
}

const BY_NAME: Readonly<Record<string, RedshiftIamErrorCode>> = {
  ClusterNotFoundFault: 'CLUSTER_NOT_FOUND',
  ClusterNotFound: 'CLUSTER_NOT_FOUND',
  ResourceNotFoundException: 'WORKGROUP_NOT_FOUND',
  AccessDenied: 'ACCESS_DENIED',
  AccessDeniedException: 'ACCESS_DENIED',
  AccessDeniedFault: 'ACCESS_DENIED',
  UnauthorizedOperation: 'ACCESS_DENIED',
  Throttling: 'THROTTLED',
  ThrottlingException: 'THROTTLED',
  TooManyRequestsException: 'THROTTLED',
  RequestLimitExceeded: 'THROTTLED',
  ServiceUnavailable: 'AWS_UNAVAILABLE',
  ServiceUnavailableException: 'AWS_UNAVAILABLE',
  InternalFailure: 'AWS_UNAVAILABLE',
  InternalError: 'AWS_UNAVAILABLE',
  InternalServerException: 'AWS_UNAVAILABLE',
  TimeoutError: 'AWS_UNAVAILABLE',
  RequestTimeout: 'AWS_UNAVAILABLE',
  ExpiredToken: 'CREDENTIALS_EXPIRED',
  ExpiredTokenException: 'CREDENTIALS_EXPIRED',
  TokenRefreshRequired: 'CREDENTIALS_EXPIRED',
  CredentialsProviderError: 'AWS_CREDENTIALS_MISSING',
  InvalidClientTokenId: 'AWS_CREDENTIALS_INVALID',
  UnrecognizedClientException: 'AWS_CREDENTIALS_INVALID',
  SignatureDoesNotMatch: 'AWS_CREDENTIALS_INVALID',
  InvalidSignatureException: 'AWS_CREDENTIALS_INVALID',
  IncompleteSignature: 'AWS_CREDENTIALS_INVALID',
  MissingAuthenticationToken: 'AWS_CREDENTIALS_INVALID',
  InvalidParameterValue: 'INVALID_OPTION',
  InvalidParameterCombination: 'INVALID_OPTION',
  ValidationException: 'INVALID_OPTION',
  // STS (awsQuery) names its validation failures so.
  ValidationError: 'INVALID_OPTION',
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Describes the target in messages, e.g. `cluster examplecluster, database dev, us-east-1`. */
export function describeTarget(target: ResolvedTarget): string {
  const where = target.workgroupName !== undefined
    ? `workgroup ${target.workgroupName}`
    : target.clusterIdentifier !== undefined ? `cluster ${target.clusterIdentifier}` : `custom domain ${target.customDomainName ?? '?'}`;
  const database = target.database === undefined ? '' : `, database ${target.database}`;
  const user = target.dbUser === undefined ? '' : `, user ${target.dbUser}`;
  return `${where}${database}${user}${target.region === undefined ? '' : `, ${target.region}`}`;
}

/** Turns whatever the SDK threw into a {@link RedshiftIamError} with a code, a hint and a sanitized cause. */
export function mapAwsError(error: unknown, target: ResolvedTarget, context: AwsCallContext): RedshiftIamError {
  if (error instanceof RedshiftIamError) return error;
  const { region } = context;
  const aws = (error ?? {}) as AwsLikeError;
  const name = aws.name ?? 'Error';
  const where = describeTarget({ ...target, region: target.region ?? region });
  const details = { cause: sanitizeAwsError(error), awsErrorName: name, requestId: aws.$metadata?.requestId };
  const prefix = `${target.api} for ${where} failed${afterAttempts(aws)}: ${describeAwsError(error)}`;

  if (/region is missing/i.test(aws.message ?? '')) {
    return new RedshiftIamError('INVALID_OPTION', `No AWS region for ${where}.`, {
      ...details,
      option: 'iam.region',
      hint: 'Set iam.region, AWS_REGION, or a region in your AWS profile, or use the endpoint host name.',
    });
  }
  if (isWrongRegion(aws)) {
    return new RedshiftIamError('INVALID_OPTION', sentence(`${prefix} (AWS says the request was signed for the wrong region, ${region ?? 'unset'})`), {
      ...details,
      option: 'iam.region',
      hint: 'Set iam.region to the region of the cluster or workgroup (the endpoint host name names it), or leave it unset to infer it from the host.',
    });
  }
  const code = codeOf(aws);
  if (code === 'AWS_CREDENTIALS_MISSING' && context.profile !== undefined && !profileExists(context.profile)) {
    return new RedshiftIamError(code, `The AWS profile "${context.profile}" was not found.`, {
      ...details,
      option: 'iam.profile',
      hint: 'Check the profile name (`aws configure list-profiles`) and AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE.',
    });
  }
  return new RedshiftIamError(code, sentence(prefix), { ...details, hint: hintFor(code, target, region, context.profile) });
}

/**
 * Maps a failed `sts:AssumeRole` (from the role's identity provider) so that it names the STS action
 * and the role, not the Redshift call it was made for.
 */
export function mapAssumeRoleError(error: unknown, roleArn: string): RedshiftIamError {
  if (error instanceof RedshiftIamError) return error;
  const aws = (error ?? {}) as AwsLikeError;
  const name = aws.name ?? 'Error';
  const details = { cause: sanitizeAwsError(error), awsErrorName: name, requestId: aws.$metadata?.requestId };
  const code = codeOf(aws);
  const message = sentence(`sts:AssumeRole of ${roleArn} failed${afterAttempts(aws)}: ${describeAwsError(error)}`);
  switch (code) {
    case 'ACCESS_DENIED':
      return new RedshiftIamError(code, message, {
        ...details,
        hint: `The base AWS identity needs sts:AssumeRole on ${roleArn}, and the role's trust policy must trust it (with the same ExternalId, if it requires one).`,
      });
    case 'INVALID_OPTION':
    case 'AWS_REQUEST_FAILED':
      return new RedshiftIamError(code, message, {
        ...details,
        hint: 'STS refused the request: check iam.roleArn, iam.externalId and iam.roleSessionName.',
      });
    default:
      return new RedshiftIamError(code, message, { ...details, hint: hintFor(code, undefined, undefined, undefined) });
  }
}

function codeOf(aws: AwsLikeError): RedshiftIamErrorCode {
  return BY_NAME[aws.name ?? '']
    ?? (aws.$retryable?.throttling ? 'THROTTLED' : undefined)
    ?? (aws.code !== undefined && NETWORK_CODES.has(aws.code) ? 'AWS_UNAVAILABLE' : undefined)
    ?? ((aws.$metadata?.httpStatusCode ?? 0) >= 500 ? 'AWS_UNAVAILABLE' : 'AWS_REQUEST_FAILED');
}

function afterAttempts(aws: AwsLikeError): string {
  const attempts = aws.$metadata?.attempts;
  if (attempts === undefined) return '';
  return ` after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;
}

/**
 * `Name: AWS's message`, or, when the answer was not an AWS error at all (a proxy's HTML page), the
 * HTTP status. The message is the sanitized one: it never quotes a response body.
 */
function describeAwsError(error: unknown): string {
  const aws = (error ?? {}) as AwsLikeError;
  const status = aws.$metadata?.httpStatusCode;
  const unknownShape = aws.name === 'Unknown' || aws.name === 'UnknownError' || aws.$fault === undefined;
  if (status !== undefined && status >= 300 && unknownShape) {
    const reason = aws.$response?.reason ?? STATUS_CODES[status] ?? '';
    return `HTTP ${status}${reason === '' ? '' : ` ${reason}`} (not an AWS error response)`;
  }
  const safe = sanitizeAwsError(error);
  const message = safe.message.trim().replace(/[.\s]+$/, '');
  return message === '' || message === safe.name ? safe.name : `${safe.name}: ${message}`;
}

/** AWS's signature check says the region is wrong (the SDK signed for another region than the endpoint's). */
function isWrongRegion(aws: AwsLikeError): boolean {
  const signatureError = aws.name === 'SignatureDoesNotMatch' || aws.name === 'InvalidSignatureException' || aws.name === 'AuthorizationHeaderMalformed';
  return signatureError && /\bregion\b/i.test(aws.message ?? '');
}

/** Ends `text` with exactly one full stop. */
export function sentence(text: string): string {
  const trimmed = text.trimEnd();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function hintFor(code: RedshiftIamErrorCode, target: ResolvedTarget | undefined, region: string | undefined, profile: string | undefined): string | undefined {
  switch (code) {
    case 'CLUSTER_NOT_FOUND':
      return `Check the cluster identifier and that the AWS account and region (${region ?? 'unset'}) are the cluster's.`;
    case 'WORKGROUP_NOT_FOUND':
      return `Check the workgroup name and that the AWS account and region (${region ?? 'unset'}) are the workgroup's.`;
    case 'ACCESS_DENIED':
      return target === undefined ? undefined : `The AWS identity needs an IAM policy that allows ${requiredPolicy(target, region)}.`;
    case 'THROTTLED':
      return 'AWS throttled the call and the SDK retries ran out; raise clientConfig.maxAttempts or use retryMode "adaptive", and share one pool per target.';
    case 'AWS_UNAVAILABLE':
      return 'The AWS API did not answer successfully or in time: check network access to the endpoint, or try again once AWS recovers.';
    case 'CREDENTIALS_EXPIRED':
      return 'The AWS credentials (session token) expired: renew them (e.g. `aws sso login`) or use a provider that refreshes them.';
    case 'AWS_CREDENTIALS_MISSING':
      return profile === undefined
        ? 'No AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass iam.credentials.'
        : `The AWS profile "${profile}" has no usable credentials: check its settings (\`aws configure list --profile ${profile}\`), or log in (\`aws sso login --profile ${profile}\`).`;
    case 'AWS_CREDENTIALS_INVALID':
      return 'AWS rejected the access key or signature: check the key pair, its session token, and the local clock.';
    case 'INVALID_OPTION':
      return 'AWS rejected a parameter; check the database name, user, groups and durationSeconds.';
    default:
      return undefined;
  }
}
