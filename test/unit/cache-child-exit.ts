// Run as a child process by cache-process.test.ts: its only request gives up while AWS hangs and
// nothing closes the engine. The process must then exit by itself, promptly. With `lookup`, the
// AWS call that hangs is the lookup of a managed VPC endpoint's cluster, not the credentials call.
import { createRedshiftCredentials } from '../../lib';

const endpoint = process.argv[2]!;
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' };
const engine = process.argv[3] === 'lookup'
  ? createRedshiftCredentials({ host: 'etl-endpoint-k7rfausgmlzieup51zgg.abc123xyz789.us-east-1.redshift.amazonaws.com', database: 'dev', endpoint, credentials })
  : createRedshiftCredentials({ clusterIdentifier: 'hanging', region: 'us-east-1', endpoint, credentials });
const abort = new AbortController();
setTimeout(() => abort.abort(new Error('gave up')), 300);
engine.get({ signal: abort.signal }).then(
  () => process.stdout.write('resolved\n'),
  (error: { code?: string }) => process.stdout.write(`${String(error.code)}\n`),
);
