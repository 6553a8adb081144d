import { ApiError, WIRE } from './errors';
import type { IssuedCredentials, ParsedCall, Protocol, Reply } from './protocol';
import type { ArrivedRequest } from './sigv4';
import type { EmulatorOperation } from './types';

const VERSION = '2012-12-01';
const NAMESPACE = `http://redshift.amazonaws.com/doc/${VERSION}/`;
const OPERATIONS: ReadonlySet<string> = new Set<EmulatorOperation>(['GetClusterCredentials', 'GetClusterCredentialsWithIAM']);
/** Members whose wire string is parsed; all others stay strings. */
const INTEGER_MEMBERS: ReadonlySet<string> = new Set(['DurationSeconds']);
const BOOLEAN_MEMBERS: ReadonlySet<string> = new Set(['AutoCreate']);
const LIST_MEMBERS: ReadonlySet<string> = new Set(['DbGroups']);
/** `DbGroups.DbGroup.1`: the SDK names list items after the member's xmlName (`member` when it has none). */
const LIST_ITEM = /^(\w+)\.\w+\.(\d+)$/;

/**
 * Redshift's awsQuery protocol: `Action=...&Version=2012-12-01&Member=value` form parameters in a
 * POST body (the SDK never uses the GET form), XML responses wrapped in `<XResponse><XResult>`,
 * and `<ErrorResponse><Error><Type/><Code/><Message/></Error>` errors.
 */
export const queryProtocol: Protocol = {
  service: 'redshift',

  parse(request: ArrivedRequest): ParsedCall {
    const form = [...new URLSearchParams(request.body.toString('utf8'))];
    const action = form.find(([key]) => key === 'Action')?.[1] ?? '';
    const version = form.find(([key]) => key === 'Version')?.[1];
    const params = readParams(form.filter(([key]) => key !== 'Action' && key !== 'Version'));
    if (!action) return { operation: '', params, error: new ApiError('missingAction', 'No action was supplied with this request.') };
    if (!OPERATIONS.has(action) || version !== VERSION) {
      return { operation: action, params, error: new ApiError('unknownOperation', `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`) };
    }
    return { operation: action, known: action as EmulatorOperation, params };
  },

  success(operation: EmulatorOperation, credentials: IssuedCredentials, requestId: string): Reply {
    const members: Array<[string, string]> = [
      ['DbUser', credentials.dbUser],
      ['DbPassword', credentials.password],
      ['Expiration', credentials.expiration.toISOString()],
    ];
    if (credentials.nextRefreshTime) members.push(['NextRefreshTime', credentials.nextRefreshTime.toISOString()]);
    const result = members.map(([name, value]) => `    <${name}>${xmlEscape(value)}</${name}>`).join('\n');
    return xmlReply(
      200,
      requestId,
      `<${operation}Response xmlns="${NAMESPACE}">\n  <${operation}Result>\n${result}\n  </${operation}Result>\n` +
        `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${operation}Response>\n`,
    );
  },

  failure(error: ApiError, requestId: string): Reply {
    const wire = WIRE[error.kind].query;
    const body =
      `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>${wire.type}</Type>\n    <Code>${wire.code}</Code>\n` +
      `    <Message>${xmlEscape(error.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
    return { ...xmlReply(wire.status, requestId, body), code: wire.code };
  },
};

function readParams(pairs: ReadonlyArray<[string, string]>): Record<string, string | number | boolean | string[]> {
  const params: Record<string, string | number | boolean | string[]> = {};
  const items = new Map<string, Array<[number, string]>>();
  for (const [key, value] of pairs) {
    const item = LIST_ITEM.exec(key);
    if (item?.[1] && LIST_MEMBERS.has(item[1])) {
      const list = items.get(item[1]) ?? [];
      list.push([Number(item[2]), value]);
      items.set(item[1], list);
    } else if (LIST_MEMBERS.has(key) && value === '') {
      params[key] = []; // how the SDK sends an empty list
    } else if (INTEGER_MEMBERS.has(key) && /^-?\d+$/.test(value)) {
      params[key] = Number(value);
    } else if (BOOLEAN_MEMBERS.has(key) && /^(true|false)$/i.test(value)) {
      params[key] = value.toLowerCase() === 'true';
    } else {
      params[key] = value; // malformed numbers and booleans stay strings; the operation rejects them
    }
  }
  for (const [name, list] of items) params[name] = list.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  return params;
}

function xmlReply(status: number, requestId: string, body: string): Reply {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML element. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char);
}
