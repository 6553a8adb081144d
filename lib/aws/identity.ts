import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { RedshiftIamOptions } from '../options/types';
import { SharedByKey } from '../shared-by-key';
import { mapAssumeRoleError } from './map-error';
import { credentialProvidersSdk, defaultChainSdk, smithyCore } from './sdk-modules';

/** The role session name when `roleSessionName` is not given: says who assumed the role. */
export const DEFAULT_ROLE_SESSION_NAME = 'pg-redshift-iam';

/** A reference to a shared AWS identity; the last `release()` frees what it holds. */
export interface IdentityLease {
  /** Tells identities apart: equal keys share one identity (and one resolution). */
  readonly key: string;
  /** What the SDK client's `credentials` gets. */
  readonly identity: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  release(): void;
}

// Process-wide, so that any number of targets and SDK clients resolve each identity once.
interface SharedIdentity {
  readonly identity: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Frees what the identity holds (the role assumer's STS client and its sockets). */
  readonly dispose: () => void;
}

const identities = new SharedByKey<SharedIdentity>(
  (shared) => shared.dispose(),
);
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/**
 * The identity the options describe, as a key: the default chain per profile, a provider function
 * per object, static keys per key pair, and for `roleArn` the role, ExternalId, session name and STS
 * endpoint on top of the base identity.
 */
export function identityKey(options: RedshiftIamOptions): string {
  const base = baseIdentityKey(options);
  if (options.roleArn === undefined) return base;
  return JSON.stringify(['role', options.roleArn, options.externalId, options.roleSessionName ?? DEFAULT_ROLE_SESSION_NAME, options.stsEndpoint, base]);
}

/** Takes a reference to the shared identity of these options, creating it on first use. */
export function leaseIdentity(options: RedshiftIamOptions, region: string | undefined): IdentityLease {
  const key = identityKey(options);
  const lease = identities.lease(key, () => createIdentity(options, region));
  return { key, identity: lease.value.identity, release: lease.release };
}

/** The number of live shared identities; for tests that check nothing is left behind. */
export function sharedIdentityCount(): number {
  return identities.size;
}

function createIdentity(options: RedshiftIamOptions, region: string | undefined): SharedIdentity {
  const base = baseIdentity(options);
  if (options.roleArn === undefined) return { identity: base, dispose: () => undefined };
  return assumedRole(options.roleArn, options, base, region);
}

function baseIdentity(options: RedshiftIamOptions): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  const given = options.credentials;
  if (given === undefined) {
    // The chain memoizes what it resolves (and refreshes it before expiry): one resolution per
    // profile however many clients share it.
    const { defaultProvider } = defaultChainSdk();
    return defaultProvider(options.profile === undefined ? {} : { profile: options.profile });
  }
  // The SDK writes bookkeeping fields onto the identity it resolves, which fails on frozen objects.
  if (typeof given === 'function') return memoized(async () => ({ ...(await given()) }));
  return { ...given };
}

/**
 * `sts:AssumeRole` with the SDK's own provider, renewed by the SDK before the session expires. The
 * STS client gets its own agents, destroyed with the last user, and the region of the first target
 * (STS answers for every region; `AWS_ENDPOINT_URL_STS` applies when `stsEndpoint` is unset).
 */
function assumedRole(
  roleArn: string,
  options: RedshiftIamOptions,
  base: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  region: string | undefined,
): SharedIdentity {
  const { fromTemporaryCredentials } = credentialProvidersSdk();
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true });
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: roleArn,
      RoleSessionName: options.roleSessionName ?? DEFAULT_ROLE_SESSION_NAME,
      ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
    },
    masterCredentials: base,
    clientConfig: {
      ...(region === undefined ? {} : { region }),
      ...(options.stsEndpoint === undefined ? {} : { endpoint: options.stsEndpoint }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      requestHandler: { httpAgent, httpsAgent, connectionTimeout: 3_000, requestTimeout: 10_000, socketTimeout: 10_000, throwOnRequestTimeout: true },
    },
  });
  const identity = memoized(async (properties) => {
    try {
      return await provider(properties);
    } catch (error) {
      throw mapAssumeRoleError(error, roleArn);
    }
  });
  return {
    identity,
    dispose: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** The SDK's memoization (refresh before expiry), shared by every client of the identity. */
function memoized(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  const { memoizeIdentityProvider, isIdentityExpired, doesIdentityRequireRefresh } = smithyCore();
  return memoizeIdentityProvider(provider, isIdentityExpired, doesIdentityRequireRefresh) as AwsCredentialIdentityProvider;
}

function baseIdentityKey(options: RedshiftIamOptions): string {
  const credentials = options.credentials;
  if (credentials === undefined) return `chain:${options.profile ?? process.env.AWS_PROFILE ?? 'default'}`;
  if (typeof credentials === 'function') return `provider:${objectId(credentials)}`;
  // Static keys: the same key pair is the same identity, whichever object holds it. The digest
  // stays in memory and tells apart keys that share an id only in tests.
  const digest = createHash('sha256').update(`${credentials.secretAccessKey}\0${credentials.sessionToken ?? ''}`).digest('base64url');
  return `static:${credentials.accessKeyId}:${digest}`;
}

/** A number that identifies `value` for as long as it lives (for keys of functions and configs). */
export function objectId(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(value, id);
  }
  return id;
}
