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
  /** Called once when the run is over (stops token renewal); optional. */
  close?(): Promise<void>;
}

/**
 * Used when OpenBAO cannot be used at all (no `vault:` block, or the local
 * bootstrap failed): every tenant database fails loudly, naming the reason. Never falls back to the bootstrap credentials, which would
 * migrate the wrong database or run as the wrong role.
 */
export class UnavailableTenantCredentialProvider implements TenantCredentialProvider {
  constructor(
    private readonly reason = 'no OpenBAO is configured (vault: block); refusing to fall back to the bootstrap credentials',
  ) {}

  async leaseFor(tenant: TenantPlacement): Promise<ConnectionLease> {
    throw new MigratorError(
      MigratorErrorCode.TENANT_CREDENTIALS_UNAVAILABLE,
      `cannot lease ${tenant.vaultOwnerRole} from OpenBAO ` +
        `for ${tenant.databaseName} on ${tenant.server.host}:${tenant.server.port}: ${this.reason}`,
    );
  }
}
