import type { EmulatorCall, EmulatorIdentity, RedshiftEmulatorOptions } from '../lib/testing';

/** A request from the bench to the emulator process. */
export type EmulatorRequest =
  | { readonly id: number; readonly method: 'start'; readonly options: RedshiftEmulatorOptions }
  | { readonly id: number; readonly method: 'calls' }
  | { readonly id: number; readonly method: 'clearCalls' }
  | { readonly id: number; readonly method: 'setLatency'; readonly ms: number }
  | { readonly id: number; readonly method: 'setExpiryOverride'; readonly seconds: number | undefined }
  | { readonly id: number; readonly method: 'close' };

/** What the emulator process knows after it started. */
export interface EmulatorStarted {
  readonly endpoint: string;
  readonly region: string;
  readonly identity: EmulatorIdentity;
}

/** The answer to one {@link EmulatorRequest}. */
export type EmulatorReply =
  | { readonly id: number; readonly ok: true; readonly value: EmulatorStarted | readonly EmulatorCall[] | undefined }
  | { readonly id: number; readonly ok: false; readonly message: string };
