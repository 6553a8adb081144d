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
  /** 1..2 throttling errors in a row; likewise invisible, only slower. */
  | 'throttling-burst'
  /** 4..8 throttling errors in a row: at least one credentials call fails after all its retries. */
  | 'throttling-storm'
  /** Every AWS call takes seconds for a while. */
  | 'latency-spike'
  /** AWS answers send their headers and then nothing, for a while; the stalled ones stay stalled. */
  | 'stalled-response'
  /** Likewise, but the body trickles in a byte every 2 s: no socket timeout ever fires. */
  | 'trickled-response'
  /** The current temporary password stops working at once. */
  | 'revoke'
  /** Every PostgreSQL backend is terminated (pg_terminate_backend), as a restart does to open sessions. */
  | 'pg-terminate'
  /** The PostgreSQL server process is stopped and started again on the same port and data directory. */
  | 'pg-restart'
  /** AWS is unreachable (connection resets or HTTP 503) for longer than a credential lifetime. */
  | 'outage';

/** Every fault kind, in the order the report lists them. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'unavailable-burst', 'internal-burst', 'throttling-burst', 'throttling-storm', 'latency-spike',
  'stalled-response', 'trickled-response', 'revoke', 'pg-terminate', 'pg-restart', 'outage',
];

/** The faults during which AWS answers stall. */
export const STALL_KINDS: readonly FaultKind[] = ['stalled-response', 'trickled-response'];

// How long after its deadline a stalled fetch may take to fail (timers, a busy event loop).
const STALL_SLACK_MS = 1_000;

/** One injected fault. */
export interface ChaosEvent {
  readonly kind: FaultKind;
  /** When it began (local clock). */
  readonly at: number;
  /** When it was over: the last injected failure answered, the latency, outage or stall lifted, the server back. */
  readonly until: number;
  readonly detail: string;
  /**
   * How long after `until` the credentials fetch under way (if any) ended; undefined when one was
   * still under way after {@link ChaosTargets.settleLimitMs}: a wedged fetch.
   */
  readonly settledMs: number | undefined;
  /** For failure bursts: the emulator did not use up the queued failures in time (no call reached it). */
  readonly undrained?: true;
}

/** What the chaos acts on. */
export interface ChaosTargets {
  readonly emulator: RedshiftEmulator;
  readonly proxy: OutageProxy;
  /** Terminates every backend; resolves the number terminated. */
  readonly terminateBackends: () => Promise<number>;
  /** Stops the PostgreSQL server and starts it again on the same port and data directory. */
  readonly restartServer: () => Promise<void>;
  /** The database user whose password `revoke` kills, e.g. `IAM:soak`. */
  readonly dbUser: string;
  readonly timeline: Timeline;
  readonly prng: Prng;
  /** The credential lifetime the emulator hands out. */
  readonly lifetimeMs: number;
  /** The SDK's attempts per credentials call; bursts stay below, storms reach it. */
  readonly sdkMaxAttempts: number;
  /** The library's deadline for one credentials fetch (`iam.fetchTimeoutSeconds`). */
  readonly fetchTimeoutMs: number;
  /**
   * How long after a fault a credentials fetch may still be under way: the fetch deadline plus
   * slack. Beyond it the fetch counts as wedged and the chaos goes on without waiting for it.
   */
  readonly settleLimitMs: number;
  /** Whether a credentials call (with its SDK retries) is under way. */
  readonly fetching: () => boolean;
  /**
   * Resolves true once a query that started at or after `since` succeeded, or false after
   * `timeoutMs`. After a stall the chaos waits for it, so that the next fault cannot hide how long
   * the stall took to heal.
   */
  readonly recovered: (since: number, timeoutMs: number) => Promise<boolean>;
  /** How long after a stall's end the first query may take to succeed (the fetch deadline plus slack). */
  readonly healLimitMs: number;
}

/** A fault as injected, before the chaos knows whether a fetch was left hanging. */
export type InjectedFault = Omit<ChaosEvent, 'settledMs'>;
type Injected = InjectedFault;

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
export async function runChaos(targets: ChaosTargets, until: number, onFault: (fault: InjectedFault) => void): Promise<ChaosEvent[]> {
  const events: ChaosEvent[] = [];
  const queue = targets.prng.shuffle(FAULT_KINDS);
  while (queue.length > 0 || Date.now() < until) {
    const kind = queue.shift() ?? targets.prng.pick(FAULT_KINDS);
    const injected = await inject(kind, targets);
    onFault(injected);
    if (STALL_KINDS.includes(kind)) await targets.recovered(injected.until, targets.healLimitMs);
    // A call still retrying (e.g. after an outage) must not meet the next fault.
    events.push({ ...injected, settledMs: await fetchSettled(targets) });
    await sleep(targets.prng.int(0, targets.lifetimeMs / 4));
  }
  return events;
}

async function inject(kind: FaultKind, targets: ChaosTargets): Promise<Injected> {
  const { emulator, proxy, prng, timeline, lifetimeMs } = targets;
  const at = Date.now();
  switch (kind) {
    case 'unavailable-burst':
    case 'internal-burst': {
      const fault = kind === 'unavailable-burst' ? 'unavailable' : 'internal';
      const count = prng.int(1, targets.sdkMaxAttempts - 1);
      return { kind, at, ...await failAndDrain(targets, count, fault) };
    }
    case 'throttling-burst': {
      // The SDK waits up to 1 s, 2 s, 4 s before its retries of throttled calls: two throttles stay
      // well inside the fetch deadline, a third could reach it and fail the fetch.
      const count = prng.int(1, Math.min(2, targets.sdkMaxAttempts - 1));
      return { kind, at, ...await failAndDrain(targets, count, 'throttling') };
    }
    case 'throttling-storm': {
      const count = prng.int(targets.sdkMaxAttempts, 2 * targets.sdkMaxAttempts);
      const drained = await failAndDrain(targets, count, 'throttling');
      timeline.awsDown({ from: at, until: drained.until + 200 });
      return { kind, at, ...drained };
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
    case 'stalled-response':
    case 'trickled-response': {
      const mode = kind === 'stalled-response' ? 'silent' : 'trickle';
      const stalledBefore = proxy.stalled;
      // Longer than a credential lifetime, so that a fetch is due during it and the cached
      // credentials run out while it hangs.
      const duration = prng.int(Math.round(1.2 * lifetimeMs), Math.round(1.5 * lifetimeMs));
      proxy.stall(mode);
      await sleep(duration);
      // A fetch is due about once a lifetime, but the refresh point is jittered: hold the stall a
      // little longer if none has met it yet, so that the fault always bites.
      const deadline = Date.now() + 2 * lifetimeMs;
      while (proxy.stalled === stalledBefore && Date.now() < deadline) await sleep(20);
      proxy.up();
      const until = Date.now();
      // A fetch that met the stall just before its end hangs until its deadline.
      timeline.awsStalled({ from: at, until: until + targets.fetchTimeoutMs + STALL_SLACK_MS });
      return { kind, at, until, detail: `${mode} after the headers for ${until - at} ms (${proxy.stalled - stalledBefore} answers stalled)` };
    }
    case 'pg-terminate': {
      const terminated = await targets.terminateBackends();
      const until = Date.now();
      timeline.restarted('terminated', { from: at, until });
      return { kind, at, until, detail: `pg_terminate_backend on ${terminated} backends` };
    }
    case 'pg-restart': {
      // Recorded even if the restart fails, so that the failures it caused are judged as such.
      try {
        await targets.restartServer();
      } finally {
        timeline.restarted('server', { from: at, until: Date.now() });
      }
      const until = Date.now();
      return { kind, at, until, detail: `server stopped and started again in ${until - at} ms` };
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
 * Waits until no credentials fetch is under way; resolves how long that took after the fault ended,
 * or undefined if one was still under way after `settleLimitMs` (a wedged fetch).
 */
async function fetchSettled(targets: ChaosTargets): Promise<number | undefined> {
  const start = Date.now();
  while (targets.fetching()) {
    if (Date.now() - start > targets.settleLimitMs) return undefined;
    await sleep(20);
  }
  return Date.now() - start;
}

/**
 * Queues `count` failures and resolves when the emulator has answered that many with them and the
 * credentials call that met them has finished (its last retries may still be waiting to go out):
 * the next fault must not meet the same call. If no call uses them up in time (a wedged fetch holds
 * every login back), they are dropped and the event says so; a fetch that never ends is left to
 * {@link fetchSettled} to report.
 */
async function failAndDrain(targets: ChaosTargets, count: number, fault: keyof typeof FAULT_CODES): Promise<Omit<Injected, 'kind' | 'at'>> {
  const { emulator } = targets;
  const code = FAULT_CODES[fault];
  const detail = `failNext(${count}, '${fault}')`;
  const answered = () => emulator.calls.filter((call) => call.outcome === code).length;
  const target = answered() + count;
  emulator.failNext(count, fault);
  // A fetch is due within a lifetime; a storm takes two fetches, each bounded by the settle limit.
  const deadline = Date.now() + 2 * targets.lifetimeMs + 2 * targets.settleLimitMs;
  while (answered() < target || targets.fetching()) {
    if (Date.now() > deadline) {
      if (answered() >= target) break;
      emulator.clearFaults();
      return { until: Date.now(), detail: `${detail}, ${target - answered()} never used`, undrained: true };
    }
    await sleep(20);
  }
  return { until: Date.now(), detail };
}
