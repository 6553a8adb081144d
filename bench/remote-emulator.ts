import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { EmulatorCall, EmulatorIdentity, RedshiftEmulatorOptions } from '../lib/testing';
import type { EmulatorReply, EmulatorRequest, EmulatorStarted } from './emulator-protocol';
import type { ProxyCall, ThrottleSettings } from './throttle-proxy';

type Pending = { resolve: (value: EmulatorReply) => void; reject: (error: Error) => void };
// Omit applied to each member of the union, so every method keeps its own fields.
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type RequestBody = WithoutId<EmulatorRequest>;

/** The controls of an emulator that runs in a child process (see `emulator-process.ts`). */
export interface RemoteEmulator {
  readonly endpoint: string;
  readonly region: string;
  /** The emulator's IAM user: SDK credentials for every variant. */
  readonly identity: EmulatorIdentity;
  /** Every call so far, oldest first. */
  calls(): Promise<readonly EmulatorCall[]>;
  clearCalls(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  setExpiryOverride(seconds: number | undefined): Promise<void>;
  /** The proxy in front of the emulator: every request logged, optionally a token bucket. */
  readonly proxyEndpoint: string;
  /**
   * Registers IAM users `arn:aws:iam::<account>:user/<name>` and returns their keys. With
   * `answeredByProxy`, the proxy answers their `GetClusterCredentials` calls itself (SigV4 checked,
   * no PostgreSQL role behind the password): for callers that never log in.
   */
  addIdentities(names: readonly string[], answeredByProxy: boolean): Promise<readonly EmulatorIdentity[]>;
  /** Requests that went through the proxy since the last `clearProxyLog()`. */
  proxyLog(): Promise<readonly ProxyCall[]>;
  clearProxyLog(): Promise<void>;
  /** Sets (or, with `undefined`, removes) the proxy's token bucket. */
  setThrottle(settings: ThrottleSettings | undefined): Promise<void>;
  /** Stops the emulator and waits for its process to exit. Idempotent. */
  close(): Promise<void>;
}

/** Starts `startRedshiftEmulator(options)` in a child process and returns its controls. */
export async function startRemoteEmulator(options: RedshiftEmulatorOptions): Promise<RemoteEmulator> {
  const child = fork(join(__dirname, 'emulator-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    cwd: join(__dirname, '..'),
    // Structured clone keeps the Dates of the call log.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const request = connect(child, exited);
  const started = (await request({ method: 'start', options }).catch(async (error: unknown) => {
    child.kill();
    throw error;
  })) as EmulatorStarted;
  let closing: Promise<void> | undefined;
  return {
    ...started,
    calls: async () => (await request({ method: 'calls' })) as readonly EmulatorCall[],
    clearCalls: async () => void (await request({ method: 'clearCalls' })),
    setLatency: async (ms) => void (await request({ method: 'setLatency', ms })),
    setExpiryOverride: async (seconds) => void (await request({ method: 'setExpiryOverride', seconds })),
    addIdentities: async (names, answeredByProxy) => (await request({ method: 'addIdentities', names, answeredByProxy })) as readonly EmulatorIdentity[],
    proxyLog: async () => (await request({ method: 'proxyLog' })) as readonly ProxyCall[],
    clearProxyLog: async () => void (await request({ method: 'clearProxyLog' })),
    setThrottle: async (settings) => void (await request({ method: 'setThrottle', settings })),
    close: () => (closing ??= request({ method: 'close' }).then(() => exited, () => exited)),
  };
}

function connect(child: ChildProcess, exited: Promise<void>): (body: RequestBody) => Promise<unknown> {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  child.on('message', (reply: EmulatorReply) => {
    pending.get(reply.id)?.resolve(reply);
    pending.delete(reply.id);
  });
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error('the emulator process exited'));
    pending.clear();
  });
  return async (body) => {
    const id = nextId++;
    const reply = await new Promise<EmulatorReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ ...body, id } as EmulatorRequest);
    });
    if (!reply.ok) throw new Error(`emulator: ${reply.message}`);
    return reply.value;
  };
}
