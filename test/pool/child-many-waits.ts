// Run as a child process by many-waits.test.ts: 20 connects per pool wait for credentials at once
// (the AWS identity never resolves), then give up at connectionTimeoutMillis; the pools end.
import { createRedshiftPool } from '../../lib';

const hang = () => new Promise<never>(() => undefined);
const iam = { clusterIdentifier: 'waiting', region: 'us-east-1', credentials: hang };
// One pool with a host (the client's wait listens for the pool's end), one without (the engine's
// target lookup listens for its close as well).
const pools = [
  createRedshiftPool({ host: '127.0.0.1', port: 9, database: 'dev', max: 20, connectionTimeoutMillis: 300, iam }),
  createRedshiftPool({ database: 'dev', max: 20, connectionTimeoutMillis: 300, iam }),
];
const connects = pools.flatMap((pool) => Array.from({ length: 20 }, () => pool.connect()));
Promise.allSettled(connects)
  .then(async (results) => {
    process.stdout.write(`${results.filter((result) => result.status === 'rejected').length} rejected\n`);
    await Promise.all(pools.map((pool) => pool.end()));
  })
  .catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
