import { Resolver } from 'node:dns/promises';
import { parseRedshiftHost, type RedshiftHost } from '../host';

/** Resolves the CNAME records of a name (`dns.promises.resolveCname` in production). */
export type CnameResolver = (name: string, signal: AbortSignal) => Promise<string[]>;

// One query, retried once by c-ares, 2 s each: the CNAME only saves asking for a region.
const DNS_TIMEOUT_MS = 2_000;

/** `dns.promises.resolveCname` with a deadline, cancelled when `signal` aborts. */
export const resolveCname: CnameResolver = async (name, signal) => {
  const resolver = new Resolver({ timeout: DNS_TIMEOUT_MS, tries: 2 });
  const cancel = () => resolver.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    return await resolver.resolveCname(name);
  } finally {
    signal.removeEventListener('abort', cancel);
  }
};

/**
 * The Redshift endpoint a custom domain name is a CNAME of (custom domains are set up that way), or
 * `undefined` when it is none or DNS does not say; never throws.
 */
export async function redshiftCnameOf(domainName: string, resolve: CnameResolver, signal: AbortSignal): Promise<RedshiftHost | undefined> {
  try {
    for (const alias of await resolve(domainName, signal)) {
      const host = parseRedshiftHost(alias);
      if (host !== undefined) return host;
    }
  } catch {
    // No CNAME, NXDOMAIN, timeout: the SDK's region chain decides instead.
  }
  return undefined;
}
