import { RedshiftIamError } from '../errors';
import type { ResolvedTarget } from '../options/types';
import type { TargetPlan } from '../options/validate';
import { resolveCname as systemResolveCname, type CnameResolver } from './cname-region';
import type { LookupContext } from './lookups';
import type { DiscoveryClients, ResolvedEndpoint, TargetResolver } from './types';

/** How a {@link createTargetResolver} resolver looks things up. */
export interface TargetResolverOptions {
  /** The SDK clients for the lookups. */
  readonly clients: DiscoveryClients;
  /** Look up the endpoint address and port: set when the pg settings have no host. Default false. */
  readonly discoverAddress?: boolean;
  /** The longest one resolution may take, all lookups included. Default 30 s (as `fetchTimeoutSeconds`). */
  readonly timeoutMs?: number;
  /** CNAME resolution for custom domains; default `dns.promises` with a 2 s deadline. */
  readonly resolveCname?: CnameResolver;
}

const DEFAULT_TIMEOUT_MS = 30_000;

// The lookups import the SDK's commands: loaded at the first lookup, not at import (see aws/sdk-modules).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lookups = () => require('./lookups') as typeof import('./lookups');

/**
 * Resolves what the options leave open, once per resolver: the cluster or workgroup behind a
 * Redshift-managed VPC endpoint, the owner of a custom domain, and (without a host) the endpoint
 * address. Nothing is looked up when the options name the target (and a host is given); then
 * {@link TargetResolver.resolved} is set at once. Lookups are single-flight and cached for the life of
 * the resolver; each has a deadline and fails with a `RedshiftIamError`.
 */
export function createTargetResolver(plan: TargetPlan, options: TargetResolverOptions): TargetResolver {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const discoverAddress = options.discoverAddress === true && plan.host === undefined;
  let resolved: ResolvedEndpoint | undefined;
  if (plan.target !== undefined && (!discoverAddress || isAddressKnown(plan.target))) {
    resolved = { target: plan.target, address: discoverAddress ? plan.target.customDomainName : undefined, port: undefined };
  }
  let pending: Promise<ResolvedEndpoint> | undefined;

  const run = async (): Promise<ResolvedEndpoint> => {
    // The lookup's own deadline: shared by every waiting caller, so one caller giving up does not
    // cancel it for the others. AbortSignal.timeout does not keep the process alive.
    const signal = AbortSignal.timeout(timeoutMs);
    const context: LookupContext = { clients: options.clients, resolveCname: options.resolveCname ?? systemResolveCname, signal, prefix: plan.prefix };
    try {
      const { findAddress, findIdentity } = lookups();
      const target = plan.target ?? plan.complete(await findIdentity(plan.lookup as NonNullable<TargetPlan['lookup']>, context));
      if (!discoverAddress) return { target, address: undefined, port: undefined };
      const { address, port } = await findAddress(target, context);
      return { target, address, port };
    } catch (error) {
      if (signal.aborted) {
        throw new RedshiftIamError('AWS_UNAVAILABLE', `Looking up the Redshift target took longer than ${timeoutMs / 1000} s.`, {
          cause: error, hint: 'Check network access to the Redshift API, or name the cluster or workgroup (and host) so that no lookup is needed.',
        });
      }
      throw error;
    }
  };

  return {
    get resolved() {
      return resolved;
    },
    resolve(signal?: AbortSignal): Promise<ResolvedEndpoint> {
      if (resolved !== undefined) return Promise.resolve(resolved);
      if (signal?.aborted === true) return Promise.reject(aborted(signal));
      pending ??= run().then(
        (result) => {
          resolved = result;
          pending = undefined;
          return result;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return signal === undefined ? pending : untilAborted(pending, signal);
    },
  };
}

function isAddressKnown(target: ResolvedTarget): boolean {
  return target.clusterIdentifier === undefined && target.workgroupName === undefined && target.customDomainName !== undefined;
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function aborted(signal: AbortSignal): RedshiftIamError {
  return new RedshiftIamError('CONNECT_ABORTED', 'The connection was ended or timed out while its Redshift target was being looked up.', { cause: signal.reason });
}
