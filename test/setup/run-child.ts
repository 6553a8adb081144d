import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository root, where `node --import tsx` finds its loader. */
export const REPO_ROOT = join(__dirname, '..', '..');

/** How a child process ended, with everything it printed. */
export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runChild}. */
export interface RunChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Kill the child (SIGKILL) after this long: a process that does not end by itself fails the test. */
  readonly timeoutMs?: number;
}

/** Runs a command without a shell, stdin closed, and collects its output. */
export function runChild(file: string, args: readonly string[], options: RunChildOptions = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a TypeScript entry point of this repository from source, as `node --import tsx <entry>`. */
export function runTypeScript(entry: string, args: readonly string[] = [], options: RunChildOptions = {}): Promise<ChildRun> {
  return runChild(process.execPath, ['--import', 'tsx', entry, ...args], options);
}
