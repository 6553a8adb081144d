import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { constants } from 'node:os';
import { debug } from '../debug';
import type { CliEnvironment } from './settings';

/** `child_process.spawn` as the CLI uses it; injectable for tests. */
export type SpawnFunction = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** How a command run by `exec` ended. */
export type CommandOutcome =
  | { readonly kind: 'exited'; readonly exitCode: number }
  | { readonly kind: 'notStarted'; readonly exitCode: number; readonly reason: string };

// A terminal sends SIGINT to the whole foreground group, but `kill` or a supervisor signals only
// us: pass these on, and stay alive meanwhile so that the child's exit code can be passed through.
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `command` with stdio inherited and `variables` added to `env`. Resolves the child's exit
 * code, or 128 + the signal number when a signal ended it (as shells report it); 127 or 126 when
 * the command could not be started (not found, not executable), as shells do.
 */
export function runCommand(command: readonly string[], env: CliEnvironment, variables: Readonly<Record<string, string>>, spawn: SpawnFunction): Promise<CommandOutcome> {
  const [file = '', ...args] = command;
  return new Promise((resolve) => {
    debug('cli: running %s', file);
    const child = spawn(file, args, { stdio: 'inherit', env: { ...env, ...variables } });
    const forwarders = FORWARDED_SIGNALS.map((signal) => [signal, () => child.kill(signal)] as const);
    for (const [signal, forward] of forwarders) process.on(signal, forward);
    let settled = false;
    const settle = (outcome: CommandOutcome) => {
      if (settled) return;
      settled = true;
      for (const [signal, forward] of forwarders) process.off(signal, forward);
      resolve(outcome);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      const notFound = error.code === 'ENOENT';
      settle({ kind: 'notStarted', exitCode: notFound ? 127 : 126, reason: `cannot run ${file}: ${notFound ? 'command not found' : error.message}` });
    });
    child.once('close', (code, signal) => {
      debug('cli: %s ended with %s', file, signal ?? String(code));
      settle({ kind: 'exited', exitCode: code ?? (signal === null ? 1 : 128 + (constants.signals[signal] ?? 0)) });
    });
  });
}
