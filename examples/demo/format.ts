const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `4800` -> `4,800`. */
export function count(value: number): string {
  return INTEGER.format(value);
}

/** `4800, 'query', 'queries'` -> `4,800 queries`. */
export function counted(value: number, singular: string, plural = `${singular}s`): string {
  return `${count(value)} ${value === 1 ? singular : plural}`;
}

/** Milliseconds as seconds with one decimal: `2345` -> `2.3 s`. */
export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** The prefix of an event line: `[ 2.3 s]`, padded so that lines align. */
export function timestamp(ms: number): string {
  return `[${seconds(ms).padStart(7)}]`;
}
