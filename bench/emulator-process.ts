// The Redshift API emulator in a process of its own: its work stands for AWS's, so it must not
// share the event loop whose connect latencies the bench measures.
import { startRedshiftEmulator, type EmulatorCall, type RedshiftEmulator } from '../lib/testing';
import type { EmulatorReply, EmulatorRequest, EmulatorStarted } from './emulator-protocol';

let emulator: RedshiftEmulator | undefined;

async function handle(request: EmulatorRequest): Promise<EmulatorStarted | readonly EmulatorCall[] | undefined> {
  if (request.method === 'start') {
    emulator = await startRedshiftEmulator(request.options);
    return { endpoint: emulator.endpoint, region: emulator.region, identity: emulator.identities.iamUser };
  }
  if (emulator === undefined) throw new Error('the emulator is not started');
  switch (request.method) {
    case 'calls':
      return emulator.calls;
    case 'clearCalls':
      emulator.clearCalls();
      return undefined;
    case 'setLatency':
      emulator.setLatency(request.ms);
      return undefined;
    case 'setExpiryOverride':
      emulator.setExpiryOverride(request.seconds);
      return undefined;
    case 'close':
      await emulator.close();
      return undefined;
  }
}

process.on('message', (request: EmulatorRequest) => {
  handle(request).then(
    (value) => reply({ id: request.id, ok: true, value }, request.method === 'close'),
    (error: unknown) => reply({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) }, false),
  );
});

// The bench died or went away: do not linger with open PostgreSQL connections.
process.on('disconnect', () => {
  void (emulator?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});

function reply(message: EmulatorReply, last: boolean): void {
  if (!process.connected) return;
  process.send?.(message, () => {
    if (last) process.disconnect();
  });
}
