// The Redshift API emulator in a process of its own: its work stands for AWS's, so it must not
// share the event loop whose connect latencies the bench measures.
import { startRedshiftEmulator, type RedshiftEmulator } from '../lib/testing';
import type { EmulatorReply, EmulatorRequest, EmulatorValue } from './emulator-protocol';
import { IdentityRegistry } from '../lib/testing/emulator/identities';
import { startThrottleProxy, type ThrottleProxy } from './throttle-proxy';

let emulator: RedshiftEmulator | undefined;
let proxy: ThrottleProxy | undefined;
// Identities whose credential calls the proxy answers itself (see `answerLocally`), with the
// emulator's latency and lifetime.
const proxyAnswered = new IdentityRegistry();
const local = { latencyMs: 0, lifetimeSeconds: 900 };

function updateLocalAnswers(): void {
  if (emulator !== undefined) proxy?.setLocalAnswers({ ...local, region: emulator.region, identities: proxyAnswered });
}

async function handle(request: EmulatorRequest): Promise<EmulatorValue> {
  if (request.method === 'start') {
    emulator = await startRedshiftEmulator(request.options);
    proxy = await startThrottleProxy(emulator.endpoint);
    local.latencyMs = request.options.latencyMs ?? 0;
    updateLocalAnswers();
    return { endpoint: emulator.endpoint, region: emulator.region, identity: emulator.identities.iamUser, proxyEndpoint: proxy.endpoint };
  }
  if (emulator === undefined || proxy === undefined) throw new Error('the emulator is not started');
  switch (request.method) {
    case 'calls':
      return emulator.calls;
    case 'clearCalls':
      emulator.clearCalls();
      return undefined;
    case 'setLatency':
      emulator.setLatency(request.ms);
      local.latencyMs = request.ms;
      updateLocalAnswers();
      return undefined;
    case 'setExpiryOverride':
      emulator.setExpiryOverride(request.seconds);
      local.lifetimeSeconds = request.seconds ?? 900;
      updateLocalAnswers();
      return undefined;
    case 'addIdentities': {
      const started = emulator;
      return request.names.map((name) => {
        const identity = started.addIdentity({ arn: `arn:aws:iam::${started.accountId}:user/${name}` });
        if (request.answeredByProxy) proxyAnswered.add(identity);
        return identity;
      });
    }
    case 'proxyLog':
      return proxy.log();
    case 'clearProxyLog':
      proxy.clearLog();
      return undefined;
    case 'setThrottle':
      proxy.setThrottle(request.settings);
      return undefined;
    case 'close':
      await proxy.close();
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
  void Promise.all([proxy?.close(), emulator?.close()]).finally(() => process.exit(0));
});

function reply(message: EmulatorReply, last: boolean): void {
  if (!process.connected) return;
  process.send?.(message, () => {
    if (last) process.disconnect();
  });
}
