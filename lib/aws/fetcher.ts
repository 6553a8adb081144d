import { RedshiftClient } from '@aws-sdk/client-redshift';
import { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { RedshiftIamOptions, ResolvedTarget } from '../options/types';
import { mapAwsError } from './map-error';
import { retryEachFetchAfresh } from './retry-per-fetch';
import { getClusterCredentials, getClusterCredentialsWithIam } from './provisioned';
import { getServerlessCredentials } from './serverless';
import type { IssuedCredentials } from './types';

/** One AWS client bound to one target: fetches credentials, maps failures, and can be destroyed. */
export interface AwsCredentialsSource {
  /** Calls AWS once (the SDK retries inside); rejects with a `RedshiftIamError`. */
  fetch(signal?: AbortSignal): Promise<IssuedCredentials>;
  /** Closes the SDK client's sockets. */
  destroy(): void;
}

// Timeouts keep a hung API call from holding connections forever; retries come from the SDK's
// standard strategy (see retryEachFetchAfresh) unless the user picks a retry mode or strategy.
const DEFAULT_CLIENT_CONFIG = {
  maxAttempts: 4,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
} as const;

/** Builds the SDK client for a target from the user's options. */
export function createAwsCredentialsSource(target: ResolvedTarget, options: RedshiftIamOptions): AwsCredentialsSource {
  const userConfig = options.clientConfig ?? {};
  const ownRetries = userConfig.retryStrategy !== undefined || userConfig.retryMode !== undefined;
  const config = {
    ...DEFAULT_CLIENT_CONFIG,
    ...(ownRetries ? {} : { retryStrategy: retryEachFetchAfresh(userConfig.maxAttempts ?? DEFAULT_CLIENT_CONFIG.maxAttempts) }),
    ...userConfig,
    region: target.region,
    profile: options.profile,
    credentials: sdkCredentials(options),
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
  };
  if (target.api === 'GetCredentials') {
    const client = new RedshiftServerlessClient(config);
    return {
      fetch: (signal) => getServerlessCredentials(client, target, signal).catch(async (error: unknown) => {
        throw mapAwsError(error, target, await regionOf(client));
      }),
      destroy: () => client.destroy(),
    };
  }
  const client = new RedshiftClient(config);
  const call = target.api === 'GetClusterCredentials' ? getClusterCredentials : getClusterCredentialsWithIam;
  return {
    fetch: (signal) => call(client, target, signal).catch(async (error: unknown) => {
      throw mapAwsError(error, target, await regionOf(client));
    }),
    destroy: () => client.destroy(),
  };
}

function sdkCredentials(options: RedshiftIamOptions): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  const given = options.credentials;
  if (given === undefined) return defaultProvider(options.profile === undefined ? {} : { profile: options.profile });
  // The SDK writes bookkeeping fields onto the identity it resolves, which fails on frozen objects.
  if (typeof given === 'function') return async () => ({ ...(await given()) });
  return { ...given };
}

async function regionOf(client: RedshiftClient | RedshiftServerlessClient): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
  }
}
