import type { EmulatorFaultKind, EmulatorOperation } from './types';

const KINDS: ReadonlySet<string> = new Set<EmulatorFaultKind>(['throttling', 'unavailable', 'internal', 'accessDenied', 'stall', 'truncated']);

interface PendingFault {
  remaining: number;
  readonly kind: EmulatorFaultKind;
  readonly operation: EmulatorOperation | undefined;
}

/** Injected failures, consumed in the order they were queued by the calls they match. */
export class FaultQueue {
  private pending: PendingFault[] = [];

  /** Queues `count` failures of `kind` for calls of `operation` (any operation when undefined). */
  add(count: number, kind: EmulatorFaultKind, operation?: EmulatorOperation): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`failNext: count must be a non-negative integer, not ${count}.`);
    if (!KINDS.has(kind)) throw new TypeError(`failNext: unknown fault kind ${JSON.stringify(kind)}.`);
    if (count > 0) this.pending.push({ remaining: count, kind, operation });
  }

  /** Forgets every queued failure. */
  clear(): void {
    this.pending = [];
  }

  /** The fault the call of `operation` must fail with, if any; counts it as used. */
  take(operation: string): EmulatorFaultKind | undefined {
    const fault = this.pending.find((candidate) => candidate.operation === undefined || candidate.operation === operation);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.pending = this.pending.filter((candidate) => candidate !== fault);
    return fault.kind;
  }
}
