import type { ApiError } from './errors';
import type { ArrivedRequest } from './sigv4';
import type { EmulatorCallParams, EmulatorErrorCode, EmulatorOperation, EmulatorService } from './types';

/** Credentials an operation hands out, before a protocol names and formats the members. */
export interface IssuedCredentials {
  readonly dbUser: string;
  readonly password: string;
  readonly expiration: Date;
  /** Absent for `GetClusterCredentials`, whose result has no such member. */
  readonly nextRefreshTime?: Date;
}

/** A request as a protocol understood it. */
export interface ParsedCall {
  /** The operation name as sent (empty when none was). */
  readonly operation: string;
  /** Set when `operation` is one this protocol serves. */
  readonly known?: EmulatorOperation;
  readonly params: EmulatorCallParams;
  /** Why the request cannot be served; reported only after the signature was checked, as AWS does. */
  readonly error?: ApiError;
}

/** An HTTP response to send. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The error code sent, for the call log. */
  readonly code?: EmulatorErrorCode;
}

/** One AWS wire protocol: how requests are read and responses written. */
export interface Protocol {
  /** The SigV4 signing name of the service that speaks it. */
  readonly service: EmulatorService;
  /** Reads the operation and its parameters; never throws, problems go into `ParsedCall.error`. */
  parse(request: ArrivedRequest): ParsedCall;
  /** The response carrying `credentials` as the result of `operation`. */
  success(operation: EmulatorOperation, credentials: IssuedCredentials, requestId: string): Reply;
  /** The error response that the SDK turns into the modelled exception, or its base exception. */
  failure(error: ApiError, requestId: string): Reply;
}
