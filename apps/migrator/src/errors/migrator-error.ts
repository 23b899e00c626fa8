/** Why a migrator operation failed; stable strings so JSON output and tests can match on them. */
export enum MigratorErrorCode {
  /** Bad command line: unknown flag, missing value, out-of-range number, invalid slug. */
  USAGE = 'USAGE',
  /** A tenant database has no credential provider yet (OpenBAO leasing arrives later). */
  TENANT_CREDENTIALS_UNAVAILABLE = 'TENANT_CREDENTIALS_UNAVAILABLE',
  /** `--tenant SLUG` named a tenant the registry has no placement for. */
  UNKNOWN_TENANT = 'UNKNOWN_TENANT',
  /** The registry could not be read to list tenant databases. */
  TENANT_LISTING_FAILED = 'TENANT_LISTING_FAILED',
  /** A migration of one chain on one database failed. */
  MIGRATION_FAILED = 'MIGRATION_FAILED',
  /** The database could not be reached or queried. */
  DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE',
  /** Not run because an earlier step failed or the failure budget was spent. */
  SKIPPED = 'SKIPPED',
  /** A file given to `lint` could not be read. */
  LINT_FILE_UNREADABLE = 'LINT_FILE_UNREADABLE',
  /** `lint` found no migration files where they should be (a moved directory must not pass silently). */
  LINT_NO_FILES = 'LINT_NO_FILES',
  /** `serve` could not start (HTTP listener or NATS connection). */
  SERVE_FAILED = 'SERVE_FAILED',
}

export class MigratorError extends Error {
  override readonly name = 'MigratorError';

  constructor(
    readonly code: MigratorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The message of anything thrown, for a result line or a JSON field (never a stack). */
export function errorMessage(err: unknown): string {
  // Duck-typed: errors from another realm (Node internals under Jest's VM) fail instanceof Error.
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}
