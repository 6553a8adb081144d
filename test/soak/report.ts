import type { ClassifiedFailure } from './classify';
import { mb, type SoakReport } from './soak';

/** The report without its live parts, for `--json`. */
export function reportJson(report: SoakReport, violations: readonly string[]): string {
  const { scanner: _scanner, ...data } = report;
  return JSON.stringify({ ...data, violations, passed: violations.length === 0 }, null, 2);
}

/** The report as lines for people; the last line is the one-line summary. */
export function formatReport(report: SoakReport, violations: readonly string[]): string[] {
  const { options, queries, logins, aws, writes, leaks, heap } = report;
  const t0 = report.events[0]?.at ?? 0;
  const offset = (at: number) => `+${((at - t0) / 1000).toFixed(1)}s`;
  const ok = queries.ok.select + queries.ok.insert + queries.ok.sleep;
  const byCategory = count(report.failures.map((failure) => failure.category));
  const lines = [
    `Soak: seed ${options.seed}, ${options.seconds} s of faults, credential lifetime ${options.lifetimeSeconds} s, fetch deadline ${options.fetchTimeoutSeconds} s, `
      + `${options.workers} workers, pool max ${options.max} (maxUses ${options.maxUses}, idleTimeoutMillis ${options.idleTimeoutMillis}); ran ${(report.durationMs / 1000).toFixed(1)} s`,
    `Faults: ${Object.entries(count(report.events.map((event) => event.kind))).map(([kind, n]) => `${kind} x${n}`).join(', ')}`,
    ...report.events.map((event) => `  ${offset(event.at)} ${event.kind}: ${event.detail}; `
      + (event.recoveryMs === undefined ? 'NOT RECOVERED' : `next query succeeded ${event.recoveryMs} ms after it ended`)
      + (event.settledMs === undefined ? '; FETCH STILL UNDER WAY' : event.settledMs > 0 ? `; fetch under way ended ${event.settledMs} ms later` : '')),
    `Queries: ${ok} ok (select ${queries.ok.select}, insert ${queries.ok.insert}, slow ${queries.ok.sleep}), ${queries.failed} failed: `
      + `${byCategory.terminated ?? 0} on terminated backends, ${byCategory.restart ?? 0} refused during server restarts, `
      + `${byCategory.outage ?? 0} during AWS outages, ${byCategory.stall ?? 0} during AWS stalls, `
      + `${byCategory.revoked ?? 0} with a password revoked during the login, ${byCategory.unexpected ?? 0} unexpected`,
    `Connects: ${report.connects.count} (${report.connects.failed} failed), slowest ${report.connects.maxMs} ms, `
      + `${report.connects.slow} over ${report.connects.limitMs} ms; workers stuck at the end: ${report.stuckWorkers}; `
      + `pool.end() ${report.poolEndMs === undefined ? 'DID NOT RETURN' : `took ${report.poolEndMs} ms`}`,
    `Uncaught exceptions: ${report.uncaught.length === 0 ? 'none' : report.uncaught.length}`,
    `Logins: ${logins.attempted} attempted, ${logins.succeeded} succeeded${Object.keys(logins.failed).length ? `; failed: ${pairs(logins.failed)}` : ''}`,
    `Idle pool connections broken by restarts: ${report.idleClientErrors.explained}; unexplained: ${report.idleClientErrors.unexplained.length}`,
    `Credentials: ${report.credentials.refreshes} fetched; failed fetches: ${report.credentials.backgroundRefreshErrors} while the previous credentials stayed usable, `
      + `${report.credentials.foregroundRefreshErrors} with none left`,
    `AWS calls reaching the emulator: ${aws.calls} (${pairs(aws.byOutcome)}); requests refused by outages: ${aws.rejectedByOutage}; `
      + `answers stalled: ${aws.stalled} (${aws.stillHeld} still held at the end)`,
    `Writes: ${writes.acknowledged} acknowledged, ${writes.lost.length} lost; ${writes.inDoubt} failed mid-flight (${writes.inDoubtCommitted} of them committed)`,
    `Quiet phase: ${report.quiet.ok} ok, ${report.quiet.failed} failed; fresh connections after the chaos: ${report.finalCheck.connections} of ${options.max}`
      + (report.finalCheck.error ? ` (${report.finalCheck.error})` : ''),
    `Heap after gc: ${mb(heap.baselineBytes)} warmed up, ${mb(heap.endBytes)} at the end (${sign(heap.endBytes - heap.baselineBytes)}), ${mb(heap.closedBytes)} after closing`,
    `Handles left after closing: ${pairs(report.resources.extra) || 'none'}; credential caches left: ${report.resources.sharedCachesLeft}`,
    `Leak scan: ${leaks.secretsChecked} secrets in ${leaks.texts} texts (${mb(leaks.bytes)}), ${leaks.debugLines} of them NODE_DEBUG lines: `
      + `${leaks.findings.length === 0 ? 'nothing found' : `${leaks.findings.length} FOUND`}`,
    'Failures by cause:',
    ...groupFailures(report.failures).map((line) => `  ${line}`),
    violations.length === 0 ? 'Violations: none' : `Violations (${violations.length}):`,
    ...violations.map((violation) => `  - ${violation}`),
    summaryLine(report, violations),
  ];
  return lines;
}

/** One line: verdict, seed (to replay the fault schedule) and the main counts. */
export function summaryLine(report: SoakReport, violations: readonly string[]): string {
  const ok = report.queries.ok.select + report.queries.ok.insert + report.queries.ok.sleep;
  const byCategory = count(report.failures.map((failure) => failure.category));
  return `SOAK ${violations.length === 0 ? 'PASSED' : `FAILED (${violations.length} violations)`}: seed ${report.options.seed}, `
    + `${(report.durationMs / 1000).toFixed(0)} s, ${report.events.length} faults, ${ok} queries ok, `
    + `${report.queries.failed} failed (${byCategory.terminated ?? 0} terminated, ${byCategory.restart ?? 0} restart, ${byCategory.outage ?? 0} outage, `
    + `${byCategory.stall ?? 0} stall, ${byCategory.revoked ?? 0} revoked, ${byCategory.unexpected ?? 0} unexpected), `
    + `${report.logins.succeeded}/${report.logins.attempted} logins, ${report.aws.calls} AWS calls, ${report.leaks.findings.length} leaks`;
}

function groupFailures(failures: readonly ClassifiedFailure[]): string[] {
  const groups = new Map<string, { n: number; first: ClassifiedFailure }>();
  for (const failure of failures) {
    const key = `${failure.category}|${failure.error.code ?? failure.error.name}|${failure.reason}`;
    const group = groups.get(key);
    if (group) group.n++;
    else groups.set(key, { n: 1, first: failure });
  }
  if (groups.size === 0) return ['none'];
  return [...groups.values()].map(({ n, first }) =>
    `${first.category} x${n}: ${first.error.code ?? first.error.name}: ${first.error.message.split('\n')[0]} -- ${first.reason}`);
}

function count(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function pairs(record: Readonly<Record<string, number>>): string {
  return Object.entries(record).map(([key, n]) => `${key} x${n}`).join(', ');
}

function sign(bytes: number): string {
  return `${bytes >= 0 ? '+' : '-'}${mb(Math.abs(bytes))}`;
}
