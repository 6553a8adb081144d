import { count, counted, seconds, timestamp } from './format';
import type { Snapshot } from './scoreboard';

/** Colors text on a terminal; the identity elsewhere. */
export type Paint = (color: 'green' | 'red' | 'cyan' | 'dim' | 'bold', text: string) => string;

/** No colors. */
export const plain: Paint = (_color, text) => text;

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const BAR_WIDTH = 20;

/** The claim this demo makes, worded the same live and in the summary. */
export function waitsClaim(snapshot: Snapshot): string {
  return `${counted(snapshot.waitsAfterFirstLogin, 'connection')} waited on AWS after the first login`;
}

/** The user(s) queries ran as, for display. */
export function usersLabel(snapshot: Snapshot): string {
  return snapshot.users.length === 0 ? '(not logged in yet)' : snapshot.users.join(', ');
}

/** The live block on a terminal: three lines of at most ~80 columns, redrawn in place. */
export function liveBlock(snapshot: Snapshot, durationMs: number, frame: number, paint: Paint): string[] {
  const done = Math.min(1, snapshot.elapsedMs / durationMs);
  const filled = Math.round(done * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  const spinner = SPINNER[frame % SPINNER.length] ?? '';
  const expiry = snapshot.expiresInMs === undefined ? '' : ` · password expires in ${seconds(snapshot.expiresInMs)}`;
  const waits = waitsClaim(snapshot);
  return [
    `${paint('cyan', `${spinner} ${bar}`)} ${seconds(snapshot.elapsedMs)} of ${seconds(durationMs)} · ${paint('bold', usersLabel(snapshot))}${expiry}`,
    `  ${counters(snapshot)} · ${counted(snapshot.refreshes, 'refresh', 'refreshes')} (${count(snapshot.backgroundRefreshes)} in background)`,
    `  ${paint(snapshot.waitsAfterFirstLogin === 0 ? 'green' : 'red', waits)}`,
  ];
}

/** One status line for logs and pipes. */
export function logLine(snapshot: Snapshot): string {
  return `${timestamp(snapshot.elapsedMs)} ${counters(snapshot)} · ${waitsClaim(snapshot)}`;
}

/** The closing summary. */
export function summaryLines(snapshot: Snapshot, paint: Paint): string[] {
  const perSecond = snapshot.queries / Math.max(0.001, snapshot.elapsedMs / 1000);
  return [
    paint('bold', `Summary after ${seconds(snapshot.elapsedMs)}:`),
    `  ${counted(snapshot.refreshes, 'credential refresh', 'credential refreshes')} (${count(snapshot.backgroundRefreshes)} in the background)`,
    `  ${counted(snapshot.awsCalls, 'AWS call')} for ${counted(snapshot.connections, 'connection')}`,
    `  ${paint(snapshot.waitsAfterFirstLogin === 0 ? 'green' : 'red', waitsClaim(snapshot))}`,
    `  ${counted(snapshot.queries, 'query', 'queries')} (${count(perSecond)}/s), all as ${usersLabel(snapshot)}`,
  ];
}

function counters(snapshot: Snapshot): string {
  return [
    counted(snapshot.queries, 'query', 'queries'),
    counted(snapshot.connections, 'connection'),
    counted(snapshot.awsCalls, 'AWS call'),
  ].join(' · ');
}
