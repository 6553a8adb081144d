import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { debuglog } from 'node:util';
import { parseSoakArgs, USAGE, type SoakCliOptions } from './args';
import { evaluateSoak } from './expectations';
import { formatReport, reportJson } from './report';
import { DEBUG_SECTION } from './secrets';
import { runSoak } from './soak';

// `npm run soak`: see USAGE in ./args.ts. Exit codes: 0 passed, 1 a violation, 2 bad arguments.

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Node reads NODE_DEBUG once at startup, so the debug lines that the leak scan must see can only
 * be switched on by starting again with it set.
 */
function rerunWithDebug(options: SoakCliOptions): number {
  const debug = [process.env.NODE_DEBUG, DEBUG_SECTION].filter(Boolean).join(',');
  const args = [...process.execArgv, process.argv[1] ?? __filename, ...process.argv.slice(2)];
  if (!process.argv.includes('--seed')) args.push('--seed', String(options.seed));
  const child = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_DEBUG: debug } });
  return child.status ?? 1;
}

async function main(): Promise<number> {
  let options: SoakCliOptions;
  try {
    options = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    print(USAGE);
    return 0;
  }
  if (!debuglog(DEBUG_SECTION).enabled) return rerunWithDebug(options);

  const report = await runSoak({ ...options, log: print });
  const violations = evaluateSoak(report);
  const lines = formatReport(report, violations);
  const json = reportJson(report, violations);
  // The report holds error messages: scan it like every other output before it goes out.
  report.scanner.scan('the report', lines.join('\n'));
  report.scanner.scan('the JSON report', json);
  if (report.scanner.findings.length > report.leaks.findings.length) {
    violations.push('a secret appears in the report itself (not printed)');
    print(`SOAK FAILED: seed ${options.seed}: a secret appears in the report; it is not printed`);
    return 1;
  }
  if (options.json !== undefined) writeFileSync(options.json, json);
  for (const line of lines) print(line);
  return violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('The soak itself crashed:', error);
    process.exitCode = 1;
  },
);
