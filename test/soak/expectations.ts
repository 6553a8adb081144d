import { FAULT_KINDS, STALL_KINDS } from './chaos';
import { HEAL_SLACK_MS, POOL_END_LIMIT_MS } from './limits';
import { MAX_KEPT_FAILURES, mb, type SoakReport } from './soak';

/** Heap growth allowed between the warmed-up pool and the end of the chaos (after gc). */
export const HEAP_GROWTH_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * The promises the soak checks, as violations: empty means the library kept working, lost nothing
 * and leaked nothing. Each line says what went wrong.
 */
export function evaluateSoak(report: SoakReport): string[] {
  const violations: string[] = [];
  for (const failure of report.failures) {
    if (failure.category === 'unexpected') {
      violations.push(`query failed unexpectedly (${failure.reason}): ${failure.error.code ?? failure.error.name}: ${failure.error.message}`);
    }
  }
  if (report.failuresDropped > 0) violations.push(`more than ${MAX_KEPT_FAILURES} failures; ${report.failuresDropped} were not judged`);
  for (const line of report.idleClientErrors.unexplained) violations.push(`an idle pool connection broke with no restart to explain it: ${line}`);
  const missing = FAULT_KINDS.filter((kind) => !report.events.some((event) => event.kind === kind));
  if (missing.length > 0) violations.push(`faults never injected: ${missing.join(', ')}`);
  const fetchTimeoutMs = report.options.fetchTimeoutSeconds * 1000;
  for (const event of report.events) {
    const what = `${event.kind} (${event.detail})`;
    if (event.recoveryMs === undefined) violations.push(`no query succeeded after ${what} was over`);
    else if (STALL_KINDS.includes(event.kind) && event.recoveryMs > fetchTimeoutMs + HEAL_SLACK_MS) {
      violations.push(`the first query after ${what} succeeded only ${event.recoveryMs} ms after it was over (limit: the fetch deadline plus ${HEAL_SLACK_MS} ms)`);
    }
    if (event.settledMs === undefined) violations.push(`a credentials fetch was still under way (stats().refreshing) long after ${what} was over: a wedged fetch`);
    if (event.undrained) violations.push(`no credentials call reached AWS for a long time during ${what}: logins were held back`);
  }
  if (report.connects.maxMs > report.connects.limitMs) {
    violations.push(`${report.connects.slow} pool.connect() calls took longer than connectionTimeoutMillis plus slack (${report.connects.limitMs} ms); the slowest ${report.connects.maxMs} ms`);
  }
  if (report.stuckWorkers > 0) violations.push(`${report.stuckWorkers} workers' queries had not settled when the workload stopped: a hung connect or query`);
  for (const line of report.uncaught) violations.push(`uncaught exception (it would crash an application): ${line}`);
  if (report.poolEndMs === undefined) violations.push(`pool.end() had not returned ${POOL_END_LIMIT_MS} ms after it was called`);
  if (report.quiet.failed > 0 || report.quiet.ok === 0) {
    violations.push(`the quiet phase after the chaos had ${report.quiet.failed} failed and ${report.quiet.ok} successful queries (expected 0 failed)`);
  }
  if (report.finalCheck.error !== undefined) violations.push(`fresh connections after the chaos failed: ${report.finalCheck.error}`);
  if (report.writes.lost.length > 0) violations.push(`acknowledged rows lost: ${report.writes.lost.slice(0, 10).join(', ')}`);
  if (report.writes.unexpected.length > 0) violations.push(`rows nobody acknowledged or attempted: ${report.writes.unexpected.slice(0, 10).join(', ')}`);
  const lifetimes = (report.durationMs / 1000) / report.options.lifetimeSeconds;
  if (report.credentials.refreshes < lifetimes / 3) {
    violations.push(`only ${report.credentials.refreshes} credential refreshes in about ${lifetimes.toFixed(0)} lifetimes: the run did not exercise expiry`);
  }
  const growth = report.heap.endBytes - report.heap.baselineBytes;
  if (growth > HEAP_GROWTH_LIMIT_BYTES) violations.push(`heap grew by ${mb(growth)} (limit ${mb(HEAP_GROWTH_LIMIT_BYTES)}) between warm-up and the end`);
  const extra = Object.entries(report.resources.extra);
  if (extra.length > 0) violations.push(`resources left open after closing: ${extra.map(([type, count]) => `${count} ${type}`).join(', ')}`);
  if (report.resources.sharedCachesLeft > 0) violations.push(`${report.resources.sharedCachesLeft} credential caches left after pool.end()`);
  for (const finding of report.leaks.findings) violations.push(`secret leaked: ${finding.secret} in ${finding.source}`);
  if (report.leaks.secretsChecked < 2) violations.push('no issued password to look for: the leak check checked nothing');
  if (report.leaks.debugLines === 0) violations.push(`no NODE_DEBUG line captured: run with NODE_DEBUG=pg-redshift-iam (run.ts sets it)`);
  return violations;
}
