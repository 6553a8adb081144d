import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { DiscoveryClients } from '../discovery/types';
import type { RedshiftIamOptions } from '../options/types';
import { leaseServiceClient, type SdkClientLease, type SdkService } from './shared-clients';

/** The lookups' SDK clients of one engine; `release()` gives back every client it leased. */
export interface DiscoveryClientsLease {
  readonly clients: DiscoveryClients;
  release(): void;
}

/**
 * SDK clients for the lookups (`DescribeClusters`, `DescribeEndpointAccess`, ...) shared with the
 * credentials calls of the same AWS identity (role assumption included), service, region and
 * endpoint. Nothing is created until a lookup asks for a client; each is leased once per lease.
 */
export function leaseDiscoveryClients(options: RedshiftIamOptions, endpoint: string | undefined): DiscoveryClientsLease {
  const leases = new Map<string, SdkClientLease>();
  const lease = (service: SdkService, region: string | undefined) => {
    const key = `${service}\0${region ?? ''}`;
    let leased = leases.get(key);
    if (leased === undefined) {
      leased = leaseServiceClient(service, region, endpoint, options);
      leases.set(key, leased);
    }
    return leased.client;
  };
  return {
    clients: {
      redshift: (region) => lease('redshift', region) as RedshiftClient,
      serverless: (region) => lease('redshift-serverless', region) as RedshiftServerlessClient,
    },
    release: () => {
      for (const leased of leases.values()) leased.release();
      leases.clear();
    },
  };
}
