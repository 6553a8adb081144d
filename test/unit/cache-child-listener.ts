// Run as a child process by cache-process.test.ts: listeners that throw must surface as uncaught
// exceptions of their own and never change what requests get. Prints one JSON line.
import { issued } from '../../lib/aws/issued';
import { CredentialsCache } from '../../lib/credentials/cache';
import { createRedshiftCredentials } from '../../lib/credentials/engine';
import { RedshiftIamError } from '../../lib/errors';

const uncaught: string[] = [];
process.on('uncaughtException', (error) => uncaught.push(error.message));
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function main(): Promise<void> {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let failNext = false;
  let count = 0;
  const cache = new CredentialsCache({
    fetch: async () => {
      if (failNext) throw new RedshiftIamError('AWS_UNAVAILABLE', 'down');
      count++;
      return issued(`IAM:user${count}`, `secret-${count}`, new Date(now + 900_000), undefined, 1);
    },
    durationSeconds: 900,
    description: 'cluster listener',
    keepWarm: false,
    now: () => now,
    random: () => 0,
  });
  cache.on('refresh', () => {
    throw new Error('refresh listener broke');
  });
  const refreshErrors: string[] = [];
  cache.on('refreshError', ({ error, background }) => refreshErrors.push(`${error.code} background=${String(background)}`));

  // A cold start: three logins wait for the fetch whose refresh listener throws.
  const cold = await Promise.allSettled([cache.get(), cache.get(), cache.get()]);
  await settle();
  // In the refresh window: the background refresh succeeds, its listener throws.
  now += 850_000;
  const stale = await cache.get();
  await settle();
  const afterBackground = await cache.get();
  // A failed background refresh still reaches refreshError listeners.
  now += 850_000;
  failNext = true;
  await cache.get();
  await settle();
  cache.close();

  // Two engines share one cache: a throwing listener of one does not keep the event from the other.
  const options = {
    clusterIdentifier: 'isolation', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', clientConfig: { maxAttempts: 1 },
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' },
  };
  const first = createRedshiftCredentials(options);
  const second = createRedshiftCredentials(options);
  first.on('refreshError', () => {
    throw new Error('engine listener broke');
  });
  const otherEngine: string[] = [];
  second.on('refreshError', ({ error }) => otherEngine.push(error.code));
  const refreshed = await first.refresh().then(() => 'resolved', (error: { code?: string }) => `rejected ${String(error.code)}`);
  await settle();
  await Promise.all([first.close(), second.close()]);
  process.stdout.write(`${JSON.stringify({
    refreshed,
    otherEngine,
    cold: cold.map((result) => (result.status === 'fulfilled' ? `${result.value.source} ${result.value.credentials.user}` : `rejected ${String(result.reason)}`)),
    stale: stale.source,
    afterBackground: `${afterBackground.source} ${afterBackground.credentials.user}`,
    refreshErrors,
    uncaught,
  })}\n`);
}

void main();
