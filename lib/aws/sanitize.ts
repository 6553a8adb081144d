/**
 * What an SDK error may keep when it leaves the library as a `cause`: its kind, AWS's own words,
 * and the request's metadata. Never its raw response (`$response`, `$responseBodyText`), headers or
 * request, which can hold a password when a 200 answer failed to parse.
 */
export interface SanitizedAwsError extends Error {
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string; readonly attempts?: number; readonly totalRetryDelay?: number };
  readonly $retryable?: { readonly throttling?: boolean };
  readonly code?: string;
}

interface RawSdkError {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: Record<string, unknown>;
  $retryable?: { throttling?: unknown };
  $responseBodyText?: unknown;
  $response?: { body?: unknown };
}

// A value this long from the body appearing in the message means the message quotes the body.
const QUOTE_LENGTH = 8;
const UNPARSEABLE = 'the response could not be parsed';

/**
 * A copy of `error` without any response body or header: name, message (unless it quotes the
 * body), `code`, `$fault`, `$retryable` and `$metadata`. Anything that is not an object becomes an
 * `Error` with its string form. Works for both protocols (awsQuery XML and awsJson1_1).
 */
export function sanitizeAwsError(error: unknown): SanitizedAwsError {
  if (typeof error !== 'object' || error === null) return new Error(String(error));
  const raw = error as RawSdkError;
  const name = typeof raw.name === 'string' ? raw.name : 'Error';
  const message = safeMessage(raw);
  const copy = new Error(message) as { -readonly [K in keyof SanitizedAwsError]: SanitizedAwsError[K] };
  copy.name = name;
  // Keep the frames (where it failed), not the first line, which repeats the original message.
  const frames = typeof raw.stack === 'string' ? raw.stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
  copy.stack = [`${name}: ${message}`, ...frames].join('\n');
  if (typeof raw.code === 'string') copy.code = raw.code;
  if (raw.$fault === 'client' || raw.$fault === 'server') copy.$fault = raw.$fault;
  if (raw.$retryable !== undefined) copy.$retryable = { throttling: raw.$retryable.throttling === true };
  if (raw.$metadata !== undefined) {
    const { httpStatusCode, requestId, attempts, totalRetryDelay } = raw.$metadata;
    copy.$metadata = {
      httpStatusCode: typeof httpStatusCode === 'number' ? httpStatusCode : undefined,
      requestId: typeof requestId === 'string' ? requestId : undefined,
      attempts: typeof attempts === 'number' ? attempts : undefined,
      totalRetryDelay: typeof totalRetryDelay === 'number' ? totalRetryDelay : undefined,
    };
  }
  return copy;
}

/**
 * The message, cut to its first line (the SDK's second line points at the raw response, which is
 * gone), unless it quotes the body. A modeled AWS error (`$fault` set) carries AWS's own message,
 * which never holds a password; a parse error may quote the body it failed on.
 */
function safeMessage(raw: RawSdkError): string {
  const text = typeof raw.message === 'string' ? raw.message : '';
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  if (raw.$fault === 'client' || raw.$fault === 'server') return firstLine;
  const body = bodyText(raw);
  // The body was a stream the parser consumed: a parser's message (which may quote the body, as
  // JSON.parse does) cannot be checked against it. (The SDK appends a "Deserialization error" line
  // to every error met while deserializing, timeouts included; only the first line counts.)
  if (body === undefined) return /parse|json|xml|unexpected|token/i.test(firstLine) ? UNPARSEABLE : firstLine;
  return valuesOf(body).some((value) => text.includes(value)) ? UNPARSEABLE : firstLine;
}

function bodyText(raw: RawSdkError): string | undefined {
  if (typeof raw.$responseBodyText === 'string') return raw.$responseBodyText;
  const body = raw.$response?.body;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return undefined;
}

/** Text values in an XML or JSON body: what is between tags or inside quotes. */
function valuesOf(body: string): string[] {
  const values = body.split(/<[^>]*>|["{}[\],:]/).map((part) => part.trim());
  return values.filter((value) => value.length >= QUOTE_LENGTH);
}
