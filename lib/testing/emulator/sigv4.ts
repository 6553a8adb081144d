import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiError } from './errors';
import type { IdentityRegistry, KnownIdentity } from './identities';
import type { EmulatorService } from './types';

/** The parts of an arrived HTTP request that a SigV4 signature covers. */
export interface ArrivedRequest {
  readonly method: string;
  /** The path without the query string, as sent. */
  readonly path: string;
  /** Decoded query parameters; repeated names become arrays. */
  readonly query: Readonly<Record<string, string | string[]>>;
  /** Node's lowercased header map. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What a request must be signed for. */
export interface SigV4Expectations {
  readonly service: EmulatorService;
  readonly region: string;
  /** The verifier's ("AWS's") current time. */
  readonly now: Date;
  readonly identities: IdentityRegistry;
}

/** AWS rejects signatures more than 15 minutes away from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/**
 * Verifies the `Authorization` header the way AWS does and returns the caller. The signature is
 * recomputed by `@smithy/signature-v4` over exactly the headers the client listed as signed, with
 * the secret of the access key named in the credential scope, at the request's own `X-Amz-Date`.
 * Throws {@link ApiError} with AWS's codes and messages.
 */
export async function verifySigV4(request: ArrivedRequest, expected: SigV4Expectations): Promise<KnownIdentity> {
  const authorization = single(request.headers.authorization);
  if (!authorization) throw new ApiError('missingAuthentication', 'Request is missing Authentication Token');
  const auth = parseAuthorization(authorization);

  const known = expected.identities.find(auth.accessKeyId);
  if (!known || !sameSessionToken(single(request.headers['x-amz-security-token']), known.identity.sessionToken)) {
    throw new ApiError('invalidClientToken', INVALID_TOKEN);
  }
  if (known.identity.expiration && expected.now.getTime() >= known.identity.expiration.getTime()) {
    throw new ApiError('expiredToken', 'The security token included in the request is expired');
  }

  const amzDate = single(request.headers['x-amz-date']);
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!amzDate || !signingDate) {
    throw new ApiError('incompleteSignature', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  checkScope(auth, amzDate, expected);
  checkClock(amzDate, signingDate, expected.now);
  if (!auth.signedHeaders.includes('host')) {
    throw new ApiError('incompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw new ApiError('signatureMismatch', MISMATCH);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // The signer takes a signed x-amz-content-sha256 at its word; AWS hashes the payload that arrived.
  const claimedHash = headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(request.body).digest('hex')) {
    throw new ApiError('signatureMismatch', MISMATCH);
  }
  const signer = new SignatureV4({
    // The token header, when signed, is already among the headers; the signer must not add it again.
    credentials: { accessKeyId: known.identity.accessKeyId, secretAccessKey: known.identity.secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    // The client decided whether x-amz-content-sha256 is part of the signature; do not add it.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers.host ?? '', path: request.path, query: { ...request.query }, headers, body: request.body },
    // Signed headers that the signer would skip by default (e.g. user-agent) still count when the client signed them.
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const computed = /Signature=([0-9a-f]+)/.exec(signed.headers.authorization ?? '')?.[1] ?? '';
  if (!constantTimeEqual(computed, auth.signature)) throw new ApiError('signatureMismatch', MISMATCH);
  return known;
}

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

function parseAuthorization(header: string): ParsedAuthorization {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) throw new ApiError('incompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'.`);
  const parts = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !parts.get(name));
  if (missing.length > 0) {
    throw new ApiError('incompleteSignature', missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }
  const [accessKeyId, scopeDate, region, service, terminator, ...rest] = (parts.get('Credential') ?? '').split('/');
  if (!accessKeyId || !scopeDate || !region || !service || terminator !== 'aws4_request' || rest.length > 0) {
    throw new ApiError('incompleteSignature', "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + (parts.get('Credential') ?? '') + "'");
  }
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: (parts.get('SignedHeaders') ?? '').split(';'),
    signature: parts.get('Signature') ?? '',
  };
}

function checkScope(auth: ParsedAuthorization, amzDate: string, expected: SigV4Expectations): void {
  if (auth.scopeDate !== amzDate.slice(0, 8)) {
    throw new ApiError(
      'signatureMismatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (auth.region !== expected.region) {
    throw new ApiError('signatureMismatch', `Credential should be scoped to a valid region, not '${auth.region}'.`);
  }
  if (auth.service !== expected.service) {
    throw new ApiError('signatureMismatch', `Credential should be scoped to correct service: '${expected.service}'.`);
  }
}

function checkClock(amzDate: string, signingDate: Date, now: Date): void {
  const skew = signingDate.getTime() - now.getTime();
  // The SDK recognises these two messages: it corrects its clock from our Date header and retries.
  if (skew < -MAX_CLOCK_SKEW_MS) {
    throw new ApiError(
      'signatureMismatch',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now.getTime() - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now.getTime())} - 15 min.)`,
    );
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    throw new ApiError(
      'signatureMismatch',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now.getTime() + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now.getTime())} + 15 min.)`,
    );
  }
}

function sameSessionToken(received: string | undefined, expected: string | undefined): boolean {
  if (received === undefined || expected === undefined) return received === expected;
  return constantTimeEqual(received, expected);
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the smithy signer expects of a hash constructor. */
class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = NodeSha256.create(secret);
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = NodeSha256.create(this.secret);
  }

  private static create(secret: SourceData | undefined): Hash | Hmac {
    if (secret === undefined) return createHash('sha256');
    if (typeof secret === 'string') return createHmac('sha256', secret);
    const bytes = ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    return createHmac('sha256', bytes);
  }
}
