/** Where the CLI writes and what it resolves against; tests pass their own. */
export interface LicenseCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Relative paths and the ./data defaults resolve against this; default process.cwd(). */
  cwd?: string;
  /** The clock for issuing and verifying; default the system clock. */
  now?: () => Date;
}

export enum LicenseCliExit {
  OK = 0,
  /** The command ran and failed: verification failed, a file is missing or would be overwritten. */
  FAILED = 1,
  /** The command line itself is wrong. */
  USAGE = 2,
}

/** The command line is wrong: usage is printed, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command cannot complete for a reason the message explains: exit 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}
