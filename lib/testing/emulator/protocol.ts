import type { ApiError } from './errors';
import type { ArrivedRequest } from './sigv4';
import type { EmulatorCallParams, EmulatorErrorCode, EmulatorOperation, EmulatorService } from './types';

/** A list member of a result. awsQuery names each item's element after the model's `xmlName` (`member` when it has none). */
export class WireList {
  constructor(
    readonly items: readonly WireValue[],
    readonly itemName = 'member',
  ) {}
}

/** A value in a result: XML text or JSON scalars; dates are ISO 8601 in XML and epoch seconds in JSON. */
export type WireValue = string | number | boolean | Date | WireList | WireStruct;

/** A structure of a result, with the member names of the protocol that sends it; undefined members are left out. */
export interface WireStruct {
  readonly [member: string]: WireValue | undefined;
}

/** What an operation answers, before a protocol formats it. */
export interface OperationResult {
  /** The members of the result (awsQuery: inside `<XResult>`). */
  readonly members: WireStruct;
  /** The member that holds a secret; the `truncated` fault cuts the answer right after it. */
  readonly secretMember?: string;
  /** What the call log records of the answer (never a secret). */
  readonly log?: { readonly dbUser?: string; readonly assumedRoleArn?: string; readonly expiration?: Date };
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
  /** Where the `truncated` fault cuts `body`: right after the secret member, else in the middle. */
  readonly cutAt?: number;
}

/** One AWS wire protocol: how requests are read and responses written. */
export interface Protocol {
  /** The SigV4 signing name of the service that speaks it. */
  readonly service: EmulatorService;
  /** Reads the operation and its parameters; never throws, problems go into `ParsedCall.error`. */
  parse(request: ArrivedRequest): ParsedCall;
  /** The response carrying `result` as the answer to `operation`. */
  success(operation: EmulatorOperation, result: OperationResult, requestId: string): Reply;
  /** The error response that the SDK turns into the modelled exception, or its base exception. */
  failure(error: ApiError, requestId: string): Reply;
}

/** The first string value of member `name` anywhere in `struct`, depth first. */
export function findMember(struct: WireStruct, name: string): string | undefined {
  for (const [member, value] of Object.entries(struct)) {
    if (member === name && typeof value === 'string') return value;
    const nested = value instanceof WireList ? value.items : [value];
    for (const item of nested) {
      if (typeof item === 'object' && item !== null && !(item instanceof Date) && !(item instanceof WireList)) {
        const found = findMember(item, name);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

/** The index just after `fragment` in `body`, or the middle of `body` when there is no fragment. */
export function cutPoint(body: string, fragment: string | undefined): number {
  const at = fragment === undefined ? -1 : body.indexOf(fragment);
  return at < 0 ? Math.floor(body.length / 2) : at + (fragment ?? '').length;
}
