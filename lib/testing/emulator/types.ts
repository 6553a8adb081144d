/** Superuser connection settings of the PostgreSQL server that stands in for Redshift. */
export interface EmulatorPostgresSettings {
  readonly host: string;
  readonly port: number;
  /** Must be a superuser: the emulator creates and alters login roles and grants on databases. */
  readonly user: string;
  readonly password: string;
  /** The database the emulator's administrative connections use. */
  readonly database: string;
}

/** A provisioned cluster the emulator knows. */
export interface EmulatorCluster {
  /** Cluster identifier as passed in `ClusterIdentifier` (compared case-insensitively, as Redshift stores them lowercase). */
  readonly clusterIdentifier: string;
  /** Databases of the cluster; each must exist on the PostgreSQL server. Default `['dev']`. */
  readonly databases?: readonly string[];
  /** A custom domain name associated with this cluster; the same as {@link RedshiftEmulator.addCustomDomain}. */
  readonly customDomainName?: string;
  /** `Endpoint.Address` in `DescribeClusters`. Default: the host of the emulator's PostgreSQL server. */
  readonly address?: string;
  /** `Endpoint.Port` in `DescribeClusters`. Default: the port of the emulator's PostgreSQL server. */
  readonly port?: number;
}

/** A Redshift Serverless workgroup the emulator knows. */
export interface EmulatorWorkgroup {
  /** Workgroup name as passed in `workgroupName` (compared case-insensitively). */
  readonly workgroupName: string;
  /** Databases of the workgroup; each must exist on the PostgreSQL server. Default `['dev']`. */
  readonly databases?: readonly string[];
  /** A custom domain name associated with this workgroup; the same as {@link RedshiftEmulator.addCustomDomain}. */
  readonly customDomainName?: string;
  /** `workgroup.endpoint.address` in `GetWorkgroup`. Default: the host of the emulator's PostgreSQL server. */
  readonly address?: string;
  /** `workgroup.endpoint.port` in `GetWorkgroup`. Default: the port of the emulator's PostgreSQL server. */
  readonly port?: number;
}

/**
 * A Redshift-managed VPC endpoint, for `DescribeEndpointAccess` (cluster) or Serverless
 * `GetEndpointAccess` (workgroup). Name exactly one of `clusterIdentifier` and `workgroupName`.
 */
export interface EmulatorEndpointAccess {
  /** The endpoint name (compared case-insensitively): 1–30 characters, a letter first, letters, digits and single hyphens. */
  readonly endpointName: string;
  /** The cluster the endpoint leads to; it must be registered. */
  readonly clusterIdentifier?: string;
  /** The workgroup the endpoint leads to; it must be registered. */
  readonly workgroupName?: string;
  /** The endpoint's address. Default: the address of its cluster or workgroup. */
  readonly address?: string;
  /** The endpoint's port. Default: the port of its cluster or workgroup. */
  readonly port?: number;
}

/**
 * The association of a custom domain name with a cluster or a workgroup (name exactly one), as
 * `CreateCustomDomainAssociation` makes it. The credential operations then accept the domain in
 * place of the cluster or workgroup name.
 */
export interface EmulatorCustomDomain {
  /** The domain, e.g. `warehouse.example.com` (compared case-insensitively). One domain has one association. */
  readonly customDomainName: string;
  /** The cluster the domain is associated with; it must be registered. */
  readonly clusterIdentifier?: string;
  /** The workgroup the domain is associated with; it must be registered. */
  readonly workgroupName?: string;
}

/** An IAM role that STS `AssumeRole` can assume; see {@link RedshiftEmulator.addRole}. */
export interface EmulatorRole {
  /** The role name: 1–64 characters of letters, digits and `+=,.@_-`. Its ARN is `arn:aws:iam::<account>:role/<roleName>`. */
  readonly roleName: string;
  /** The account of the role. Default: the emulator's `accountId`. */
  readonly accountId?: string;
  /**
   * The `sts:ExternalId` the trust policy requires: `AssumeRole` without exactly this value is
   * `AccessDenied`. Default: none required (a given ExternalId is then ignored, as in AWS).
   */
  readonly externalId?: string;
  /**
   * Who may assume the role: identities (or their ARNs), role ARNs (`arn:aws:iam::<account>:role/<name>`,
   * trusting every session of that role) or account roots (`arn:aws:iam::<account>:root`, trusting
   * every identity of the account). Default: every identity the emulator knows.
   */
  readonly trusted?: ReadonlyArray<string | EmulatorIdentity>;
  /** The role's `MaxSessionDuration`: 3600–43200 seconds, default 3600. A longer `DurationSeconds` is a `ValidationError`. */
  readonly maxSessionDurationSeconds?: number;
  /**
   * Test control: every session of this role lasts exactly this many seconds (any positive
   * number, also below AWS's 900-second minimum), whatever `DurationSeconds` asked for. After the
   * returned `Expiration` (emulator clock) its keys are refused with `ExpiredToken`.
   */
  readonly sessionDurationSeconds?: number;
}

/**
 * An AWS identity the emulator accepts. The object can be passed as-is as the `credentials` of an
 * AWS SDK v3 client (the extra `arn` field is ignored by the SDK).
 */
export interface EmulatorIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present for temporary credentials; requests must then carry exactly this token. */
  readonly sessionToken?: string;
  /** `arn:aws:iam::<account>:user/<name>` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /**
   * When temporary keys stop working (emulator clock): requests signed with them are then refused
   * with `ExpiredToken` / `ExpiredTokenException`. Set on the keys `AssumeRole` hands out.
   */
  readonly expiration?: Date;
}

/** What {@link RedshiftEmulator.addIdentity} needs; missing keys are generated. */
export interface EmulatorIdentityInput {
  /** An IAM user ARN or an STS assumed-role ARN; other principal types are rejected with a `TypeError`. */
  readonly arn: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /**
   * The session token that requests must carry. Generated for assumed-role ARNs when omitted,
   * because STS credentials always have one; IAM users have none unless one is given.
   */
  readonly sessionToken?: string;
  /** When the keys stop working (emulator clock); default never. */
  readonly expiration?: Date;
}

/** The two default identities every emulator starts with. */
export interface EmulatorIdentities {
  /** Long-term keys of the IAM user `arn:aws:iam::<account>:user/<iamUserName>`. */
  readonly iamUser: EmulatorIdentity;
  /** Temporary keys of `arn:aws:sts::<account>:assumed-role/<roleName>/session-1`; the session token is required. */
  readonly assumedRole: EmulatorIdentity;
}

/** Options of {@link startRedshiftEmulator}. */
export interface RedshiftEmulatorOptions {
  /** The PostgreSQL server on which login roles are created (required). */
  readonly postgres: EmulatorPostgresSettings;
  /** Default `[{ clusterIdentifier: 'examplecluster', databases: ['dev'] }]`. */
  readonly clusters?: readonly EmulatorCluster[];
  /** Default `[{ workgroupName: 'default-workgroup', databases: ['dev'] }]`. */
  readonly workgroups?: readonly EmulatorWorkgroup[];
  /** Database users that already exist, for `GetClusterCredentials` with `AutoCreate` false. Default `['awsuser']`. */
  readonly dbUsers?: readonly string[];
  /** The region requests must be signed for. Default `us-east-1`. */
  readonly region?: string;
  /** The account of the default identities and resources. Default `123456789012`. */
  readonly accountId?: string;
  /** Latency added to every call, in milliseconds. Default 0. */
  readonly latencyMs?: number;
  /**
   * Name of the default IAM user (`identities.iamUser`). Default `alice`. Emulators that share one
   * PostgreSQL server concurrently should use distinct names: the role `IAM:<name>` has one password.
   */
  readonly iamUserName?: string;
  /** Name of the default assumed role (`identities.assumedRole`). Default `app-role`; see `iamUserName`. */
  readonly roleName?: string;
}

/** The AWS service a call was addressed to (its SigV4 signing name). */
export type EmulatorService = 'redshift' | 'redshift-serverless' | 'sts';

/** The operations the emulator implements. */
export type EmulatorOperation =
  // Redshift (awsQuery, 2012-12-01)
  | 'GetClusterCredentials'
  | 'GetClusterCredentialsWithIAM'
  | 'DescribeClusters'
  | 'DescribeEndpointAccess'
  | 'DescribeCustomDomainAssociations'
  // Redshift Serverless (awsJson1_1)
  | 'GetCredentials'
  | 'GetWorkgroup'
  | 'GetEndpointAccess'
  | 'ListCustomDomainAssociations'
  // STS (awsQuery, 2011-06-15)
  | 'AssumeRole';

/** Failures that {@link RedshiftEmulator.failNext} can inject. */
export type EmulatorFaultKind =
  /** `Throttling` (awsQuery, 400) / `ThrottlingException` (awsJson, 429): the SDK retries with throttling backoff. */
  | 'throttling'
  /** `ServiceUnavailable` / `ServiceUnavailableException`, HTTP 503: the SDK retries it as transient. */
  | 'unavailable'
  /** `InternalFailure` / `InternalServerException`, HTTP 500: the SDK retries it as transient. */
  | 'internal'
  /** `AccessDenied` / `AccessDeniedException`, HTTP 403: not retried. */
  | 'accessDenied'
  /**
   * HTTP 200 and the response headers are sent (the operation does not run), then nothing more
   * until the client closes the connection or the emulator closes: a body that never arrives,
   * which the SDK's `requestTimeout` does not notice.
   */
  | 'stall'
  /**
   * The operation runs (a password or keys are issued), then its 200 answer is cut off right after
   * the secret member (`DbPassword` / `dbPassword`, STS `SecretAccessKey`; the middle of the body
   * for answers without a secret), with a `Content-Length` that matches the cut body: the SDK
   * fails to parse it and keeps the partial body on its error.
   */
  | 'truncated';

/** Error codes the emulator sends, as the SDK sees them (`error.name`, or the awsQuery `Code`). */
export type EmulatorErrorCode =
  // awsQuery (Redshift)
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'InvalidClientTokenId'
  | 'SignatureDoesNotMatch'
  | 'MissingAction'
  | 'InvalidAction'
  | 'MissingParameter'
  | 'InvalidParameterValue'
  | 'ClusterNotFound'
  | 'EndpointNotFound'
  | 'CustomDomainAssociationNotFoundFault'
  | 'AccessDenied'
  | 'ExpiredToken'
  // STS (awsQuery)
  | 'ValidationError'
  | 'Throttling'
  | 'ServiceUnavailable'
  | 'InternalFailure'
  // awsJson1_1 (Redshift Serverless)
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'ValidationException'
  | 'ResourceNotFoundException'
  | 'AccessDeniedException'
  | 'ExpiredTokenException'
  | 'ThrottlingException'
  | 'ServiceUnavailableException'
  | 'InternalServerException';

/** Request parameters as the emulator understood them: numbers and booleans parsed, lists as arrays. */
export type EmulatorCallParams = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/** One entry of the call log. It never contains a password. */
export interface EmulatorCall {
  /** When the request arrived, on the real clock. */
  readonly at: Date;
  readonly service: EmulatorService;
  /** The operation name from `Action` or `X-Amz-Target`; as sent, so it may name an unknown operation. */
  readonly operation: string;
  readonly params: EmulatorCallParams;
  /** The caller, when the signature was valid. */
  readonly identityArn?: string;
  /**
   * `ok`, or the error code sent back; `stalled` / `truncated` for the faults of those names
   * (a truncated call did issue its password or keys).
   */
  readonly outcome: 'ok' | 'stalled' | 'truncated' | EmulatorErrorCode;
  /** The database user returned by a successful credentials call. */
  readonly dbUser?: string;
  /** The assumed-role ARN of the keys returned by a successful `AssumeRole` (the keys themselves are never logged). */
  readonly assumedRoleArn?: string;
  /** The expiration returned by a successful credentials or `AssumeRole` call (emulator clock). */
  readonly expiration?: Date;
}

/** A running emulator; see {@link startRedshiftEmulator}. */
export interface RedshiftEmulator {
  /**
   * `http://127.0.0.1:<port>`: pass it as `endpoint` to `RedshiftClient`, `RedshiftServerlessClient`
   * and STS clients (one server answers all three; requests are told apart by protocol and version).
   */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly identities: EmulatorIdentities;
  /** Every call so far, oldest first (a snapshot copy). */
  readonly calls: readonly EmulatorCall[];
  /** Registers another identity and returns its complete credentials. */
  addIdentity(input: EmulatorIdentityInput): EmulatorIdentity;
  /** `{ endpoint, region, credentials }` for an SDK client; default identity `identities.iamUser`. */
  clientConfig(identity?: EmulatorIdentity): { endpoint: string; region: string; credentials: EmulatorIdentity };
  /**
   * Environment variables that point the SDK's default configuration at the emulator:
   * `AWS_ENDPOINT_URL_REDSHIFT`, `AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS`, `AWS_ENDPOINT_URL_STS`,
   * `AWS_REGION` and the keys.
   */
  environment(identity?: EmulatorIdentity): Record<string, string>;
  /** Empties the call log. */
  clearCalls(): void;
  /** Sets the latency added to every call, in milliseconds. */
  setLatency(ms: number): void;
  /**
   * Makes the next `count` calls (of `operation` only, when given) fail with `kind`, after their
   * signature was verified. Successive calls queue up in order. `stall` and `truncated` work for
   * every operation and both protocols (see {@link EmulatorFaultKind}).
   */
  failNext(count: number, kind: EmulatorFaultKind, operation?: EmulatorOperation): void;
  /** Drops every failure queued by {@link failNext} that has not happened yet: the outage is over. */
  clearFaults(): void;
  /**
   * Issues credentials that expire after `seconds` whatever `DurationSeconds` said (the role's
   * `VALID UNTIL` follows); `undefined` restores normal behaviour.
   */
  setExpiryOverride(seconds: number | undefined): void;
  /**
   * Runs the emulator's ("AWS's") clock `ms` ahead (negative: behind) of the local clock. Returned
   * expirations, the `Date` response header and the signature time window use that clock; the
   * PostgreSQL `VALID UNTIL` uses the real clock. Beyond 15 minutes, requests signed with the local
   * clock fail with `Signature expired` / `Signature not yet current`, and the SDK corrects its clock.
   */
  setClockOffset(ms: number): void;
  /** The emulator's current time (real clock plus the clock offset). */
  now(): Date;
  /**
   * Makes the current password of `dbUser` (e.g. `IAM:alice`) stop working at once and forgets it,
   * so that the next call issues a new one. Open sessions keep working.
   */
  revoke(dbUser: string): Promise<void>;
  /** Adds (or replaces) a cluster. Its databases must exist on the PostgreSQL server. */
  addCluster(cluster: EmulatorCluster): void;
  /** Adds (or replaces) a workgroup. Its databases must exist on the PostgreSQL server. */
  addWorkgroup(workgroup: EmulatorWorkgroup): void;
  /**
   * Adds (or replaces) a Redshift-managed VPC endpoint of a registered cluster or workgroup, for
   * `DescribeEndpointAccess` / Serverless `GetEndpointAccess`. Throws `TypeError` for a bad name or
   * an unknown target.
   */
  addEndpointAccess(endpoint: EmulatorEndpointAccess): void;
  /**
   * Associates (or re-associates) a custom domain name with a registered cluster or workgroup, for
   * `DescribeCustomDomainAssociations` / Serverless `ListCustomDomainAssociations` and for the
   * credential operations called with `CustomDomainName` / `customDomainName`. Throws `TypeError`
   * for an unknown target.
   */
  addCustomDomain(domain: EmulatorCustomDomain): void;
  /**
   * Adds (or replaces) an IAM role that STS `AssumeRole` can assume, and returns its ARN
   * (`arn:aws:iam::<account>:role/<roleName>`). `AssumeRole` checks the caller's signature, that
   * the caller is trusted, the ExternalId, `RoleSessionName` (2–64 characters of `[\w+=,.@-]`) and
   * `DurationSeconds` (900 to the role's maximum) with AWS's errors, and returns keys of
   * `arn:aws:sts::<account>:assumed-role/<roleName>/<session>`, whose database user is
   * `IAMR:<roleName>`. Throws `TypeError` for a bad name or duration.
   */
  addRole(role: EmulatorRole): string;
  /** Declares an existing database user, for `GetClusterCredentials` with `AutoCreate` false. */
  addDbUser(name: string): void;
  /** Every password handed out so far, for tests that look for leaks in logs and errors. */
  issuedPasswords(): readonly string[];
  /** Stops the server, closes every socket and the PostgreSQL pool; leaves no handles. Idempotent. */
  close(): Promise<void>;
}
