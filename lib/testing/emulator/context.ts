import type { Directory } from './directory';
import type { IamRoles } from './iam-roles';
import type { IdentityRegistry, KnownIdentity } from './identities';
import type { OperationResult } from './protocol';
import type { EmulatorCallParams } from './types';

/** What an operation asks of the emulator to hand out database credentials. */
export interface CredentialsRequest {
  readonly dbUser: string;
  readonly databases: readonly string[];
  readonly groups: readonly string[];
  /** As requested; undefined means the default of 900 s. */
  readonly durationSeconds: number | undefined;
  /** False when the database user neither exists nor may be created. */
  readonly createRole: boolean;
}

/** The emulator state an operation reads, and what it may change. */
export interface OperationContext {
  readonly caller: KnownIdentity;
  readonly region: string;
  readonly accountId: string;
  /** The emulator's ("AWS's") clock at the time of the call. */
  readonly now: Date;
  readonly directory: Directory;
  /** Existing database users; `AutoCreate` adds to it. */
  readonly dbUsers: Set<string>;
  readonly roles: IamRoles;
  /** Where `AssumeRole` registers the keys it hands out. */
  readonly identities: IdentityRegistry;
  /** Hands out a password for the request's user and sets the role up; the expiration is on the emulator's clock. */
  issue(request: CredentialsRequest): Promise<{ password: string; expiration: Date }>;
}

/** Serves one operation from its parsed parameters. */
export type OperationHandler = (params: EmulatorCallParams, context: OperationContext) => Promise<OperationResult>;
