import type { RefreshErrorEvent, RefreshEvent } from '../../lib';
import { seconds, timestamp } from './format';

/** One line for new credentials; `number` counts refreshes, the first login's being 1. */
export function refreshLine(event: RefreshEvent, number: number, elapsedMs: number, operation: string): string {
  const validity = `valid ${seconds(event.expiresAt.getTime() - Date.now())}`;
  const took = `${Math.round(event.durationMs)} ms${event.attempts > 1 ? `, ${event.attempts} attempts` : ''}`;
  const at = timestamp(elapsedMs);
  if (number === 1) return `${at} AWS ${operation}: DbUser ${event.user}, ${validity} (${took})`;
  if (event.background) return `${at} background refresh #${number}: ${event.user}, ${validity} (AWS call ${took})`;
  return `${at} refresh #${number} while connections waited: ${event.user}, ${validity} (AWS call ${took})`;
}

/** One line for a failed refresh. */
export function refreshErrorLine(event: RefreshErrorEvent, elapsedMs: number): string {
  const outcome = event.background ? 'the cached password stays in use' : 'no valid password is left';
  return `${timestamp(elapsedMs)} refresh failed (${event.error.code}): ${outcome}: ${event.error.message}`;
}

/** An error as one readable line: its code when it has one, and its message; never a stack. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}
