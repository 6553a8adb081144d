import type { EmulatorCall, EmulatorIdentity, RedshiftEmulatorOptions } from '../lib/testing';
import type { ProxyCall, ThrottleSettings } from './throttle-proxy';

/** A request from the bench to the emulator process. */
export type EmulatorRequest =
  | { readonly id: number; readonly method: 'start'; readonly options: RedshiftEmulatorOptions }
  | { readonly id: number; readonly method: 'calls' }
  | { readonly id: number; readonly method: 'clearCalls' }
  | { readonly id: number; readonly method: 'setLatency'; readonly ms: number }
  | { readonly id: number; readonly method: 'setExpiryOverride'; readonly seconds: number | undefined }
  | { readonly id: number; readonly method: 'addIdentities'; readonly names: readonly string[]; readonly answeredByProxy: boolean }
  | { readonly id: number; readonly method: 'proxyLog' }
  | { readonly id: number; readonly method: 'clearProxyLog' }
  | { readonly id: number; readonly method: 'setThrottle'; readonly settings: ThrottleSettings | undefined }
  | { readonly id: number; readonly method: 'close' };

/** What the emulator process knows after it started. */
export interface EmulatorStarted {
  readonly endpoint: string;
  readonly region: string;
  readonly identity: EmulatorIdentity;
  /** The logging, optionally throttling proxy in front of the emulator (see `throttle-proxy.ts`). */
  readonly proxyEndpoint: string;
}

/** What a request may answer. */
export type EmulatorValue = EmulatorStarted | readonly EmulatorCall[] | readonly EmulatorIdentity[] | readonly ProxyCall[] | undefined;

/** The answer to one {@link EmulatorRequest}. */
export type EmulatorReply =
  | { readonly id: number; readonly ok: true; readonly value: EmulatorValue }
  | { readonly id: number; readonly ok: false; readonly message: string };
