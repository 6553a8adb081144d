import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorErrorCode, EmulatorFaultKind, RedshiftEmulator } from '../../lib/testing';
import type { OutageProxy } from './outage-proxy';
import type { Prng } from './prng';
import type { Timeline } from './timeline';

/** The faults the soak injects. */
export type FaultKind =
  /** 1..3 HTTP 503s in a row: fewer than the SDK's attempts, so nobody may notice. */
  | 'unavailable-burst'
  /** 1..3 HTTP 500s in a row; likewise invisible. */
  | 'internal-burst'
  /** 1..3 throttling errors in a row; likewise invisible, only slower. */
  | 'throttling-burst'
  /** 4..8 throttling errors in a row: at least one credentials call fails after all its retries. */
  | 'throttling-storm'
  /** Every AWS call takes seconds for a while. */
  | 'latency-spike'
  /** The current temporary password stops working at once. */
  | 'revoke'
  /** Every PostgreSQL backend is terminated, as a server restart does to open sessions. */
  | 'pg-restart'
  /** AWS is unreachable (connection resets or HTTP 503) for longer than a credential lifetime. */
  | 'outage';

/** Every fault kind, in the order the report lists them. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'unavailable-burst', 'internal-burst', 'throttling-burst', 'throttling-storm', 'latency-spike', 'revoke', 'pg-restart', 'outage',
];

/** One injected fault. */
export interface ChaosEvent {
  readonly kind: FaultKind;
  /** When it began (local clock). */
  readonly at: number;
  /** When it was over: the last injected failure answered, the latency or outage lifted. */
  readonly until: number;
  readonly detail: string;
}

/** What the chaos acts on. */
export interface ChaosTargets {
  readonly emulator: RedshiftEmulator;
  readonly proxy: OutageProxy;
  /** Terminates every backend; resolves the number terminated. */
  readonly restartPostgres: () => Promise<number>;
  /** The database user whose password `revoke` kills, e.g. `IAM:soak`. */
  readonly dbUser: string;
  readonly timeline: Timeline;
  readonly prng: Prng;
  /** The credential lifetime the emulator hands out. */
  readonly lifetimeMs: number;
  /** The SDK's attempts per credentials call; bursts stay below, storms reach it. */
  readonly sdkMaxAttempts: number;
  /** Whether a credentials call (with its SDK retries) is under way. */
  readonly fetching: () => boolean;
}

// How the emulator's awsQuery API (provisioned clusters) names each injected fault in its call log.
const FAULT_CODES: Readonly<Record<Exclude<EmulatorFaultKind, 'accessDenied' | 'stall' | 'truncated'>, EmulatorErrorCode>> = {
  unavailable: 'ServiceUnavailable',
  internal: 'InternalFailure',
  throttling: 'Throttling',
};

/**
 * Injects faults one after another until `until`: first every kind once (shuffled), so that even
 * a short run covers them all, then random kinds. Waits between faults, and waits for queued
 * failures to be used up, so that faults never pile up into an outage nobody planned.
 */
export async function runChaos(targets: ChaosTargets, until: number, onEvent: (event: ChaosEvent) => void): Promise<ChaosEvent[]> {
  const events: ChaosEvent[] = [];
  const queue = targets.prng.shuffle(FAULT_KINDS);
  while (queue.length > 0 || Date.now() < until) {
    const kind = queue.shift() ?? targets.prng.pick(FAULT_KINDS);
    const event = await inject(kind, targets);
    events.push(event);
    onEvent(event);
    // A call still retrying (e.g. after an outage) must not meet the next fault.
    while (targets.fetching()) await sleep(20);
    await sleep(targets.prng.int(0, targets.lifetimeMs / 4));
  }
  return events;
}

async function inject(kind: FaultKind, targets: ChaosTargets): Promise<ChaosEvent> {
  const { emulator, proxy, prng, timeline, lifetimeMs } = targets;
  const at = Date.now();
  switch (kind) {
    case 'unavailable-burst':
    case 'internal-burst':
    case 'throttling-burst': {
      const fault = kind === 'unavailable-burst' ? 'unavailable' : kind === 'internal-burst' ? 'internal' : 'throttling';
      const count = prng.int(1, targets.sdkMaxAttempts - 1);
      const until = await failAndDrain(targets, count, fault);
      return { kind, at, until, detail: `failNext(${count}, '${fault}')` };
    }
    case 'throttling-storm': {
      const count = prng.int(targets.sdkMaxAttempts, 2 * targets.sdkMaxAttempts);
      const until = await failAndDrain(targets, count, 'throttling');
      timeline.awsDown({ from: at, until: until + 200 });
      return { kind, at, until, detail: `failNext(${count}, 'throttling')` };
    }
    case 'latency-spike': {
      const latency = prng.int(1_500, 3_500);
      const duration = prng.int(lifetimeMs / 2, lifetimeMs);
      emulator.setLatency(latency);
      await sleep(duration);
      emulator.setLatency(0);
      // Calls that arrived during the spike still answer late.
      return { kind, at, until: Date.now() + latency, detail: `setLatency(${latency}) for ${duration} ms` };
    }
    case 'revoke': {
      timeline.passwordRevoked(at);
      await emulator.revoke(targets.dbUser);
      return { kind, at, until: Date.now(), detail: `revoke('${targets.dbUser}')` };
    }
    case 'pg-restart': {
      const terminated = await targets.restartPostgres();
      const until = Date.now();
      timeline.backendsTerminated({ from: at, until });
      return { kind, at, until, detail: `pg_terminate_backend on ${terminated} backends` };
    }
    case 'outage': {
      const mode = prng.pick(['reset', 'unavailable'] as const);
      // Longer than a credential lifetime, so that the cached credentials run out during it.
      const duration = prng.int(Math.round(1.2 * lifetimeMs), Math.round(1.5 * lifetimeMs));
      proxy.down(mode);
      await sleep(duration);
      proxy.up();
      const until = Date.now();
      timeline.awsDown({ from: at, until: until + 200 });
      return { kind, at, until, detail: `${mode} for ${duration} ms` };
    }
  }
}

/**
 * Queues `count` failures and resolves when the emulator has answered that many with them and the
 * credentials call that met them has finished (its last retries may still be waiting to go out):
 * the next fault must not meet the same call.
 */
async function failAndDrain(targets: ChaosTargets, count: number, fault: keyof typeof FAULT_CODES): Promise<number> {
  const { emulator } = targets;
  const code = FAULT_CODES[fault];
  const answered = () => emulator.calls.filter((call) => call.outcome === code).length;
  const target = answered() + count;
  emulator.failNext(count, fault);
  // Credentials are fetched about once a lifetime; allow several, plus SDK backoff.
  const deadline = Date.now() + 10 * targets.lifetimeMs + 30_000;
  while (answered() < target || targets.fetching()) {
    if (Date.now() > deadline) throw new Error(`the emulator did not use up failNext(${count}, '${fault}') in time: is the workload stuck?`);
    await sleep(20);
  }
  return Date.now();
}
