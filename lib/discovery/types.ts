import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { ResolvedTarget } from '../options/types';

/** The SDK clients lookups use, per region (`undefined`: the SDK's region chain, e.g. `AWS_REGION`). */
export interface DiscoveryClients {
  redshift(region: string | undefined): RedshiftClient;
  serverless(region: string | undefined): RedshiftServerlessClient;
}

/** What the credentials call and the pg connection need, once resolved. */
export interface ResolvedEndpoint {
  /** What to ask credentials for. */
  readonly target: ResolvedTarget;
  /** Where to connect when no host was given: the cluster's or workgroup's endpoint address. */
  readonly address: string | undefined;
  /** The port of that endpoint, when AWS gave one. */
  readonly port: number | undefined;
}

/** Resolves a target once, however many connects ask; see `createTargetResolver`. */
export interface TargetResolver {
  /** The result, once known: at once when no lookup is needed, else after the first successful `resolve`. */
  readonly resolved: ResolvedEndpoint | undefined;
  /**
   * Resolves the target, looking it up at most once at a time and caching the answer for the life of
   * the resolver. A failed lookup is not cached, so the next call tries again. `signal` ends this
   * caller's wait (`CONNECT_ABORTED`), not a lookup other callers share; once every caller of a
   * lookup has given up, the lookup stops (its AWS request and retries too) and the next call starts anew.
   */
  resolve(signal?: AbortSignal): Promise<ResolvedEndpoint>;
}
