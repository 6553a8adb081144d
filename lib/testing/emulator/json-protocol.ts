import { ApiError, WIRE } from './errors';
import { cutPoint, findMember, WireList, type OperationResult, type ParsedCall, type Protocol, type Reply, type WireStruct, type WireValue } from './protocol';
import type { ArrivedRequest } from './sigv4';
import type { EmulatorOperation } from './types';

const TARGET_PREFIX = 'RedshiftServerless.';
const OPERATIONS: ReadonlySet<string> = new Set<EmulatorOperation>(['GetCredentials', 'GetWorkgroup', 'GetEndpointAccess', 'ListCustomDomainAssociations']);
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * Redshift Serverless's awsJson1_1 protocol: `POST /` with `X-Amz-Target: RedshiftServerless.<Op>`
 * and a JSON body; JSON responses with timestamps as epoch seconds; errors as `{ __type, message }`
 * plus the `x-amzn-ErrorType` header.
 */
export const jsonProtocol: Protocol = {
  service: 'redshift-serverless',

  parse(request: ArrivedRequest): ParsedCall {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8') || '{}');
    } catch {
      body = undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { operation, params: {}, error: new ApiError('malformedRequest', 'The request body is not a JSON object.') };
    }
    const params = readParams(body);
    if (!target.startsWith(TARGET_PREFIX) || !OPERATIONS.has(operation)) {
      return { operation, params, error: new ApiError('unknownOperation', `Unknown operation ${target}`) };
    }
    return { operation, known: operation as EmulatorOperation, params };
  },

  success(_operation: EmulatorOperation, result: OperationResult, requestId: string): Reply {
    const body = JSON.stringify(jsonStruct(result.members));
    const secret = result.secretMember === undefined ? undefined : findMember(result.members, result.secretMember);
    const fragment = secret === undefined ? undefined : `${JSON.stringify(result.secretMember)}:${JSON.stringify(secret)}`;
    return { status: 200, headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId }, body, cutAt: cutPoint(body, fragment) };
  },

  failure(error: ApiError, requestId: string): Reply {
    const wire = WIRE[error.kind].json;
    return {
      status: wire.status,
      headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId, 'x-amzn-errortype': wire.code },
      body: JSON.stringify({ __type: wire.code, message: error.message, ...error.fields }),
      code: wire.code,
    };
  },
};

/** Keeps the members a credentials request can carry; nested values are not part of any of them. */
function readParams(body: object): Record<string, string | number | boolean | string[]> {
  const params: Record<string, string | number | boolean | string[]> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || isStringArray(value)) params[key] = value;
  }
  return params;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function jsonStruct(struct: WireStruct): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(struct)) if (value !== undefined) json[name] = jsonValue(value);
  return json;
}

function jsonValue(value: WireValue): unknown {
  if (value instanceof WireList) return value.items.map(jsonValue);
  if (value instanceof Date) return epochSeconds(value);
  if (typeof value === 'object') return jsonStruct(value);
  return value;
}

/** awsJson timestamps are epoch seconds, with the milliseconds as a fraction. */
function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
