/** Where a cluster, workgroup or VPC endpoint listens, as a lookup returned it (fields may be missing). */
export interface TargetAddress {
  readonly address: string | undefined;
  readonly port: number | undefined;
  /** The resource's status, for messages when it has no address yet (e.g. `creating`). */
  readonly status: string | undefined;
}
