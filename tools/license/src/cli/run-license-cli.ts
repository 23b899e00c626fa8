import { LicensingError } from '@sysmanage/tenancy';
import { CommandError, LicenseCliExit, UsageError, type LicenseCliIo } from './cli-io';
import type { CommandContext } from './command-context';
import { ISSUE_FLAGS, issueCommand } from './issue-command';
import { KEYGEN_FLAGS, keygenCommand } from './keygen-command';
import { parseFlags, type FlagKind } from './parse-flags';
import { USAGE } from './usage';
import { VERIFY_FLAGS, verifyCommand } from './verify-command';

interface Command {
  flags: Readonly<Record<string, FlagKind>>;
  run(ctx: CommandContext): LicenseCliExit;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  keygen: { flags: KEYGEN_FLAGS, run: keygenCommand },
  issue: { flags: ISSUE_FLAGS, run: issueCommand },
  verify: { flags: VERIFY_FLAGS, run: verifyCommand },
};

function dispatch(argv: readonly string[], io: LicenseCliIo): LicenseCliExit {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(USAGE);
    return LicenseCliExit.OK;
  }
  if (name === undefined) throw new UsageError('a command is required');
  const command = COMMANDS[name];
  if (command === undefined) throw new UsageError(`unknown command "${name}"`);
  const flags = parseFlags(rest, command.flags);
  return command.run({ flags, cwd: io.cwd ?? process.cwd(), now: io.now?.() ?? new Date(), io });
}

/**
 * The `npm run license -- <command>` entry point: keygen, issue, verify.
 * Returns the exit status: 0 done, 1 failed (message on stderr), 2 usage error.
 */
export async function runLicenseCli(argv: readonly string[], io: LicenseCliIo): Promise<number> {
  try {
    return dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`license: ${err.message}\n\n${USAGE}`);
      return LicenseCliExit.USAGE;
    }
    if (err instanceof CommandError) {
      io.stderr.write(`license: ${err.message}\n`);
      return LicenseCliExit.FAILED;
    }
    if (err instanceof LicensingError) {
      io.stderr.write(`LicensingError: ${err.message}\n`);
      return LicenseCliExit.FAILED;
    }
    throw err;
  }
}
