import type { OperationHandler } from './context';
import { ApiError } from './errors';
import { trusts } from './iam-roles';
import type { EmulatorCallParams } from './types';

const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;
/** AWS's default `DurationSeconds` of `AssumeRole`. */
const DEFAULT_DURATION = 3600;

/**
 * STS `AssumeRole`, checked in AWS's order: parameter validation (`ValidationError`), then the
 * trust policy and ExternalId (one `AccessDenied` message for an unknown role, an untrusted
 * caller and a wrong or missing ExternalId, so that the answer reveals nothing), then the
 * session length against the role's `MaxSessionDuration`.
 */
export const STS_OPERATIONS = {
  async AssumeRole(params, context) {
    const roleArn = required(params, 'RoleArn', 'roleArn');
    const sessionName = required(params, 'RoleSessionName', 'roleSessionName');
    const problems: string[] = [];
    if (roleArn.length < 20 || roleArn.length > 2048) problems.push(constraint(roleArn, 'roleArn', 'Member must have length between 20 and 2048'));
    if (sessionName.length < 2) problems.push(constraint(sessionName, 'roleSessionName', 'Member must have length greater than or equal to 2'));
    if (sessionName.length > 64) problems.push(constraint(sessionName, 'roleSessionName', 'Member must have length less than or equal to 64'));
    if (!SESSION_NAME.test(sessionName)) problems.push(constraint(sessionName, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*'));
    const durationSeconds = params.DurationSeconds;
    if (durationSeconds !== undefined) {
      if (typeof durationSeconds !== 'number') problems.push(constraint(String(durationSeconds), 'durationSeconds', 'Member must be an integer'));
      else if (durationSeconds < 900) problems.push(constraint(String(durationSeconds), 'durationSeconds', 'Member must have value greater than or equal to 900'));
      else if (durationSeconds > 43200) problems.push(constraint(String(durationSeconds), 'durationSeconds', 'Member must have value less than or equal to 43200'));
    }
    const externalId = typeof params.ExternalId === 'string' ? params.ExternalId : undefined;
    if (externalId !== undefined) {
      if (externalId.length < 2 || externalId.length > 1224) problems.push(constraint(externalId, 'externalId', 'Member must have length between 2 and 1224'));
      else if (!EXTERNAL_ID.test(externalId)) problems.push(constraint(externalId, 'externalId', 'Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*'));
    }
    if (problems.length > 0) {
      throw new ApiError('validation', `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
    }

    const role = context.roles.find(roleArn);
    if (!role || !trusts(role, context.caller) || (role.externalId !== undefined && externalId !== role.externalId)) {
      throw new ApiError('accessDenied', `User: ${context.caller.identity.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    const requested = typeof durationSeconds === 'number' ? durationSeconds : DEFAULT_DURATION;
    if (requested > role.maxSessionDurationSeconds) {
      throw new ApiError('validation', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    if (context.caller.principal.kind === 'assumed-role' && requested > 3600) {
      throw new ApiError('validation', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }

    const lifetimeMs = (role.sessionDurationSeconds ?? requested) * 1000;
    // STS sends whole seconds; the keys stop working at exactly the instant it sent.
    const expiration = new Date(Math.floor((context.now.getTime() + lifetimeMs) / 1000) * 1000);
    const assumedRoleArn = `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`;
    const keys = context.identities.add({ arn: assumedRoleArn, expiration });
    return {
      members: {
        Credentials: {
          AccessKeyId: keys.accessKeyId,
          SecretAccessKey: keys.secretAccessKey,
          SessionToken: keys.sessionToken,
          Expiration: expiration,
        },
        AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: assumedRoleArn },
        PackedPolicySize: typeof params.Policy === 'string' ? 6 : undefined,
      },
      secretMember: 'SecretAccessKey',
      log: { assumedRoleArn, expiration },
    };
  },
} satisfies Record<string, OperationHandler>;

function required(params: EmulatorCallParams, member: string, field: string): string {
  const value = params[member];
  if (typeof value !== 'string') throw new ApiError('validation', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

/** One clause of STS's validation message; the value is only quoted, as AWS does. */
function constraint(value: string, field: string, rule: string): string {
  return `Value '${value}' at '${field}' failed to satisfy constraint: ${rule}`;
}
