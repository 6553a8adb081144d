import type { EmulatorCluster, EmulatorCustomDomain, EmulatorEndpointAccess, EmulatorWorkgroup } from './types';

/** Where a cluster, workgroup or endpoint can be reached. */
export interface Address {
  readonly address: string;
  readonly port: number;
}

/** A registered cluster with its defaults filled in. */
export type ClusterEntry = EmulatorCluster & Address & { readonly databases: readonly string[] };
/** A registered workgroup with its defaults filled in. */
export type WorkgroupEntry = EmulatorWorkgroup & Address & { readonly databases: readonly string[] };
/** A registered VPC endpoint; its address is resolved when read, so that a later change of its target shows. */
export type EndpointEntry = EmulatorEndpointAccess;
/** A registered custom domain association. */
export type DomainEntry = EmulatorCustomDomain;

/** Endpoint names (AWS `CreateEndpointAccess`): a letter, then letters, digits and single hyphens, 1–30 characters. */
const ENDPOINT_NAME = /^[A-Za-z](?:-?[A-Za-z0-9])*$/;

/**
 * The clusters, workgroups, VPC endpoints and custom domains the emulator knows. Names are compared
 * case-insensitively, as Redshift stores them lowercase. Addresses default to the PostgreSQL server
 * that stands in for all of them, so that a discovered address can be connected to.
 */
export class Directory {
  private readonly clusters = new Map<string, ClusterEntry>();
  private readonly workgroups = new Map<string, WorkgroupEntry>();
  private readonly endpoints = new Map<string, EndpointEntry>();
  private readonly domains = new Map<string, DomainEntry>();

  constructor(private readonly fallback: Address) {}

  addCluster(cluster: EmulatorCluster): void {
    if (!cluster.clusterIdentifier) throw new TypeError('addCluster: clusterIdentifier is required.');
    checkPort('addCluster', cluster.port);
    const entry = Object.freeze({ ...this.fallback, ...defined(cluster), databases: Object.freeze([...(cluster.databases ?? ['dev'])]) });
    this.clusters.set(key(cluster.clusterIdentifier), entry);
    if (cluster.customDomainName) this.addCustomDomain({ customDomainName: cluster.customDomainName, clusterIdentifier: cluster.clusterIdentifier });
  }

  addWorkgroup(workgroup: EmulatorWorkgroup): void {
    if (!workgroup.workgroupName) throw new TypeError('addWorkgroup: workgroupName is required.');
    checkPort('addWorkgroup', workgroup.port);
    const entry = Object.freeze({ ...this.fallback, ...defined(workgroup), databases: Object.freeze([...(workgroup.databases ?? ['dev'])]) });
    this.workgroups.set(key(workgroup.workgroupName), entry);
    if (workgroup.customDomainName) this.addCustomDomain({ customDomainName: workgroup.customDomainName, workgroupName: workgroup.workgroupName });
  }

  addEndpointAccess(endpoint: EmulatorEndpointAccess): void {
    if (!endpoint.endpointName || endpoint.endpointName.length > 30 || !ENDPOINT_NAME.test(endpoint.endpointName)) {
      throw new TypeError(
        `addEndpointAccess: endpointName ${JSON.stringify(endpoint.endpointName)} is not valid: 1–30 characters, a letter first, letters, digits and single hyphens.`,
      );
    }
    checkPort('addEndpointAccess', endpoint.port);
    this.checkTarget('addEndpointAccess', endpoint);
    this.endpoints.set(key(endpoint.endpointName), Object.freeze(defined(endpoint)));
  }

  addCustomDomain(domain: EmulatorCustomDomain): void {
    if (!domain.customDomainName) throw new TypeError('addCustomDomain: customDomainName is required.');
    this.checkTarget('addCustomDomain', domain);
    this.domains.set(key(domain.customDomainName), Object.freeze(defined(domain)));
  }

  cluster(identifier: string): ClusterEntry | undefined {
    return this.clusters.get(key(identifier));
  }

  workgroup(name: string): WorkgroupEntry | undefined {
    return this.workgroups.get(key(name));
  }

  endpoint(name: string): EndpointEntry | undefined {
    return this.endpoints.get(key(name));
  }

  domain(name: string): DomainEntry | undefined {
    return this.domains.get(key(name));
  }

  allClusters(): readonly ClusterEntry[] {
    return [...this.clusters.values()];
  }

  allEndpoints(): readonly EndpointEntry[] {
    return [...this.endpoints.values()];
  }

  allDomains(): readonly DomainEntry[] {
    return [...this.domains.values()];
  }

  /** Every database of every cluster and workgroup, to check that they exist on PostgreSQL. */
  databases(): readonly string[] {
    return [...new Set([...this.clusters.values(), ...this.workgroups.values()].flatMap((entry) => entry.databases))];
  }

  /** The address of an endpoint: its own, else its target's (the PostgreSQL server when the target is gone). */
  addressOf(endpoint: EndpointEntry): Address {
    const target = endpoint.clusterIdentifier ? this.cluster(endpoint.clusterIdentifier) : this.workgroup(endpoint.workgroupName ?? '');
    return { address: endpoint.address ?? target?.address ?? this.fallback.address, port: endpoint.port ?? target?.port ?? this.fallback.port };
  }

  private checkTarget(control: string, target: { readonly clusterIdentifier?: string; readonly workgroupName?: string }): void {
    if (Boolean(target.clusterIdentifier) === Boolean(target.workgroupName)) {
      throw new TypeError(`${control}: name exactly one of clusterIdentifier and workgroupName.`);
    }
    if (target.clusterIdentifier && !this.cluster(target.clusterIdentifier)) {
      throw new TypeError(`${control}: cluster ${target.clusterIdentifier} is not registered; addCluster it first.`);
    }
    if (target.workgroupName && !this.workgroup(target.workgroupName)) {
      throw new TypeError(`${control}: workgroup ${target.workgroupName} is not registered; addWorkgroup it first.`);
    }
  }
}

function key(name: string): string {
  return name.toLowerCase();
}

function checkPort(control: string, port: number | undefined): void {
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new TypeError(`${control}: port must be an integer from 1 to 65535, not ${port}.`);
}

/** A copy without undefined members, so that they do not hide defaults when spread. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
