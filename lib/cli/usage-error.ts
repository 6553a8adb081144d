/**
 * A mistake on the command line (unknown flag or command, malformed value) found by the CLI
 * itself. Option values that parse but break AWS rules are the library's `INVALID_OPTION` errors.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** Whether the message should point at `--help`: true for mistakes of form, not of value. */
  readonly suggestHelp: boolean;

  constructor(message: string, options: { suggestHelp?: boolean } = {}) {
    super(message);
    this.suggestHelp = options.suggestHelp ?? false;
  }
}
