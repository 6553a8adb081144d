import type { EmulatorErrorCode, EmulatorFaultKind } from './types';

/** Protocol-neutral failure kinds; each protocol has its own code and status for them (see {@link WIRE}). */
export type ApiErrorKind =
  | 'missingAuthentication'
  | 'incompleteSignature'
  | 'invalidClientToken'
  | 'signatureMismatch'
  | 'missingAction'
  | 'unknownOperation'
  | 'malformedRequest'
  | 'missingParameter'
  | 'invalidParameter'
  | 'resourceNotFound'
  | 'endpointNotFound'
  | 'customDomainNotFound'
  | 'expiredToken'
  /** STS's parameter validation (`ValidationError`); Redshift's is `invalidParameter`. */
  | 'validation'
  | Exclude<EmulatorFaultKind, 'stall' | 'truncated'>;

/** How one failure kind looks on the wire of one protocol. */
export interface WireError {
  readonly code: EmulatorErrorCode;
  readonly status: number;
  /** awsQuery `<Type>`: who is to blame. */
  readonly type: 'Sender' | 'Receiver';
}

const wire = (code: EmulatorErrorCode, status: number, type: WireError['type'] = 'Sender'): WireError => ({ code, status, type });

/**
 * Codes and statuses as AWS sends them. The Redshift ones are the `awsQueryError` codes of the SDK
 * model (e.g. `ClusterNotFoundFault` travels as `ClusterNotFound`, 404); the Serverless ones are the
 * modelled exception names with their `httpError` status. Codes the model lacks (`Throttling`,
 * `InvalidParameterValue`, the SigV4 ones) are AWS's common errors, which the SDK's retry and
 * clock-skew logic recognise by name.
 */
export const WIRE: Readonly<Record<ApiErrorKind, { readonly query: WireError; readonly json: WireError }>> = {
  missingAuthentication: { query: wire('MissingAuthenticationToken', 403), json: wire('MissingAuthenticationTokenException', 403) },
  incompleteSignature: { query: wire('IncompleteSignature', 400), json: wire('IncompleteSignatureException', 400) },
  invalidClientToken: { query: wire('InvalidClientTokenId', 403), json: wire('UnrecognizedClientException', 400) },
  signatureMismatch: { query: wire('SignatureDoesNotMatch', 403), json: wire('InvalidSignatureException', 400) },
  missingAction: { query: wire('MissingAction', 400), json: wire('UnknownOperationException', 400) },
  unknownOperation: { query: wire('InvalidAction', 400), json: wire('UnknownOperationException', 400) },
  malformedRequest: { query: wire('InvalidParameterValue', 400), json: wire('SerializationException', 400) },
  missingParameter: { query: wire('MissingParameter', 400), json: wire('ValidationException', 400) },
  invalidParameter: { query: wire('InvalidParameterValue', 400), json: wire('ValidationException', 400) },
  resourceNotFound: { query: wire('ClusterNotFound', 404), json: wire('ResourceNotFoundException', 404) },
  endpointNotFound: { query: wire('EndpointNotFound', 404), json: wire('ResourceNotFoundException', 404) },
  expiredToken: { query: wire('ExpiredToken', 400), json: wire('ExpiredTokenException', 400) },
  validation: { query: wire('ValidationError', 400), json: wire('ValidationException', 400) },
  customDomainNotFound: { query: wire('CustomDomainAssociationNotFoundFault', 404), json: wire('ResourceNotFoundException', 404) },
  accessDenied: { query: wire('AccessDenied', 403), json: wire('AccessDeniedException', 403) },
  throttling: { query: wire('Throttling', 400), json: wire('ThrottlingException', 429) },
  unavailable: { query: wire('ServiceUnavailable', 503, 'Receiver'), json: wire('ServiceUnavailableException', 503, 'Receiver') },
  internal: { query: wire('InternalFailure', 500, 'Receiver'), json: wire('InternalServerException', 500, 'Receiver') },
};

/** A failure to report to the caller in the shape of the request's protocol. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** Extra members of the awsJson error body, e.g. `resourceName` of `ResourceNotFoundException`. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The injected fault `kind`, worded as AWS words it; `action` is e.g. `redshift:GetClusterCredentials`. */
export function faultError(kind: ApiErrorKind & EmulatorFaultKind, action: string, identityArn: string, resourceArn: string): ApiError {
  switch (kind) {
    case 'throttling':
      return new ApiError(kind, 'Rate exceeded');
    case 'unavailable':
      return new ApiError(kind, 'Service Unavailable');
    case 'internal':
      return new ApiError(kind, 'We encountered an internal error. Please try again.');
    case 'accessDenied':
      return new ApiError(kind, `User: ${identityArn} is not authorized to perform: ${action} on resource: ${resourceArn}`);
  }
}
