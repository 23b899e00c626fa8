import { OpenBaoError, OpenBaoErrorCode } from '@sysmanage/openbao';
import { ConnectionBudgetError, ConnectionBudgetErrorCode } from '@sysmanage/tenancy';
import { isConnectionLoss, isLoginRefused, tenantUnavailable } from './budget-error-mapping';
import { TenantUnavailableErrorCode } from './tenant-unavailable-error';

const TENANT = '6f1d7c2e-0c1b-4a6e-9a53-1f8f3e2b9d10';

function connectFailed(cause: unknown): ConnectionBudgetError {
  return new ConnectionBudgetError(ConnectionBudgetErrorCode.CONNECT_FAILED, 'connect failed', { cause });
}

describe('tenantUnavailable', () => {
  it.each([
    [
      new ConnectionBudgetError(ConnectionBudgetErrorCode.EVICTED, 'evicted'),
      TenantUnavailableErrorCode.TENANT_NOT_ACTIVE,
    ],
    [
      new ConnectionBudgetError(ConnectionBudgetErrorCode.ACQUIRE_TIMEOUT, 'slow'),
      TenantUnavailableErrorCode.DATABASE_UNREACHABLE,
    ],
    [
      connectFailed(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
      TenantUnavailableErrorCode.DATABASE_UNREACHABLE,
    ],
    [
      connectFailed(Object.assign(new Error('password'), { code: '28P01' })),
      TenantUnavailableErrorCode.CREDENTIALS_UNAVAILABLE,
    ],
    [
      connectFailed(
        new OpenBaoError('down', {
          code: OpenBaoErrorCode.UNREACHABLE,
          status: null,
          path: null,
          transient: true,
        }),
      ),
      TenantUnavailableErrorCode.CREDENTIALS_UNAVAILABLE,
    ],
    [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      TenantUnavailableErrorCode.DATABASE_UNREACHABLE,
    ],
    [new Error('Connection terminated unexpectedly'), TenantUnavailableErrorCode.DATABASE_UNREACHABLE],
  ])('maps %s to %s', (error, code) => {
    expect(tenantUnavailable(TENANT, 'db:5432', error)).toMatchObject({
      name: 'TenantUnavailableError',
      code,
      tenantId: TENANT,
    });
  });

  it("passes the work's own SQL errors through unchanged", () => {
    const sqlError = Object.assign(new Error('invalid input syntax'), { code: '22P02' });
    expect(tenantUnavailable(TENANT, 'db:5432', sqlError)).toBe(sqlError);
    expect(isConnectionLoss(sqlError)).toBe(false);
  });

  it('recognises a refused login only for authentication SQLSTATEs', () => {
    expect(isLoginRefused(connectFailed(Object.assign(new Error('x'), { code: '28000' })))).toBe(true);
    expect(isLoginRefused(connectFailed(Object.assign(new Error('x'), { code: '53300' })))).toBe(false);
  });
});
