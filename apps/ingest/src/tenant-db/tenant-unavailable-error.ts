/** Why a tenant database cannot be reached; the writer retries every one of them (the stream keeps the messages). */
export enum TenantUnavailableErrorCode {
  /** No such tenant (multi-tenant: no placement row; collapsed: any id but the built-in tenant). */
  TENANT_UNKNOWN = 'TENANT_UNKNOWN',
  /** The tenant exists but is not active (pending, suspended, deleted, ...). */
  TENANT_NOT_ACTIVE = 'TENANT_NOT_ACTIVE',
  /** OpenBAO did not issue (or PostgreSQL refused) the tenant's app credential. */
  CREDENTIALS_UNAVAILABLE = 'CREDENTIALS_UNAVAILABLE',
  /** The tenant's PostgreSQL server refused or did not answer, or no budget slot became free in time. */
  DATABASE_UNREACHABLE = 'DATABASE_UNREACHABLE',
}

/** Raised by TenantDatabases; messages name the tenant and server, never credentials. */
export class TenantUnavailableError extends Error {
  override readonly name = 'TenantUnavailableError';
  constructor(
    readonly code: TenantUnavailableErrorCode,
    readonly tenantId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isTenantUnavailable(error: unknown): error is TenantUnavailableError {
  return error instanceof TenantUnavailableError;
}
