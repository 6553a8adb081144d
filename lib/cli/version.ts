import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'pg-redshift-iam';

/**
 * This package's version from its package.json, found by walking up from this file: the source
 * (lib/cli) and the build (dist/cjs/cli) sit at different depths.
 */
export function packageVersion(start: string = __dirname): string {
  for (let directory = start; ; directory = dirname(directory)) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') return manifest.version;
    }
    if (dirname(directory) === directory) return 'unknown';
  }
}
