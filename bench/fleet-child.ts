// One process of a simulated fleet: it holds several independent credential caches (one AWS
// identity each, so no process-wide sharing joins them) and connects through each at a steady rate.
// A "connect" is `credentials.acquire()`, the only step of a pool connect that touches AWS; the pg
// login that follows it costs the same whatever the fleet does (see the steady-state section).
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedshiftCredentials, type RedshiftCredentials } from '../lib';
import type { FleetReply, FleetRequest, FleetRunReport, FleetRunRequest } from './fleet-protocol';
import { describeError } from './describe-error';

async function run(request: FleetRunRequest): Promise<FleetRunReport> {
  const engines: RedshiftCredentials[] = request.identities.map((identity) => createRedshiftCredentials({ ...request.options, credentials: identity }));
  const report = { connects: 0, waitsAfterFirst: 0, failedFirstLifetime: 0, failedLater: 0, waitMs: [] as number[], firstError: undefined as string | undefined };
  const endAt = request.startAt + request.durationMs;
  const pending: Promise<void>[] = [];
  // A connect counts as a wait only once its cache had credentials: connects that join the cold
  // start's fetch are part of the cold start.
  const connect = async (engine: RedshiftCredentials, ready: { value: boolean }) => {
    const startedAt = Date.now();
    const afterFirst = ready.value;
    report.connects++;
    try {
      const { source } = await engine.acquire({ signal: AbortSignal.timeout(request.connectTimeoutMs) });
      ready.value = true;
      if (afterFirst && source === 'fetched') {
        report.waitsAfterFirst++;
        report.waitMs.push(Date.now() - startedAt);
      }
    } catch (error) {
      if (startedAt < request.startAt + request.firstLifetimeMs) report.failedFirstLifetime++;
      else report.failedLater++;
      report.firstError ??= describeError(error);
    }
  };
  const lateMs = Math.max(0, Date.now() - request.startAt);
  await sleep(Math.max(0, request.startAt - Date.now()));
  try {
    // Every cache connects at the same instant (a fleet deployed at once), then at a steady rate
    // from a random phase, as independent processes would.
    await Promise.all(
      engines.map(async (engine) => {
        const ready = { value: false };
        pending.push(connect(engine, ready));
        // Connects do not queue behind a slow one: each runs on its own, as pool clients do.
        for (let next = request.startAt + Math.random() * request.connectIntervalMs; next < endAt; next += request.connectIntervalMs) {
          await sleep(Math.max(0, next - Date.now()));
          pending.push(connect(engine, ready));
        }
      }),
    );
    // The last connects finish within their timeout.
    await Promise.all(pending);
  } finally {
    await Promise.all(engines.map((engine) => engine.close()));
  }
  return { type: 'report', caches: engines.length, ...report, lateMs };
}

function send(message: FleetReply): void {
  if (process.connected) process.send?.(message);
}

process.on('message', (request: FleetRequest) => {
  if (request.type === 'exit') {
    process.disconnect();
    return;
  }
  run(request).then(send, (error: unknown) => send({ type: 'error', message: describeError(error) }));
});

// The bench went away: stop at once.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
