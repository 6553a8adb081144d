import { RedshiftIamError } from '../errors';
import type { RedshiftIamOptions, ResolvedTarget } from '../options/types';
import { attemptTimeoutMs } from './client-config';
import { mapAwsError } from './map-error';
import { provisionedCalls, serverlessCalls } from './sdk-modules';
import { leaseSdkClient, type SdkClient, type SdkClientLease } from './shared-clients';
import type { IssuedCredentials } from './types';

/** One target's way to AWS: fetches credentials, maps failures, and can be destroyed. */
export interface AwsCredentialsSource {
  /**
   * Calls AWS once (the SDK retries inside); rejects with a `RedshiftIamError` whose `cause` holds no
   * response body. Aborting `signal` with a `RedshiftIamError` as its reason rejects with that error.
   */
  fetch(signal?: AbortSignal): Promise<IssuedCredentials>;
  /** Releases the shared SDK client; the last target to release it destroys it. */
  destroy(): void;
}

type Call = (client: never, target: ResolvedTarget, signal?: AbortSignal, attemptTimeoutMs?: number) => Promise<IssuedCredentials>;

/**
 * The AWS side of a target. Nothing is loaded or created until the first fetch: then the SDK
 * package of the target's service is required and a client shared with every target of the same
 * service, region, endpoint, AWS identity and clientConfig is leased.
 */
export function createAwsCredentialsSource(target: ResolvedTarget, options: RedshiftIamOptions): AwsCredentialsSource {
  let lease: SdkClientLease | undefined;
  let destroyed = false;
  const attemptMs = attemptTimeoutMs(options);
  return {
    async fetch(signal) {
      if (destroyed) throw new RedshiftIamError('CLOSED', 'The AWS client of this target was destroyed.');
      lease ??= leaseSdkClient(target, options);
      const client = lease.client;
      try {
        const call = callFor(target);
        return await call(client as never, target, signal, attemptMs);
      } catch (error) {
        if (signal?.aborted && signal.reason instanceof RedshiftIamError) throw signal.reason;
        throw mapAwsError(error, target, { region: await regionOf(client), profile: options.profile });
      }
    },
    destroy() {
      destroyed = true;
      lease?.release();
      lease = undefined;
    },
  };
}

function callFor(target: ResolvedTarget): Call {
  if (target.api === 'GetCredentials') {
    return serverlessCalls().getServerlessCredentials as Call;
  }
  const provisioned = provisionedCalls();
  return (target.api === 'GetClusterCredentials' ? provisioned.getClusterCredentials : provisioned.getClusterCredentialsWithIam) as Call;
}

async function regionOf(client: SdkClient): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch {
    return undefined;
  }
}
