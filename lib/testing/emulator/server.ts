import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { debuglog } from 'node:util';
import { ApiError, faultError } from './errors';
import { FaultQueue } from './faults';
import { IdentityRegistry, type KnownIdentity } from './identities';
import type { CredentialsRequest, OperationContext } from './context';
import { Directory } from './directory';
import { IamRoles } from './iam-roles';
import { jsonProtocol } from './json-protocol';
import { authorizationTarget, OPERATIONS } from './operations';
import type { OperationResult, ParsedCall, Protocol, Reply } from './protocol';
import { isStsRequest, redshiftQueryProtocol, stsQueryProtocol } from './query-protocol';
import { RoleManager } from './roles';
import { verifySigV4, type ArrivedRequest } from './sigv4';
import type {
  EmulatorCall,
  EmulatorCallParams,
  EmulatorCluster,
  EmulatorCustomDomain,
  EmulatorEndpointAccess,
  EmulatorFaultKind,
  EmulatorIdentities,
  EmulatorIdentity,
  EmulatorIdentityInput,
  EmulatorOperation,
  EmulatorRole,
  EmulatorWorkgroup,
  RedshiftEmulator,
  RedshiftEmulatorOptions,
} from './types';

const debug = debuglog('pg-redshift-iam:emulator');

/** AWS's default lifetime of temporary database credentials. */
const DEFAULT_DURATION_SECONDS = 900;
/** The credential requests are tiny; anything bigger is not from an SDK. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Starts a local stand-in for the Redshift and Redshift Serverless credential APIs on a random
 * loopback port. The unmodified AWS SDK v3 clients talk to it when given `endpoint`, `region` and
 * one of its identities as `credentials` (see {@link RedshiftEmulator.clientConfig}).
 *
 * Requests are SigV4-verified; `GetClusterCredentials`, `GetClusterCredentialsWithIAM` (awsQuery)
 * and Serverless `GetCredentials` (awsJson1_1) answer as AWS does, and each password they hand out
 * is made the password of a PostgreSQL login role of the same name on `options.postgres`, valid
 * until the returned expiration. Throws when PostgreSQL is unreachable or a configured database
 * does not exist on it.
 *
 * @example
 * const emulator = await startRedshiftEmulator({ postgres: superuserSettings });
 * const redshift = new RedshiftClient(emulator.clientConfig());
 * const { DbUser, DbPassword } = await redshift.send(
 *   new GetClusterCredentialsWithIAMCommand({ ClusterIdentifier: 'examplecluster', DbName: 'dev' }),
 * );
 * // log in to superuserSettings.host/port as DbUser with DbPassword
 * redshift.destroy();
 * await emulator.close();
 */
export async function startRedshiftEmulator(options: RedshiftEmulatorOptions): Promise<RedshiftEmulator> {
  if (!options?.postgres) throw new TypeError('startRedshiftEmulator needs postgres: the superuser settings of the server where login roles are created.');
  const emulator = new Emulator(options);
  try {
    await emulator.start();
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return emulator;
}

class Emulator implements RedshiftEmulator {
  readonly region: string;
  readonly accountId: string;
  readonly identities: EmulatorIdentities;
  private readonly postgres: RedshiftEmulatorOptions['postgres'];
  private readonly registry = new IdentityRegistry();
  private readonly roles: RoleManager;
  private readonly faults = new FaultQueue();
  private readonly directory: Directory;
  private readonly iamRoles: IamRoles;
  private readonly dbUsers: Set<string>;
  private readonly log: EmulatorCall[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private readonly server: Server;
  private latencyMs = 0;
  private expiryOverrideSeconds: number | undefined;
  private clockOffsetMs = 0;
  private port = 0;
  private closed: Promise<void> | undefined;

  constructor(options: RedshiftEmulatorOptions) {
    // Every call under way listens to this signal during its added latency; there may be many.
    setMaxListeners(0, this.closing.signal);
    this.postgres = options.postgres;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.roles = new RoleManager(options.postgres);
    this.dbUsers = new Set(options.dbUsers ?? ['awsuser']);
    this.setLatency(options.latencyMs ?? 0);
    this.directory = new Directory({ address: options.postgres.host, port: options.postgres.port });
    this.iamRoles = new IamRoles(this.accountId);
    for (const cluster of options.clusters ?? [{ clusterIdentifier: 'examplecluster' }]) this.addCluster(cluster);
    for (const workgroup of options.workgroups ?? [{ workgroupName: 'default-workgroup' }]) this.addWorkgroup(workgroup);
    this.identities = {
      iamUser: this.addIdentity({ arn: `arn:aws:iam::${this.accountId}:user/${options.iamUserName ?? 'alice'}` }),
      assumedRole: this.addIdentity({ arn: `arn:aws:sts::${this.accountId}:assumed-role/${options.roleName ?? 'app-role'}/session-1` }),
    };
    this.server = createServer((req, res) => this.onRequest(req, res));
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get calls(): readonly EmulatorCall[] {
    return [...this.log];
  }

  async start(): Promise<void> {
    let missing: string[];
    try {
      missing = await this.roles.missingDatabases(this.directory.databases());
    } catch (error) {
      const { host, port, user } = this.postgres;
      throw new Error(`The Redshift emulator cannot use PostgreSQL at ${host}:${port} as ${user}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (missing.length > 0) {
      throw new Error(`The Redshift emulator's databases ${missing.join(', ')} do not exist on the PostgreSQL server; create them or configure other databases.`);
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    debug('listening on %s', this.endpoint);
  }

  addIdentity(input: EmulatorIdentityInput): EmulatorIdentity {
    return this.registry.add(input);
  }

  clientConfig(identity: EmulatorIdentity = this.identities.iamUser): { endpoint: string; region: string; credentials: EmulatorIdentity } {
    return { endpoint: this.endpoint, region: this.region, credentials: identity };
  }

  environment(identity: EmulatorIdentity = this.identities.iamUser): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_REDSHIFT: this.endpoint,
      AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS: this.endpoint,
      AWS_ENDPOINT_URL_STS: this.endpoint,
      AWS_REGION: this.region,
      AWS_ACCESS_KEY_ID: identity.accessKeyId,
      AWS_SECRET_ACCESS_KEY: identity.secretAccessKey,
      ...(identity.sessionToken ? { AWS_SESSION_TOKEN: identity.sessionToken } : {}),
    };
  }

  clearCalls(): void {
    this.log.length = 0;
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`setLatency: ms must be a non-negative number, not ${ms}.`);
    this.latencyMs = ms;
  }

  failNext(count: number, kind: EmulatorFaultKind, operation?: EmulatorOperation): void {
    this.faults.add(count, kind, operation);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setExpiryOverride(seconds: number | undefined): void {
    if (seconds !== undefined && (!Number.isFinite(seconds) || seconds <= 0)) {
      throw new RangeError(`setExpiryOverride: seconds must be positive or undefined, not ${seconds}.`);
    }
    this.expiryOverrideSeconds = seconds;
  }

  setClockOffset(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`setClockOffset: ms must be a finite number, not ${ms}.`);
    this.clockOffsetMs = ms;
  }

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  revoke(dbUser: string): Promise<void> {
    return this.roles.revoke(dbUser);
  }

  addCluster(cluster: EmulatorCluster): void {
    this.directory.addCluster(cluster);
  }

  addWorkgroup(workgroup: EmulatorWorkgroup): void {
    this.directory.addWorkgroup(workgroup);
  }

  addEndpointAccess(endpoint: EmulatorEndpointAccess): void {
    this.directory.addEndpointAccess(endpoint);
  }

  addCustomDomain(domain: EmulatorCustomDomain): void {
    this.directory.addCustomDomain(domain);
  }

  addRole(role: EmulatorRole): string {
    return this.iamRoles.add(role);
  }

  addDbUser(name: string): void {
    this.dbUsers.add(name);
  }

  issuedPasswords(): readonly string[] {
    return this.roles.issuedPasswords();
  }

  close(): Promise<void> {
    return (this.closed ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    this.closing.abort();
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive sockets of SDK clients would hold the server open; cut them now. Handlers still
    // running finish their PostgreSQL work before the pools end.
    this.server.closeAllConnections();
    await Promise.allSettled([...this.inflight]);
    await stopped;
    await this.roles.close();
    debug('closed %s', this.endpoint);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const work = this.handle(req, res).catch((error: unknown) => {
      debug('request handling failed: %s', error instanceof Error ? error.message : String(error));
      if (!res.headersSent) res.writeHead(500).end();
    });
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = new Date();
    const requestId = randomUUID();
    const body = await readBody(req);
    if (!body) {
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const request: ArrivedRequest = { method: req.method ?? 'GET', path: url.pathname, query: queryRecord(url.searchParams), headers: req.headers, body };
    const protocol = selectProtocol(request);
    const call = protocol.parse(request);
    let caller: KnownIdentity | undefined;
    let result: OperationResult | undefined;
    let fault: EmulatorFaultKind | undefined;
    let reply: Reply;
    try {
      if (this.latencyMs > 0) await sleep(this.latencyMs, undefined, { signal: this.closing.signal });
      caller = await verifySigV4(request, { service: protocol.service, region: this.region, now: this.now(), identities: this.registry });
      fault = this.faults.take(call.operation);
      if (fault && fault !== 'stall' && fault !== 'truncated') throw this.faultError(protocol, call, caller, fault);
      if (call.error || !call.known) throw call.error ?? new ApiError('unknownOperation', `Unknown operation ${call.operation}`);
      if (fault === 'stall') {
        this.record(at, protocol, call, caller, 'stalled');
        await this.stall(res);
        return;
      }
      result = await OPERATIONS[call.known](call.params, this.context(caller));
      reply = protocol.success(call.known, result, requestId);
    } catch (error) {
      if (this.closing.signal.aborted) {
        res.destroy();
        return;
      }
      reply = protocol.failure(asApiError(error), requestId);
    }
    const truncated = fault === 'truncated' && reply.code === undefined;
    this.record(at, protocol, call, caller, truncated ? 'truncated' : (reply.code ?? 'ok'), result);
    const sent = truncated ? Buffer.from(reply.body.slice(0, reply.cutAt)) : Buffer.from(reply.body);
    res.writeHead(reply.status, { ...reply.headers, date: this.now().toUTCString(), 'content-length': String(sent.length) });
    res.end(sent);
  }

  /** The `stall` fault: a 200 with headers, then silence until the client or the emulator closes the connection. */
  private stall(res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/plain', date: this.now().toUTCString() });
    res.flushHeaders();
    return new Promise<void>((resolve) => {
      const done = () => {
        this.closing.signal.removeEventListener('abort', done);
        res.destroy();
        resolve();
      };
      res.once('close', done);
      this.closing.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** An injected error fault, worded as AWS words it. Faults hit only authenticated calls, like AWS's throttling. */
  private faultError(protocol: Protocol, call: ParsedCall, caller: KnownIdentity, fault: EmulatorFaultKind): ApiError {
    const { action, resourceArn } = authorizationTarget(protocol.service, call.operation, call.params, this.region, this.accountId);
    return faultError(fault as Exclude<EmulatorFaultKind, 'stall' | 'truncated'>, action, caller.identity.arn, resourceArn);
  }

  private context(caller: KnownIdentity): OperationContext {
    return {
      caller,
      region: this.region,
      accountId: this.accountId,
      now: this.now(),
      directory: this.directory,
      dbUsers: this.dbUsers,
      roles: this.iamRoles,
      identities: this.registry,
      issue: (request) => this.issue(request),
    };
  }

  /**
   * The returned expiration is on the emulator's clock, the role's VALID UNTIL on the real one:
   * with a clock offset this models a local clock that is skewed relative to AWS.
   */
  private async issue(request: CredentialsRequest): Promise<{ password: string; expiration: Date }> {
    const lifetimeMs = (this.expiryOverrideSeconds ?? request.durationSeconds ?? DEFAULT_DURATION_SECONDS) * 1000;
    const { password } = await this.roles.issue({
      dbUser: request.dbUser,
      databases: request.databases,
      groups: request.groups,
      createRole: request.createRole,
      validUntil: new Date(Date.now() + lifetimeMs),
    });
    return { password, expiration: new Date(this.now().getTime() + lifetimeMs) };
  }

  private record(at: Date, protocol: Protocol, call: ParsedCall, caller: KnownIdentity | undefined, outcome: EmulatorCall['outcome'], result?: OperationResult): void {
    const entry: EmulatorCall = Object.freeze({
      at,
      service: protocol.service,
      operation: call.operation,
      params: frozenParams(call.params),
      ...(caller ? { identityArn: caller.identity.arn } : {}),
      outcome,
      ...(result?.log?.dbUser ? { dbUser: result.log.dbUser } : {}),
      ...(result?.log?.assumedRoleArn ? { assumedRoleArn: result.log.assumedRoleArn } : {}),
      ...(result?.log?.expiration ? { expiration: result.log.expiration } : {}),
    });
    this.log.push(entry);
    debug(
      '%s %s by %s: %s%s',
      entry.service,
      entry.operation || '(no operation)',
      entry.identityArn ?? '(unauthenticated)',
      entry.outcome,
      entry.dbUser ? ` as ${entry.dbUser} until ${entry.expiration?.toISOString()}` : '',
    );
  }
}

/** STS and Redshift both speak awsQuery at this one endpoint; the API version tells them apart. */
function selectProtocol(request: ArrivedRequest): Protocol {
  if (request.headers['x-amz-target'] !== undefined) return jsonProtocol;
  return isStsRequest(request.body) ? stsQueryProtocol : redshiftQueryProtocol;
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  debug('internal error: %s', message);
  // PostgreSQL's messages name roles and databases, never the password literals of our statements.
  return new ApiError('internal', `The Redshift emulator failed: ${message}`);
}

/** A copy that tests cannot change under the log, lists included. */
function frozenParams(params: EmulatorCallParams): EmulatorCallParams {
  const copy: Record<string, string | number | boolean | readonly string[]> = {};
  for (const [key, value] of Object.entries(params)) copy[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
  return Object.freeze(copy);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}
