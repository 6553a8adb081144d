import { round } from './percentiles';
import type { ProxyCall } from './throttle-proxy';

/** The timing of one fleet run, in ms (`startAt` is `Date.now()` of the cold start). */
export interface FleetTiming {
  readonly startAt: number;
  readonly durationMs: number;
  readonly lifetimeMs: number;
  readonly windowMs: number;
}

/** AWS calls of one fleet run as AWS would count them (every HTTP request, SDK retries included). */
export interface FleetCallAnalysis {
  readonly awsCalls: number;
  /** Calls before the first refresh window could open (`lifetime - window` after the start). */
  readonly coldStartCalls: number;
  readonly throttledCalls: number;
  /**
   * The most calls in any one second within each refresh round: round k runs from
   * `k * lifetime - window` to `(k + 1) * lifetime - window` after the start.
   */
  readonly peakCallsPerSecondByRound: readonly number[];
  /** The largest of those: the peak after the cold start. */
  readonly peakCallsPerSecond: number;
  /** Calls after the cold start per cache per lifetime. */
  readonly callsPerCachePerLifetime: number;
  /** The same for the cache that called most. */
  readonly maxCallsPerCachePerLifetime: number;
  /** Lifetimes after the cold start that the figures per lifetime divide by. */
  readonly lifetimesMeasured: number;
}

const SECOND_MS = 1000;

/** Counts the calls of the run's caches (`keys`: their access key ids) inside the run. */
export function analyzeFleetCalls(log: readonly ProxyCall[], keys: ReadonlySet<string>, timing: FleetTiming): FleetCallAnalysis {
  const endAt = timing.startAt + timing.durationMs;
  const calls = log.filter((call) => keys.has(call.accessKeyId) && call.at >= timing.startAt && call.at < endAt);
  const refreshFrom = timing.startAt + timing.lifetimeMs - timing.windowMs;
  const refreshCalls = calls.filter((call) => call.at >= refreshFrom);
  const times = refreshCalls.map((call) => call.at).sort((a, b) => a - b);
  const peaks: number[] = [];
  for (let from = refreshFrom; from < endAt; from += timing.lifetimeMs) {
    peaks.push(peakPerWindow(times.filter((at) => at >= from && at < from + timing.lifetimeMs), SECOND_MS));
  }
  const lifetimesMeasured = (endAt - refreshFrom) / timing.lifetimeMs;
  const perCache = new Map<string, number>();
  for (const call of refreshCalls) perCache.set(call.accessKeyId, (perCache.get(call.accessKeyId) ?? 0) + 1);
  return {
    awsCalls: calls.length,
    coldStartCalls: calls.length - refreshCalls.length,
    throttledCalls: calls.filter((call) => call.throttled).length,
    peakCallsPerSecondByRound: peaks,
    peakCallsPerSecond: Math.max(0, ...peaks),
    callsPerCachePerLifetime: round(refreshCalls.length / keys.size / lifetimesMeasured, 3),
    maxCallsPerCachePerLifetime: round(Math.max(0, ...perCache.values()) / lifetimesMeasured, 3),
    lifetimesMeasured: round(lifetimesMeasured, 2),
  };
}

/** The most of `sortedTimes` that fall in any interval of `windowMs` (a sliding window). */
export function peakPerWindow(sortedTimes: readonly number[], windowMs: number): number {
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sortedTimes.length; last++) {
    while ((sortedTimes[last] ?? 0) - (sortedTimes[first] ?? 0) >= windowMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}
