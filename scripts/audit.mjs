// `npm audit` of the runtime dependencies: fails on any advisory. Where the registry offers no
// audit endpoint (as on this project's build machines), it says so loudly instead of failing,
// because that is a fact about the machine, not about the dependencies.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(`npm audit printed no JSON (exit ${run.status}):\n${run.stderr}`);
  process.exit(1);
}
const counts = report.metadata?.vulnerabilities;
if (counts === undefined) {
  console.warn(`npm audit: UNAVAILABLE here, no result claimed (${report.message ?? report.error?.summary ?? 'no audit data'})`);
  process.exit(0);
}
const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
if (total > 0) {
  console.error(`npm audit: ${total} advisories for runtime dependencies: ${JSON.stringify(counts)}`);
  process.exit(1);
}
console.log(`npm audit: no advisories for ${report.metadata.dependencies?.prod ?? '?'} runtime dependencies`);
