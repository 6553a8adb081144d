// Run as a child process by cache-process.test.ts: its only request gives up while AWS hangs and
// nothing closes the engine. The process must then exit by itself, promptly.
import { createRedshiftCredentials } from '../../lib';

const endpoint = process.argv[2]!;
const engine = createRedshiftCredentials({
  clusterIdentifier: 'hanging',
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' },
});
const abort = new AbortController();
setTimeout(() => abort.abort(new Error('gave up')), 300);
engine.get({ signal: abort.signal }).then(
  () => process.stdout.write('resolved\n'),
  (error: { code?: string }) => process.stdout.write(`${String(error.code)}\n`),
);
