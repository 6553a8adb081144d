/**
 * Discovery: working out where to connect and which cluster or workgroup to ask credentials for, from
 * validated options (`planTarget`) and, where they leave it open, AWS lookups.
 */
export { createTargetResolver, type TargetResolverOptions } from './resolver';
export type { DiscoveryClients, ResolvedEndpoint, TargetResolver } from './types';
export type { CnameResolver } from './cname-region';
