import { ApiError, WIRE } from './errors';
import { cutPoint, findMember, WireList, type OperationResult, type ParsedCall, type Protocol, type Reply, type WireStruct, type WireValue } from './protocol';
import type { ArrivedRequest } from './sigv4';
import type { EmulatorOperation, EmulatorService } from './types';

/** `DbGroups.DbGroup.1`: the SDK names list items after the member's xmlName (`member` when it has none). */
const LIST_ITEM = /^(\w+)\.\w+\.(\d+)$/;

/** What differs between two awsQuery services. */
interface QueryService {
  readonly service: EmulatorService;
  /** The `Version` parameter the service answers to. */
  readonly version: string;
  /** The XML namespace of its responses. */
  readonly namespace: string;
  readonly operations: readonly EmulatorOperation[];
  /** Members whose wire string is parsed; all others stay strings. */
  readonly integers: readonly string[];
  readonly booleans: readonly string[];
  readonly lists: readonly string[];
}

/**
 * An awsQuery protocol: `Action=...&Version=...&Member=value` form parameters in a POST body (the
 * SDK never uses the GET form), XML responses wrapped in `<XResponse><XResult>`, and
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error>` errors.
 */
function queryProtocol(spec: QueryService): Protocol {
  const operations: ReadonlySet<string> = new Set(spec.operations);
  const integers = new Set(spec.integers);
  const booleans = new Set(spec.booleans);
  const lists = new Set(spec.lists);
  return {
    service: spec.service,

    parse(request: ArrivedRequest): ParsedCall {
      const form = [...new URLSearchParams(request.body.toString('utf8'))];
      const action = form.find(([key]) => key === 'Action')?.[1] ?? '';
      const version = form.find(([key]) => key === 'Version')?.[1];
      const params = readParams(
        form.filter(([key]) => key !== 'Action' && key !== 'Version'),
        { integers, booleans, lists },
      );
      if (!action) return { operation: '', params, error: new ApiError('missingAction', 'No action was supplied with this request.') };
      if (!operations.has(action) || version !== spec.version) {
        return { operation: action, params, error: new ApiError('unknownOperation', `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`) };
      }
      return { operation: action, known: action as EmulatorOperation, params };
    },

    success(operation: EmulatorOperation, result: OperationResult, requestId: string): Reply {
      const members = xmlMembers(result.members, '    ');
      const body =
        `<${operation}Response xmlns="${spec.namespace}">\n  <${operation}Result>\n${members}  </${operation}Result>\n` +
        `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${operation}Response>\n`;
      const secret = result.secretMember === undefined ? undefined : findMember(result.members, result.secretMember);
      const fragment = secret === undefined ? undefined : `<${result.secretMember}>${xmlEscape(secret)}</${result.secretMember}>`;
      return { ...xmlReply(200, requestId, body), cutAt: cutPoint(body, fragment) };
    },

    failure(error: ApiError, requestId: string): Reply {
      const wire = WIRE[error.kind].query;
      const body =
        `<ErrorResponse xmlns="${spec.namespace}">\n  <Error>\n    <Type>${wire.type}</Type>\n    <Code>${wire.code}</Code>\n` +
        `    <Message>${xmlEscape(error.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
      return { ...xmlReply(wire.status, requestId, body), code: wire.code };
    },
  };
}

/** Redshift's awsQuery protocol (version 2012-12-01). */
export const redshiftQueryProtocol = queryProtocol({
  service: 'redshift',
  version: '2012-12-01',
  namespace: 'http://redshift.amazonaws.com/doc/2012-12-01/',
  operations: ['GetClusterCredentials', 'GetClusterCredentialsWithIAM', 'DescribeClusters', 'DescribeEndpointAccess', 'DescribeCustomDomainAssociations'],
  integers: ['DurationSeconds', 'MaxRecords'],
  booleans: ['AutoCreate'],
  lists: ['DbGroups'],
});

/** STS's awsQuery protocol (version 2011-06-15), served at the same endpoint. */
export const stsQueryProtocol = queryProtocol({
  service: 'sts',
  version: '2011-06-15',
  namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  operations: ['AssumeRole'],
  integers: ['DurationSeconds'],
  booleans: [],
  lists: [],
});

/** The `Version` that tells an STS request from a Redshift one when both arrive at one endpoint. */
export function isStsRequest(body: Buffer): boolean {
  return new URLSearchParams(body.toString('utf8')).get('Version') === '2011-06-15';
}

function readParams(
  pairs: ReadonlyArray<[string, string]>,
  kinds: { integers: ReadonlySet<string>; booleans: ReadonlySet<string>; lists: ReadonlySet<string> },
): Record<string, string | number | boolean | string[]> {
  const params: Record<string, string | number | boolean | string[]> = {};
  const items = new Map<string, Array<[number, string]>>();
  for (const [key, value] of pairs) {
    const item = LIST_ITEM.exec(key);
    if (item?.[1] && kinds.lists.has(item[1])) {
      const list = items.get(item[1]) ?? [];
      list.push([Number(item[2]), value]);
      items.set(item[1], list);
    } else if (kinds.lists.has(key) && value === '') {
      params[key] = []; // how the SDK sends an empty list
    } else if (kinds.integers.has(key) && /^-?\d+$/.test(value)) {
      params[key] = Number(value);
    } else if (kinds.booleans.has(key) && /^(true|false)$/i.test(value)) {
      params[key] = value.toLowerCase() === 'true';
    } else {
      params[key] = value; // malformed numbers and booleans stay strings; the operation rejects them
    }
  }
  for (const [name, list] of items) params[name] = list.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  return params;
}

function xmlMembers(struct: WireStruct, indent: string): string {
  let xml = '';
  for (const [name, value] of Object.entries(struct)) {
    if (value !== undefined) xml += xmlElement(name, value, indent);
  }
  return xml;
}

function xmlElement(name: string, value: WireValue, indent: string): string {
  if (value instanceof WireList) {
    const items = value.items.map((item) => xmlElement(value.itemName, item, `${indent}  `)).join('');
    return `${indent}<${name}>\n${items}${indent}</${name}>\n`;
  }
  if (value instanceof Date) return `${indent}<${name}>${value.toISOString()}</${name}>\n`;
  if (typeof value === 'object') return `${indent}<${name}>\n${xmlMembers(value, `${indent}  `)}${indent}</${name}>\n`;
  return `${indent}<${name}>${xmlEscape(String(value))}</${name}>\n`;
}

function xmlReply(status: number, requestId: string, body: string): Reply {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML element. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char);
}
