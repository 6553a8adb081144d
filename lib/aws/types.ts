/** Temporary database credentials as AWS returned them. */
export interface IssuedCredentials {
  /** The database user to log in as, exactly as returned (`IAM:`, `IAMA:` or `IAMR:` prefix). */
  readonly user: string;
  readonly password: string;
  /** `Expiration` from the response, in AWS's clock. */
  readonly expiration: Date;
  /** The response's `Date` header, AWS's clock at the time of the answer, when present. */
  readonly serverDate: Date | undefined;
  /** Attempts the SDK made, retries included. */
  readonly attempts: number;
}

/** Fetches one set of temporary credentials. */
export type CredentialsFetcher = () => Promise<IssuedCredentials>;
