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
 * the resolver; each has a deadline, fails with a `RedshiftIamError`, and stops when every caller
 * waiting for it has given up.
 */
export function createTargetResolver(plan: TargetPlan, options: TargetResolverOptions): TargetResolver {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const discoverAddress = options.discoverAddress === true && plan.host === undefined;
  let resolved: ResolvedEndpoint | undefined;
  if (plan.target !== undefined && (!discoverAddress || isAddressKnown(plan.target))) {
    resolved = { target: plan.target, address: discoverAddress ? plan.target.customDomainName : undefined, port: undefined };
  }
  // The lookup under way, and how to stop it.
  let pending: { readonly result: Promise<ResolvedEndpoint>; readonly stop: AbortController; waiters: number } | undefined;

  const run = async (stop: AbortSignal): Promise<ResolvedEndpoint> => {
    // The lookup's own deadline, shared by every waiting caller; it also ends when the last caller
    // gives up (`stop`). Neither signal keeps the process alive.
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([deadline, stop]);
    const context: LookupContext = { clients: options.clients, resolveCname: options.resolveCname ?? systemResolveCname, signal, prefix: plan.prefix };
    try {
      // Each lookup call's SDK retry delays end with `signal`, as a credentials fetch's do (retryWithSignal).
      const { findAddress, findIdentity } = lookups();
      const target = plan.target ?? plan.complete(await findIdentity(plan.lookup as NonNullable<TargetPlan['lookup']>, context));
      if (!discoverAddress) return { target, address: undefined, port: undefined };
      const { address, port } = await findAddress(target, context);
      return { target, address, port };
    } catch (error) {
      if (stop.aborted) throw stop.reason;
      if (deadline.aborted) {
        throw new RedshiftIamError('AWS_UNAVAILABLE', `Looking up the Redshift target took longer than ${timeoutMs / 1000} s.`, {
          cause: error, hint: 'Check network access to the Redshift API, or name the cluster or workgroup (and host) so that no lookup is needed.',
        });
      }
      throw error;
    }
  };

  const start = () => {
    const stop = new AbortController();
    const lookup = {
      stop,
      waiters: 0,
      result: run(stop.signal).then(
        (result) => {
          resolved = result;
          if (pending === lookup) pending = undefined;
          return result;
        },
        (error: unknown) => {
          if (pending === lookup) pending = undefined;
          throw error;
        },
      ),
    };
    return lookup;
  };

  // Nothing may run on for callers that all gave up (issue 9): the lookup they left is stopped,
  // its SDK request and retries with it, and the next caller starts a new one.
  const leave = (lookup: NonNullable<typeof pending>) => {
    lookup.waiters--;
    if (lookup.waiters > 0 || pending !== lookup) return;
    pending = undefined;
    lookup.stop.abort(new RedshiftIamError('CONNECT_ABORTED', 'Every caller waiting for the lookup of the Redshift target gave up.'));
  };

  return {
    get resolved() {
      return resolved;
    },
    resolve(signal?: AbortSignal): Promise<ResolvedEndpoint> {
      if (resolved !== undefined) return Promise.resolve(resolved);
      if (signal?.aborted === true) return Promise.reject(aborted(signal));
      const lookup = (pending ??= start());
      // A caller without a signal waits to the end: it never leaves, so the lookup is never stopped.
      lookup.waiters++;
      if (signal === undefined) return lookup.result;
      return untilAborted(lookup.result, signal, () => leave(lookup));
    },
  };
}

function isAddressKnown(target: ResolvedTarget): boolean {
  return target.clusterIdentifier === undefined && target.workgroupName === undefined && target.customDomainName !== undefined;
}

/** `promise`, or `CONNECT_ABORTED` once `signal` aborts first (then `onAbort` runs too). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      reject(aborted(signal));
      onAbort();
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

function aborted(signal: AbortSignal): RedshiftIamError {
  return new RedshiftIamError('CONNECT_ABORTED', 'The connection was ended or timed out while its Redshift target was being looked up.', { cause: signal.reason });
}
