import { isOpenBaoError } from '@sysmanage/openbao';
import { ConnectionBudgetError, ConnectionBudgetErrorCode } from '@sysmanage/tenancy';
import { TenantUnavailableError, TenantUnavailableErrorCode } from './tenant-unavailable-error';

/** PostgreSQL refused the login: wrong password (the lease's role was dropped) or no such role / no CONNECT. */
const AUTH_FAILURES = new Set(['28P01', '28000']);

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** True when opening the connection failed because PostgreSQL refused the credential itself. */
export function isLoginRefused(error: unknown): boolean {
  return (
    error instanceof ConnectionBudgetError &&
    error.code === ConnectionBudgetErrorCode.CONNECT_FAILED &&
    AUTH_FAILURES.has(sqlState(error.cause) ?? '')
  );
}

/**
 * A pool failure as the TenantDatabases contract states it. Errors thrown by
 * the caller's own work (SQL errors, a session dropped mid-query) are not
 * ConnectionBudgetErrors and pass through unchanged.
 */
export function tenantUnavailable(tenantId: string, server: string, error: unknown): unknown {
  if (!(error instanceof ConnectionBudgetError)) return error;
  const code = ((): TenantUnavailableErrorCode => {
    switch (error.code) {
      case ConnectionBudgetErrorCode.EVICTED:
        return TenantUnavailableErrorCode.TENANT_NOT_ACTIVE;
      case ConnectionBudgetErrorCode.CONNECT_FAILED:
        return isOpenBaoError(error.cause) || isLoginRefused(error)
          ? TenantUnavailableErrorCode.CREDENTIALS_UNAVAILABLE
          : TenantUnavailableErrorCode.DATABASE_UNREACHABLE;
      default:
        return TenantUnavailableErrorCode.DATABASE_UNREACHABLE;
    }
  })();
  return new TenantUnavailableError(
    code,
    tenantId,
    `Tenant ${tenantId} on ${server} unavailable (${error.code}): ${error.message}`,
    { cause: error },
  );
}
