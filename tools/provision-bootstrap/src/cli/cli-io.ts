/** Where the CLI writes and what it reads; tests pass their own. */
export interface ProvisionBootstrapIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Relative paths (config, --out-dir, --sql-out) resolve against this; default process.cwd(). */
  cwd?: string;
  /** BAO_TOKEN / VAULT_TOKEN and the config's SYSMANAGE_* overrides; default process.env. */
  env?: Record<string, string | undefined>;
}

export enum ProvisionBootstrapExit {
  OK = 0,
  /** Something failed; the message says what (never a secret). */
  FAILED = 1,
  /** The command line is wrong. */
  USAGE = 2,
  /** Done as far as possible: the SQL in the --sql-out file must be applied by a PostgreSQL superuser, then run again. */
  SQL_PENDING = 3,
}

/** The command line is wrong: usage is printed, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
