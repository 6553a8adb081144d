/** What {@link CleanupStack.run} did. */
export interface CleanupReport {
  /** Names of the steps that finished, in the order they ran. */
  readonly done: string[];
  /** Steps that failed or timed out, with the reason. */
  readonly failed: { name: string; reason: string }[];
}

/**
 * Things to undo, run last-in first-out. Each step gets a time limit, so that a server that died
 * underneath (Ctrl-C in a terminal reaches PostgreSQL too) cannot keep the demo from exiting.
 */
export class CleanupStack {
  readonly #steps: { name: string; run: () => Promise<unknown> }[] = [];

  /** Registers a step to run at cleanup. */
  defer(name: string, run: () => Promise<unknown>): void {
    this.#steps.push({ name, run });
  }

  /** Runs every registered step once, newest first, each within `timeoutMs`. */
  async run(timeoutMs: number): Promise<CleanupReport> {
    const report: CleanupReport = { done: [], failed: [] };
    for (let step = this.#steps.pop(); step !== undefined; step = this.#steps.pop()) {
      try {
        await withinTime(step.run(), timeoutMs, step.name);
        report.done.push(step.name);
      } catch (error) {
        report.failed.push({ name: step.name, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return report;
  }
}

async function withinTime<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
