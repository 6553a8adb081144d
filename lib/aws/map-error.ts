import { RedshiftIamError, type RedshiftIamErrorCode } from '../errors';
import type { ResolvedTarget } from '../options/types';
import { requiredPolicy } from './policy';

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
  $retryable?: { throttling?: boolean };
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

/** Turns whatever the SDK threw into a {@link RedshiftIamError} with a code and a hint. */
export function mapAwsError(error: unknown, target: ResolvedTarget, region: string | undefined): RedshiftIamError {
  if (error instanceof RedshiftIamError) return error;
  const aws = (error ?? {}) as AwsLikeError;
  const name = aws.name ?? 'Error';
  const awsMessage = aws.message ?? String(error);
  const where = describeTarget({ ...target, region: target.region ?? region });
  const details = { cause: error, awsErrorName: name, requestId: aws.$metadata?.requestId };
  const attempts = aws.$metadata?.attempts;
  const afterAttempts = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';
  const prefix = `${target.api} for ${where} failed${afterAttempts}: ${name}: ${awsMessage}.`;

  if (/region is missing/i.test(awsMessage)) {
    return new RedshiftIamError('INVALID_OPTION', `No AWS region for ${where}.`, {
      ...details,
      option: 'iam.region',
      hint: 'Set iam.region, AWS_REGION, or a region in your AWS profile, or use the endpoint host name.',
    });
  }
  const code = BY_NAME[name]
    ?? (aws.$retryable?.throttling ? 'THROTTLED' : undefined)
    ?? (aws.code !== undefined && NETWORK_CODES.has(aws.code) ? 'AWS_UNAVAILABLE' : undefined)
    ?? ((aws.$metadata?.httpStatusCode ?? 0) >= 500 ? 'AWS_UNAVAILABLE' : 'AWS_REQUEST_FAILED');
  return new RedshiftIamError(code, prefix, { ...details, hint: hintFor(code, target, region) });
}

function hintFor(code: RedshiftIamErrorCode, target: ResolvedTarget, region: string | undefined): string | undefined {
  switch (code) {
    case 'CLUSTER_NOT_FOUND':
      return `Check the cluster identifier and that the AWS account and region (${region ?? 'unset'}) are the cluster's.`;
    case 'WORKGROUP_NOT_FOUND':
      return `Check the workgroup name and that the AWS account and region (${region ?? 'unset'}) are the workgroup's.`;
    case 'ACCESS_DENIED':
      return `The AWS identity needs an IAM policy that allows ${requiredPolicy(target, region)}.`;
    case 'THROTTLED':
      return 'AWS throttled the credentials API and the SDK retries ran out; raise clientConfig.maxAttempts or use retryMode "adaptive", and share one pool per target.';
    case 'AWS_UNAVAILABLE':
      return 'The Redshift API did not answer successfully; connections resume once it does. Check network access to the endpoint.';
    case 'CREDENTIALS_EXPIRED':
      return 'The AWS credentials (session token) expired: renew them (e.g. `aws sso login`) or use a provider that refreshes them.';
    case 'AWS_CREDENTIALS_MISSING':
      return 'No AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass iam.credentials.';
    case 'AWS_CREDENTIALS_INVALID':
      return 'AWS rejected the access key or signature: check the key pair, its session token, and the local clock.';
    case 'INVALID_OPTION':
      return 'AWS rejected a parameter; check the database name, user, groups and durationSeconds.';
    default:
      return undefined;
  }
}
