/** Latency summary of one set of samples, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles (no interpolation: every value reported was really observed). */
export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  return {
    count: sorted.length,
    p50: round(rank(50)),
    p95: round(rank(95)),
    p99: round(rank(99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
  };
}

/** `value / baseline`, rounded to three decimals. */
export function ratio(value: number, baseline: number): number {
  return Math.round((value / baseline) * 1000) / 1000;
}

/** Rounds to microseconds when the value is in milliseconds. */
export function round(value: number, decimals = 3): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/**
 * A 95 % bootstrap interval of `percentile(values) / percentile(baseline)`: both sample sets are
 * resampled with replacement `rounds` times. Seeded, so that a result file can be reproduced.
 */
export function bootstrapRatio(values: readonly number[], baseline: readonly number[], percentile: number, rounds = 400): { low: number; high: number } {
  if (values.length === 0 || baseline.length === 0) return { low: NaN, high: NaN };
  const random = xorshift(0x9e3779b9);
  const resampledPercentile = (samples: readonly number[]) => {
    const copy = new Float64Array(samples.length);
    for (let i = 0; i < copy.length; i++) copy[i] = samples[Math.floor(random() * samples.length)] ?? NaN;
    copy.sort();
    return copy[Math.min(copy.length - 1, Math.max(0, Math.ceil((percentile / 100) * copy.length) - 1))] ?? NaN;
  };
  const ratios = Array.from({ length: rounds }, () => resampledPercentile(values) / resampledPercentile(baseline)).sort((a, b) => a - b);
  const at = (q: number) => round(ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))] ?? NaN);
  return { low: at(0.025), high: at(0.975) };
}

function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/** `low-high` of an interval. */
export function formatInterval({ low, high }: { low: number; high: number }): string {
  return `${low}-${high}`;
}
