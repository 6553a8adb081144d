import { join } from 'node:path';
import { runTypeScript } from '../setup/run-child';

describe('loading the package', () => {
  it('loads no AWS SDK package until the first fetch, and then only the one the target needs', async () => {
    const run = await runTypeScript(join(__dirname, 'fixtures', 'loaded-modules.ts'), [], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeoutMs: 60_000,
    });
    expect(run.stderr).toBe('');
    const loaded = JSON.parse(run.stdout) as { atImport: string[]; afterCreate: string[]; afterFetch: string[] };
    expect(loaded.atImport).toEqual([]);
    expect(loaded.afterCreate).toEqual([]);
    expect(loaded.afterFetch).toContain('@aws-sdk/client-redshift');
    expect(loaded.afterFetch).not.toContain('@aws-sdk/client-redshift-serverless');
    expect(loaded.afterFetch).not.toContain('@aws-sdk/credential-providers');
    expect(run.code).toBe(0);
  });
});
