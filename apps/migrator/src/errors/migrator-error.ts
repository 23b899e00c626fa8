/** Why a migrator operation failed; stable strings so JSON output and tests can match on them. */
export enum MigratorErrorCode {
  /** Bad command line: unknown flag, missing value, out-of-range number, invalid slug. */
  USAGE = 'USAGE',
  /** No credential for a tenant database: OpenBAO unreachable, refused the lease, or no provider configured. */
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
  /** The tenant database was migrated but its version could not be written to the registry. */
  VERSION_NOT_RECORDED = 'VERSION_NOT_RECORDED',
  /** A leased tenant credential could not be revoked after use (it expires with its TTL). */
  LEASE_REVOKE_FAILED = 'LEASE_REVOKE_FAILED',
  /** A migrate-tenant request was not a valid MigrateTenantRequest. */
  INVALID_REQUEST = 'INVALID_REQUEST',
  /** A migrate-tenant request named a tenant without a placement (or a slug not matching its id). */
  TENANT_NOT_FOUND = 'TENANT_NOT_FOUND',
  /** A migrate-tenant request named a tenant whose status does not allow migrating (e.g. suspended, deleted). */
  TENANT_NOT_MIGRATABLE = 'TENANT_NOT_MIGRATABLE',
  /** The local OpenBAO of `vault.bootstrap` could not be started, initialised or unsealed. */
  OPENBAO_BOOTSTRAP_FAILED = 'OPENBAO_BOOTSTRAP_FAILED',
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
