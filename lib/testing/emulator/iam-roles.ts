import { randomInt } from 'node:crypto';
import { callerDbUser, parsePrincipal, POSTGRES_MAX_NAME_BYTES, type KnownIdentity } from './identities';
import type { EmulatorRole } from './types';

/** A role that `AssumeRole` can assume, with its trust resolved to ARNs. */
export interface RoleEntry {
  readonly arn: string;
  readonly roleName: string;
  readonly accountId: string;
  /** `AROA...`: the first half of `AssumedRoleUser.AssumedRoleId`. */
  readonly roleId: string;
  readonly externalId: string | undefined;
  /** Principal ARNs; undefined trusts every known identity. */
  readonly trusted: readonly string[] | undefined;
  readonly maxSessionDurationSeconds: number;
  readonly sessionDurationSeconds: number | undefined;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):role\/(.+)$/;
const ROOT_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):root$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The IAM roles of the emulated accounts, by ARN. */
export class IamRoles {
  private readonly byArn = new Map<string, RoleEntry>();

  constructor(private readonly defaultAccountId: string) {}

  /** Registers (or replaces) a role and returns its ARN; throws `TypeError` for values AWS would refuse. */
  add(role: EmulatorRole): string {
    if (!ROLE_NAME.test(role.roleName ?? '')) {
      throw new TypeError(`addRole: roleName ${JSON.stringify(role.roleName)} is not valid: 1–64 characters of letters, digits and +=,.@_-.`);
    }
    // The database user of the role's sessions must fit in a PostgreSQL name.
    const dbUser = callerDbUser(parsePrincipal(`arn:aws:sts::${this.defaultAccountId}:assumed-role/${role.roleName}/s`));
    if (Buffer.byteLength(dbUser) > POSTGRES_MAX_NAME_BYTES) {
      throw new TypeError(`addRole: the database user ${dbUser} is longer than PostgreSQL's ${POSTGRES_MAX_NAME_BYTES}-byte names.`);
    }
    const accountId = role.accountId ?? this.defaultAccountId;
    if (!/^\d{12}$/.test(accountId)) throw new TypeError(`addRole: accountId must be 12 digits, not ${JSON.stringify(accountId)}.`);
    const max = role.maxSessionDurationSeconds ?? 3600;
    if (!Number.isInteger(max) || max < 3600 || max > 43200) {
      throw new TypeError(`addRole: maxSessionDurationSeconds must be an integer from 3600 to 43200, not ${max}.`);
    }
    const session = role.sessionDurationSeconds;
    if (session !== undefined && (!Number.isFinite(session) || session <= 0)) {
      throw new TypeError(`addRole: sessionDurationSeconds must be a positive number, not ${session}.`);
    }
    const externalId = role.externalId;
    if (externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
      throw new TypeError('addRole: externalId must be 2–1224 characters of letters, digits and +=,.@:/_-.');
    }
    const arn = `arn:aws:iam::${accountId}:role/${role.roleName}`;
    const previous = this.byArn.get(arn);
    this.byArn.set(
      arn,
      Object.freeze({
        arn,
        roleName: role.roleName,
        accountId,
        roleId: previous?.roleId ?? roleId(),
        externalId,
        trusted: role.trusted ? Object.freeze(role.trusted.map((principal) => (typeof principal === 'string' ? principal : principal.arn))) : undefined,
        maxSessionDurationSeconds: max,
        sessionDurationSeconds: session,
      }),
    );
    return arn;
  }

  find(arn: string): RoleEntry | undefined {
    return this.byArn.get(arn);
  }
}

/** Whether the role's trust policy lets `caller` assume it. */
export function trusts(role: RoleEntry, caller: KnownIdentity): boolean {
  if (role.trusted === undefined) return true;
  const callerArn = caller.identity.arn;
  const callerAccount = /::(\d{12}):/.exec(callerArn)?.[1];
  return role.trusted.some((principal) => {
    if (principal === callerArn) return true;
    const root = ROOT_ARN.exec(principal);
    if (root) return root[1] === callerAccount;
    const trustedRole = ROLE_ARN.exec(principal);
    return (
      trustedRole !== null &&
      trustedRole[1] === callerAccount &&
      caller.principal.kind === 'assumed-role' &&
      trustedRole[2]?.split('/').pop() === caller.principal.roleName
    );
  });
}

function roleId(): string {
  let id = 'AROA';
  while (id.length < 21) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}
