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

/** Node socket errors and pg's messages for a session that died under a running query. */
const SOCKET_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const LOST_SESSION = /Connection terminated|connection ended|Client has encountered a connection error/i;

/**
 * The session was lost while the work ran: SQLSTATE class 08 (connection
 * exception), 57P01-57P03 (server shutting down, crashed, not yet accepting),
 * or a socket error. Not the work's fault; the tenant's server is away.
 */
export function isConnectionLoss(error: unknown): boolean {
  const state = sqlState(error) ?? '';
  if (/^08/.test(state) || /^57P0[1-3]$/.test(state) || SOCKET_ERRORS.has(state)) return true;
  return error instanceof Error && LOST_SESSION.test(error.message);
}

/**
 * A pool failure (or a session lost under the work) as the TenantDatabases
 * contract states it. Other errors of the caller's own work (SQL errors) pass
 * through unchanged.
 */
export function tenantUnavailable(tenantId: string, server: string, error: unknown): unknown {
  if (!(error instanceof ConnectionBudgetError)) {
    if (!isConnectionLoss(error)) return error;
    return new TenantUnavailableError(
      TenantUnavailableErrorCode.DATABASE_UNREACHABLE,
      tenantId,
      `Tenant ${tenantId} on ${server}: the session was lost (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
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
