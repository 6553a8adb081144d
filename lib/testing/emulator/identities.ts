import { randomBytes, randomInt } from 'node:crypto';
import type { EmulatorIdentity, EmulatorIdentityInput } from './types';

/** PostgreSQL truncates longer names, which would break a login with the name AWS returned. */
export const POSTGRES_MAX_NAME_BYTES = 63;

/** The IAM principal behind a set of keys, as far as the Redshift database user name depends on it. */
export type Principal =
  | { readonly kind: 'user'; readonly userName: string }
  | { readonly kind: 'assumed-role'; readonly roleName: string; readonly sessionName: string };

/** A registered identity with its parsed principal. */
export interface KnownIdentity {
  readonly identity: EmulatorIdentity;
  readonly principal: Principal;
}

const USER_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:user\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const ASSUMED_ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:sts::\d{12}:assumed-role\/([\w+=,.@-]+)\/([\w+=,.@-]+)$/;

/** Parses the principals whose credentials can call the credential APIs; throws `TypeError` for others. */
export function parsePrincipal(arn: string): Principal {
  const user = USER_ARN.exec(arn);
  if (user?.[1]) return { kind: 'user', userName: user[1] };
  const role = ASSUMED_ROLE_ARN.exec(arn);
  if (role?.[1] && role[2]) return { kind: 'assumed-role', roleName: role[1], sessionName: role[2] };
  throw new TypeError(
    `Unsupported identity ARN ${JSON.stringify(arn)}: use arn:aws:iam::<account>:user/<name> or arn:aws:sts::<account>:assumed-role/<role>/<session>.`,
  );
}

/**
 * The database user that `GetClusterCredentialsWithIAM` and Serverless `GetCredentials` derive from
 * the caller: `IAM:<user>` for an IAM user, `IAMR:<role>` for an assumed role (the session name is
 * not part of it, so all sessions of a role share one database user).
 */
export function callerDbUser(principal: Principal): string {
  return principal.kind === 'user' ? `IAM:${principal.userName}` : `IAMR:${principal.roleName}`;
}

/** Access keys by id. Keys are generated in AWS's formats so that code which inspects them sees realistic values. */
export class IdentityRegistry {
  private readonly byAccessKey = new Map<string, KnownIdentity>();

  /** Registers an identity, generating what `input` leaves out; throws `TypeError` for unusable ARNs or a taken key. */
  add(input: EmulatorIdentityInput): EmulatorIdentity {
    const principal = parsePrincipal(input.arn);
    if (Buffer.byteLength(callerDbUser(principal)) > POSTGRES_MAX_NAME_BYTES) {
      throw new TypeError(`The database user ${callerDbUser(principal)} of ${input.arn} is longer than PostgreSQL's ${POSTGRES_MAX_NAME_BYTES}-byte names.`);
    }
    const temporary = principal.kind === 'assumed-role' || input.sessionToken !== undefined;
    const identity: EmulatorIdentity = {
      accessKeyId: input.accessKeyId ?? accessKeyId(temporary ? 'ASIA' : 'AKIA'),
      secretAccessKey: input.secretAccessKey ?? randomBytes(30).toString('base64'),
      ...(temporary ? { sessionToken: input.sessionToken ?? `IQoJb3JpZ2luX2Vj${randomBytes(180).toString('base64')}` } : {}),
      arn: input.arn,
      ...(input.expiration ? { expiration: new Date(input.expiration.getTime()) } : {}),
    };
    if (this.byAccessKey.has(identity.accessKeyId)) {
      throw new TypeError(`Access key ${identity.accessKeyId} is already registered.`);
    }
    // The SDK writes bookkeeping (`$source`) into the credentials object it is given, so the
    // caller gets a mutable copy and verification keeps its own.
    this.byAccessKey.set(identity.accessKeyId, { identity: Object.freeze({ ...identity }), principal });
    return { ...identity };
  }

  /** The identity whose access key id is `accessKeyId`. */
  find(accessKeyId: string): KnownIdentity | undefined {
    return this.byAccessKey.get(accessKeyId);
  }
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function accessKeyId(prefix: 'AKIA' | 'ASIA'): string {
  let id = prefix;
  while (id.length < 20) id += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return id;
}
