import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FleetReply, FleetRequest, FleetRunReport, FleetRunRequest } from './fleet-protocol';

/** Child processes that play the caches of a fleet (see `fleet-child.ts`). */
export interface FleetProcesses {
  readonly count: number;
  /** Sends each child its share of a run and waits for every report, at most `timeoutMs`. */
  run(shares: readonly FleetRunRequest[], timeoutMs: number): Promise<FleetRunReport[]>;
  /** Asks every child to exit; kills the ones still there after 5 s. */
  close(): Promise<void>;
}

/** Forks `count` fleet children (`script`: compiled `fleet-child.ts`) and waits until each is ready (at most 120 s). */
export async function startFleetProcesses(count: number, script: string): Promise<FleetProcesses> {
  const children: ChildProcess[] = [];
  const exits: Promise<void>[] = [];
  const close = async () => {
    for (const child of children) if (child.connected) child.send({ type: 'exit' } satisfies FleetRequest);
    const timer = setTimeout(() => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
    }, 5000);
    await Promise.all(exits);
    clearTimeout(timer);
  };
  try {
    await Promise.all(
      Array.from({ length: count }, async () => {
        const child = fork(script, [], {
          execArgv: [],
          cwd: join(__dirname, '..'),
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
        await nextReply(child, 120_000);
      }),
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    count,
    async run(shares, timeoutMs) {
      if (shares.length > children.length) throw new Error(`a run needs ${shares.length} fleet processes, ${children.length} started`);
      return Promise.all(
        shares.map(async (share, index) => {
          const child = children[index]!;
          const reply = nextReply(child, timeoutMs);
          child.send(share satisfies FleetRequest);
          const report = await reply;
          if (report.type !== 'report') throw new Error(`fleet process ${index} did not report: ${JSON.stringify(report)}`);
          return report;
        }),
      );
    },
    close,
  };
}

function nextReply(child: ChildProcess, timeoutMs: number): Promise<FleetReply> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: FleetReply) => {
      done();
      if (message.type === 'error') reject(new Error(`fleet process: ${message.message}`));
      else resolve(message);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`a fleet process exited (code ${code})`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`a fleet process did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
