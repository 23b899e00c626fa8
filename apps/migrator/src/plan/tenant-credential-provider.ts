import type { ConnectionLease } from './database-target';
import { MigratorError, MigratorErrorCode } from '../errors/migrator-error';
import type { TenantPlacement } from './tenant-target-source';

/**
 * Short-lived access to one tenant's database. The production implementation
 * leases the placement's `vaultOwnerRole` (`tenant-<slug>-owner`) from OpenBAO (the owner role owns every object,
 * which DDL needs) and revokes the lease on release.
 */
export interface TenantCredentialProvider {
  leaseFor(tenant: TenantPlacement): Promise<ConnectionLease>;
}

/**
 * Stands in until the OpenBAO provider is plugged in: every tenant database
 * fails loudly. Never falls back to the bootstrap credentials, which would
 * migrate the wrong database or run as the wrong role.
 */
export class UnavailableTenantCredentialProvider implements TenantCredentialProvider {
  async leaseFor(tenant: TenantPlacement): Promise<ConnectionLease> {
    throw new MigratorError(
      MigratorErrorCode.TENANT_CREDENTIALS_UNAVAILABLE,
      `no credential provider for tenant databases: cannot lease ${tenant.vaultOwnerRole} from OpenBAO ` +
        `for ${tenant.databaseName} on ${tenant.server.host}:${tenant.server.port} ` +
        '(the OpenBAO provider is not available in this build; refusing to fall back to the bootstrap credentials)',
    );
  }
}
