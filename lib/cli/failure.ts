import { isRedshiftIamError } from '../errors';
import { withFlagNames } from './flag-names';
import { UsageError } from './usage-error';

/** Exit codes of the `pg-redshift-iam` command (besides the child's own code under `exec`). */
export const EXIT = {
  OK: 0,
  /** AWS refused or failed, or anything else went wrong at run time. */
  FAILURE: 1,
  /** The command line or an option value is wrong. */
  USAGE: 2,
} as const;

/** An error turned into what the user sees: one line for stderr and an exit code. */
export interface CliFailure {
  readonly exitCode: number;
  readonly line: string;
}

/**
 * Describes a failure on one line, naming flags instead of library option names. Exit code 2 for
 * usage mistakes and `INVALID_OPTION` (the fix is in the input, even when AWS found it), else 1.
 */
export function describeFailure(error: unknown): CliFailure {
  if (error instanceof UsageError) {
    const help = error.suggestHelp ? ' (see pg-redshift-iam --help)' : '';
    return { exitCode: EXIT.USAGE, line: oneLine(`pg-redshift-iam: ${error.message}${help}`) };
  }
  if (isRedshiftIamError(error)) {
    const exitCode = error.code === 'INVALID_OPTION' ? EXIT.USAGE : EXIT.FAILURE;
    return { exitCode, line: oneLine(`pg-redshift-iam: ${error.code}: ${withFlagNames(error.message)}`) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT.FAILURE, line: oneLine(`pg-redshift-iam: ${message}`) };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
