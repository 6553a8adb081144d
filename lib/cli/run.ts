import { spawn as nodeSpawn } from 'node:child_process';
import { parseCliArguments } from './arguments';
import { runCommand, type SpawnFunction } from './exec';
import { describeFailure, EXIT } from './failure';
import { fetchLogin } from './login';
import { loginJson, loginVariables, shellExports } from './output';
import { resolveLoginSettings, type CliEnvironment } from './settings';
import { USAGE } from './usage';
import { packageVersion } from './version';

/** Where the CLI writes: `process.stdout` and `process.stderr`, or buffers in tests. */
export interface CliOutput {
  write(text: string): unknown;
}

/** The CLI's surroundings, injectable so that it runs in-process in tests. */
export interface CliIo {
  /**
   * Supplies the `PG*` variables and is the environment of the `exec` child. The AWS SDK still
   * reads its own variables (`AWS_REGION`, `AWS_PROFILE`, keys, `AWS_ENDPOINT_URL_REDSHIFT`)
   * from `process.env`.
   */
  readonly env: CliEnvironment;
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Default `child_process.spawn`. */
  readonly spawn?: SpawnFunction;
}

/**
 * Runs the `pg-redshift-iam` command with `argv` (without node and the script name) and resolves
 * its exit code; never rejects. Prints a password only where asked to (`env`); `exec` hands it to
 * the child through the environment.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const request = parseCliArguments(argv);
    switch (request.kind) {
      case 'help':
        io.stdout.write(USAGE);
        return EXIT.OK;
      case 'version':
        io.stdout.write(`${packageVersion()}\n`);
        return EXIT.OK;
      case 'env': {
        const login = await fetchLogin(resolveLoginSettings(request.flags, io.env));
        io.stdout.write(request.flags.json ? loginJson(login) : shellExports(login));
        return EXIT.OK;
      }
      case 'exec': {
        const login = await fetchLogin(resolveLoginSettings(request.flags, io.env));
        const outcome = await runCommand(request.command, io.env, loginVariables(login), io.spawn ?? nodeSpawn);
        if (outcome.kind === 'notStarted') io.stderr.write(`pg-redshift-iam: ${outcome.reason}\n`);
        return outcome.exitCode;
      }
    }
  } catch (error) {
    const failure = describeFailure(error);
    io.stderr.write(`${failure.line}\n`);
    return failure.exitCode;
  }
}

