import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { RedshiftIamOptions, ResolvedTarget } from '../options/types';
import { sdkClientConfig } from './client-config';
import { SharedByKey } from '../shared-by-key';
import { identityKey, leaseIdentity, objectId, type IdentityLease } from './identity';
import { redshiftSdk, serverlessSdk } from './sdk-modules';

/** The SDK client of one service. */
export type SdkClient = RedshiftClient | RedshiftServerlessClient;

/** A reference to a shared SDK client; the last `release()` destroys it (and frees its identity). */
export interface SdkClientLease {
  readonly client: SdkClient;
  release(): void;
}

// Process-wide: one SDK client (one agent, one identity) per service, region, endpoint, AWS
// identity and clientConfig, however many targets (databases, users, groups) use it.
const clients = new SharedByKey<{ readonly client: SdkClient; readonly identity: IdentityLease }>(({ client, identity }) => {
  client.destroy();
  identity.release();
});

/**
 * Takes a reference to the SDK client a target needs, creating it (and loading its SDK package)
 * on first use. Retry quotas stay per fetch with a shared client (see retryEachFetchAfresh).
 */
export function leaseSdkClient(target: ResolvedTarget, options: RedshiftIamOptions): SdkClientLease {
  return leaseServiceClient(target.api === 'GetCredentials' ? 'redshift-serverless' : 'redshift', target.region, target.endpoint, options);
}

/** An AWS service this library calls. */
export type SdkService = 'redshift' | 'redshift-serverless';

/**
 * Takes a reference to the shared SDK client of one service, region (`undefined`: the SDK's region
 * chain) and endpoint, for these options' AWS identity: the credentials calls and the lookups of
 * one identity share it.
 */
export function leaseServiceClient(service: SdkService, region: string | undefined, endpoint: string | undefined, options: RedshiftIamOptions): SdkClientLease {
  const key = JSON.stringify([
    service, region, endpoint, options.profile, identityKey(options),
    options.clientConfig === undefined ? undefined : objectId(options.clientConfig),
  ]);
  // The shared client holds its own reference to the identity, taken when the client is created.
  const lease = clients.lease(key, () => {
    const identity = leaseIdentity(options, region);
    return { client: createClient(service, region, endpoint, options, identity), identity };
  });
  return { client: lease.value.client, release: lease.release };
}

/** The number of live shared SDK clients; for tests that check nothing is left behind. */
export function sharedClientCount(): number {
  return clients.size;
}

function createClient(service: SdkService, region: string | undefined, endpoint: string | undefined, options: RedshiftIamOptions, identity: IdentityLease): SdkClient {
  const config = {
    ...sdkClientConfig(options),
    region,
    profile: options.profile,
    credentials: identity.identity,
    ...(endpoint === undefined ? {} : { endpoint }),
  };
  // Loaded here, at the first fetch, not when the package is imported (see sdk-modules).
  if (service === 'redshift-serverless') {
    const { RedshiftServerlessClient } = serverlessSdk();
    return new RedshiftServerlessClient(config);
  }
  const { RedshiftClient } = redshiftSdk();
  return new RedshiftClient(config);
}
