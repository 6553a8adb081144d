import { RedshiftIamError, type RedshiftIamErrorCode } from '../errors';
import { partitionOfRegion } from '../host';
import { mapAwsError } from '../aws/map-error';
import { sanitizeAwsError } from '../aws/sanitize';
import type { ResolvedTarget } from '../options/types';

/** One lookup call, described for error messages. */
export interface LookupCall {
  /** The IAM action, e.g. `redshift:DescribeClusters`. */
  readonly action: string;
  /** What was looked up, e.g. `cluster examplecluster`. */
  readonly subject: string;
  /** The resource the action applies to, as an ARN pattern (`*` for actions without a resource). */
  readonly resource: (partition: string, region: string) => string;
  /** AWS error names that mean "no such thing", and the error to raise then. */
  readonly notFound: { readonly names: readonly string[]; readonly code: RedshiftIamErrorCode; readonly hint: string };
}

/**
 * Turns a failed lookup into a {@link RedshiftIamError}: not-found names into the call's own code and
 * hint; everything else classified as the credentials calls are (throttling, network, identity), with
 * hints about the lookup. Access denied names the action and its resource ARN.
 */
export function mapLookupError(error: unknown, call: LookupCall, region: string | undefined): RedshiftIamError {
  if (error instanceof RedshiftIamError) return error;
  const aws = (error ?? {}) as { name?: string; message?: string; $metadata?: { requestId?: string } };
  const name = aws.name ?? 'Error';
  // Lookups carry no secrets, but what the SDK attaches (raw bodies, headers) never leaves the library.
  const details = { cause: sanitizeAwsError(error), awsErrorName: name, requestId: aws.$metadata?.requestId };
  const where = region === undefined ? '' : ` in ${region}`;
  if (call.notFound.names.includes(name)) {
    return new RedshiftIamError(call.notFound.code, `AWS knows no ${call.subject}${where} (${call.action.split(':')[1] ?? call.action}: ${name}).`, { ...details, hint: call.notFound.hint });
  }
  // The credentials calls' table of AWS error names decides the code, so both agree.
  const classified = mapAwsError(error, LOOKUP_TARGET, { region });
  const prefix = `${call.action} for ${call.subject}${where} failed: ${name}: ${aws.message ?? String(error)}.`;
  switch (classified.code) {
    case 'ACCESS_DENIED': {
      const resource = region === undefined ? call.resource('<partition>', '<region>') : call.resource(partitionOfRegion(region), region);
      return new RedshiftIamError('ACCESS_DENIED', prefix, { ...details, hint: `The AWS identity needs an IAM policy that allows ${call.action} on ${resource}.` });
    }
    case 'INVALID_OPTION':
      return new RedshiftIamError('INVALID_OPTION', classified.option === 'iam.region' ? `No AWS region to look up ${call.subject} in.` : prefix, {
        ...details,
        option: classified.option,
        hint: classified.option === 'iam.region' ? 'Set iam.region, AWS_REGION, or a region in your AWS profile.' : classified.hint,
      });
    default:
      return new RedshiftIamError(classified.code, prefix, { ...details, hint: classified.hint });
  }
}

// mapAwsError describes a credentials call; only its classification is used here.
const LOOKUP_TARGET: ResolvedTarget = {
  api: 'GetClusterCredentialsWithIAM', clusterIdentifier: undefined, workgroupName: undefined, customDomainName: undefined, database: undefined,
  dbUser: undefined, autoCreate: undefined, dbGroups: undefined, durationSeconds: 900, region: undefined, endpoint: undefined, refreshWindowSeconds: undefined,
  fetchTimeoutSeconds: 30, waitTimeoutSeconds: 60, keepWarm: true,
};
