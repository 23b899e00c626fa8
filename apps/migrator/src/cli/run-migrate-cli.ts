import { prepareServiceStartup, reportStartupFailure, type ServiceStartup } from '@sysmanage/tenancy';
import { runLintCommand } from '../commands/lint-command';
import { runServeCommand } from '../commands/serve-command';
import { runStatusCommand } from '../commands/status-command';
import { runUpCommand } from '../commands/up-command';
import { MigratorError, MigratorErrorCode } from '../errors/migrator-error';
import { parseCliArgs, type MigrateCliArgs } from './cli-args';
import type { CliIo, MigratorDependencies } from './cli-io';
import { USAGE_TEXT } from './usage-text';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

function startup(args: MigrateCliArgs, argv: string[], io: CliIo): ServiceStartup {
  return prepareServiceStartup('migrator', {
    argv,
    env: io.env,
    ...(io.cwd === undefined ? {} : { cwd: io.cwd }),
    ...(args.configPath === null ? {} : { path: args.configPath }),
  });
}

async function dispatch(
  args: MigrateCliArgs,
  argv: string[],
  io: CliIo,
  deps: MigratorDependencies,
): Promise<number> {
  if (args.command === 'lint') return runLintCommand(args, io);
  let prepared: ServiceStartup;
  try {
    // Config first, then the license gate: with multi-tenancy on and no valid license nothing runs at all.
    prepared = startup(args, argv, io);
  } catch (err) {
    return reportStartupFailure(err, io.stderr);
  }
  if (args.command === 'serve') {
    try {
      return await runServeCommand(prepared.config, prepared.warnings, io, deps);
    } catch (err) {
      return reportStartupFailure(err, io.stderr);
    }
  }
  if (!args.json) for (const warning of prepared.warnings) io.stderr.write(`warning: ${warning}\n`);
  return args.command === 'status'
    ? runStatusCommand(prepared.config, args, io, deps)
    : runUpCommand(prepared.config, args, io, deps);
}

/**
 * `sysmanage-migrate` in-process: parses `argv` (without node and script),
 * runs the command and returns the exit code (never calls process.exit).
 * 0 success; 1 a database or lint finding failed; 2 usage or configuration
 * error; 3 licensing error.
 */
export async function runMigrateCli(
  argv: string[],
  io: CliIo,
  deps: MigratorDependencies = {},
): Promise<number> {
  let args: MigrateCliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof MigratorError && err.code === MigratorErrorCode.USAGE) {
      io.stderr.write(`sysmanage-migrate: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (args.help) {
    io.stdout.write(USAGE_TEXT);
    return EXIT_OK;
  }
  try {
    return await dispatch(args, argv, io, deps);
  } catch (err) {
    if (err instanceof MigratorError) {
      io.stderr.write(`MigratorError: ${err.message}\n`);
      return err.code === MigratorErrorCode.USAGE ? EXIT_USAGE : EXIT_FAILED;
    }
    io.stderr.write(
      `sysmanage-migrate: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT_FAILED;
  }
}
