import { createAwsCredentialsSource, type AwsCredentialsSource } from '../aws/fetcher';
import { identityKey, objectId } from '../aws/identity';
import { describeTarget } from '../aws/map-error';
import { debug } from '../debug';
import type { RedshiftIamOptions, ResolvedTarget } from '../options/types';
import { SharedByKey } from '../shared-by-key';
import { CredentialsCache } from './cache';

// Process-wide, so that every pool and engine of one target and identity shares one cache and
// one AWS call per credential lifetime.
const shared = new SharedByKey<{ readonly cache: CredentialsCache; readonly source: AwsCredentialsSource; readonly description: string }>(
  ({ cache, source, description }) => {
    cache.close();
    source.destroy();
    debug('closed credentials cache for %s', description);
  },
);

/** A reference to a shared cache; `release()` closes the cache when the last reference goes. */
export interface CacheLease {
  readonly cache: CredentialsCache;
  release(): void;
}

/** Takes a reference to the cache of this target and identity, creating it on first use. */
export function leaseCache(target: ResolvedTarget, options: RedshiftIamOptions): CacheLease {
  const lease = shared.lease(cacheKey(target, options), () => {
    // One string for the cache's messages, the debug log and the registry (a template literal
    // builds a new rope of ~7 parts each time).
    const description = describeTarget(target);
    const source = createAwsCredentialsSource(target, options);
    const cache = new CredentialsCache({
      fetch: (signal) => source.fetch(signal),
      durationSeconds: target.durationSeconds,
      refreshWindowSeconds: target.refreshWindowSeconds,
      fetchTimeoutSeconds: target.fetchTimeoutSeconds,
      waitTimeoutSeconds: target.waitTimeoutSeconds,
      keepWarm: target.keepWarm,
      description,
    });
    // Every engine that shares the cache listens to it; there may be many.
    cache.setMaxListeners(0);
    debug('created credentials cache for %s', description);
    return { cache, source, description };
  });
  return { cache: lease.value.cache, release: lease.release };
}

/** The number of live shared caches; for tests that check nothing is left behind. */
export function sharedCacheCount(): number {
  return shared.size;
}

function cacheKey(target: ResolvedTarget, options: RedshiftIamOptions): string {
  return JSON.stringify([
    target.api, target.clusterIdentifier, target.workgroupName, target.customDomainName, target.database,
    target.dbUser, target.autoCreate, target.dbGroups === undefined ? undefined : [...target.dbGroups].sort(),
    target.durationSeconds, target.refreshWindowSeconds, target.fetchTimeoutSeconds, target.waitTimeoutSeconds, target.keepWarm,
    target.region, target.endpoint,
    identityKey(options), options.clientConfig === undefined ? undefined : objectId(options.clientConfig),
  ]);
}
