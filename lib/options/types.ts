import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';
import type { RedshiftClientConfig } from '@aws-sdk/client-redshift';
import type { RedshiftServerlessClientConfig } from '@aws-sdk/client-redshift-serverless';

/**
 * Settings passed to the AWS SDK client (both Redshift and Redshift Serverless): retry mode, max
 * attempts, request handler, logger and the like. Defaults: `retryMode: 'standard'`,
 * `maxAttempts: 4`, a 3 s connection and 10 s request timeout.
 */
export type RedshiftIamClientConfig = Omit<
  RedshiftClientConfig & RedshiftServerlessClientConfig,
  'credentials' | 'region' | 'endpoint' | 'profile'
> & { logger?: Logger };

/** How the library logs in to Redshift with IAM. Everything is optional where it can be inferred. */
export interface RedshiftIamOptions {
  /** Provisioned cluster. Inferred from `host` when it is a cluster endpoint. */
  clusterIdentifier?: string;
  /** Serverless workgroup. Inferred from `host` when it is a workgroup endpoint. */
  workgroupName?: string;
  /** AWS region. Inferred from `host`, else the SDK's usual sources (`AWS_REGION`, profile). */
  region?: string;
  /**
   * Provisioned only: log in as this database user through `GetClusterCredentials`. Without it,
   * `GetClusterCredentialsWithIAM` maps the caller's IAM identity to the database user.
   */
  dbUser?: string;
  /** With `dbUser`: create the user if it does not exist (the user becomes `IAMA:<dbUser>`). */
  autoCreate?: boolean;
  /** With `dbUser`: groups the user joins for this session. */
  dbGroups?: readonly string[];
  /** The cluster's or workgroup's custom domain name; both APIs accept it. */
  customDomainName?: string;
  /** Lifetime of each temporary password requested from AWS, 900..3600 seconds. Default 900. */
  durationSeconds?: number;
  /**
   * How long before expiry a background refresh starts. Default: the smaller of 60 s and a
   * quarter of the lifetime that AWS returned.
   */
  refreshWindowSeconds?: number;
  /**
   * AWS credentials: an identity or a provider function. Default: the Node provider chain of
   * `@aws-sdk/credential-provider-node` (env vars, profiles, SSO, web identity/IRSA, ECS, EC2).
   */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Shared config/credentials profile for the default provider chain. */
  profile?: string;
  /**
   * API endpoint override. Without it the SDK conventions apply, including the
   * `AWS_ENDPOINT_URL_REDSHIFT` and `AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS` variables.
   */
  endpoint?: string;
  /** Passed to the AWS SDK client. */
  clientConfig?: RedshiftIamClientConfig;
  /**
   * The longest one credentials fetch may take, SDK retries included, before it is aborted and fails
   * with `AWS_UNAVAILABLE`. Default 30 s.
   */
  fetchTimeoutSeconds?: number;
  /**
   * The longest a login waits for credentials when none are usable (cold start, expiry), retrying
   * throttling and transient failures with back-off. A shorter `connectionTimeoutMillis` wins.
   * Default 60 s.
   */
  waitTimeoutSeconds?: number;
  /**
   * Refresh in the background on a timer at each refresh point while the cache was used within its
   * last credential lifetime, so sparse traffic never waits on AWS. The timer never keeps the process
   * alive. Default true.
   */
  keepWarm?: boolean;
  /**
   * Cross-account: an IAM role to assume with STS (`sts:AssumeRole`) before calling Redshift, using the
   * base identity (`credentials`, `profile` or the default chain). Renewed before it expires.
   */
  roleArn?: string;
  /** With `roleArn`: the ExternalId the role's trust policy requires (2..1224 characters). */
  externalId?: string;
  /** With `roleArn`: the role session name, 2..64 characters. Default `pg-redshift-iam`. */
  roleSessionName?: string;
  /** With `roleArn`: the STS endpoint. Default: the SDK's (also `AWS_ENDPOINT_URL_STS`). */
  stsEndpoint?: string;
}

/** Options of the credentials engine on its own: the IAM options plus where they apply. */
export interface RedshiftCredentialsOptions extends RedshiftIamOptions {
  /** The database host, for inferring cluster or workgroup and region. */
  host?: string;
  /** The database to ask credentials for (`DbName`/`dbName`). AWS allows all databases without it. */
  database?: string;
}

/** Which AWS call a target uses. */
export type CredentialsApi = 'GetClusterCredentialsWithIAM' | 'GetClusterCredentials' | 'GetCredentials';

/** Options after validation and inference: exactly what the AWS call needs. */
export interface ResolvedTarget {
  readonly api: CredentialsApi;
  readonly clusterIdentifier: string | undefined;
  readonly workgroupName: string | undefined;
  readonly customDomainName: string | undefined;
  readonly database: string | undefined;
  readonly dbUser: string | undefined;
  readonly autoCreate: boolean | undefined;
  readonly dbGroups: readonly string[] | undefined;
  readonly durationSeconds: number;
  readonly region: string | undefined;
  readonly endpoint: string | undefined;
  /** Undefined means: a quarter of the lifetime, at most 60 s. */
  readonly refreshWindowSeconds: number | undefined;
  // Deadlines and keep-warm (resolveWaits in validate.ts).
  /** The deadline of one credentials fetch, SDK retries included; default 30. */
  readonly fetchTimeoutSeconds: number;
  /** The longest a login waits when no credentials are usable; default 60. */
  readonly waitTimeoutSeconds: number;
  /** Whether a timer refreshes ahead of use; default true. */
  readonly keepWarm: boolean;
}
