import { COLLAPSED_TENANT_ID, type TenantPoolManager } from '@sysmanage/tenancy';
import type { ClientBase, ClientConfig } from 'pg';
import { tenantUnavailable } from './budget-error-mapping';
import type { TenantDatabases } from './tenant-databases';
import { TenantUnavailableError, TenantUnavailableErrorCode } from './tenant-unavailable-error';

/**
 * Collapsed mode (multi-tenancy off): the one built-in tenant's data lives in
 * the bootstrap database, reached with the config's own credentials, inside
 * the same connection budget. Any other tenant id is refused; there is no
 * default database to fall back to.
 */
export class CollapsedTenantDatabases implements TenantDatabases {
  private readonly server: string;

  constructor(
    private readonly pools: TenantPoolManager,
    private readonly bootstrap: ClientConfig & { host: string; port: number },
  ) {
    this.server = `${bootstrap.host}:${bootstrap.port}`;
  }

  async withTenantClient<T>(tenantId: string, work: (client: ClientBase) => Promise<T>): Promise<T> {
    this.assertKnown(tenantId);
    try {
      return await this.pools.withClient(
        { tenantId, serverKey: this.server, connection: () => Promise.resolve(this.bootstrap) },
        work,
      );
    } catch (error) {
      throw tenantUnavailable(tenantId, this.server, error);
    }
  }

  async forget(tenantId: string): Promise<void> {
    this.assertKnown(tenantId);
    await this.pools.evict(tenantId);
  }

  private assertKnown(tenantId: string): void {
    if (tenantId !== COLLAPSED_TENANT_ID) {
      throw new TenantUnavailableError(
        TenantUnavailableErrorCode.TENANT_UNKNOWN,
        tenantId,
        `Tenant ${tenantId} is unknown: multi-tenancy is off and the only tenant is ${COLLAPSED_TENANT_ID}`,
      );
    }
  }
}
