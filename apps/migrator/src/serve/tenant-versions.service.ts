import { TenantStatus, type TenantActualVersion, type TenantVersionsRequest } from '@sysmanage/contracts';
import { readChainState } from '../chain/chain-runner';
import { errorMessage } from '../errors/migrator-error';
import { runBounded } from '../fanout/run-bounded';
import type { TenantCredentialProvider } from '../plan/tenant-credential-provider';
import type { TenantPlacement } from '../plan/tenant-target-source';
import type { RegistryPlacements } from './registry-placements';

/** Tenants whose database accepts the owner role's logins (suspension revokes CONNECT). */
const READABLE: readonly string[] = [TenantStatus.PROVISIONING, TenantStatus.ACTIVE, TenantStatus.FAILED];

/** Tenant databases read at once: each read is one owner lease (a role created and dropped) and one query. */
const CONCURRENCY = 4;

/**
 * Reads the tenant-chain version each tenant database actually holds, with
 * the same owner leases as a migration (the registry has no tenant
 * credential). Read-only: no lock, nothing recorded. A tenant that cannot be
 * read gets `version: null` and the reason; the others are still read.
 */
export class TenantVersionsService {
  constructor(
    private readonly placements: RegistryPlacements,
    private readonly credentials: TenantCredentialProvider,
  ) {}

  async read(request: TenantVersionsRequest): Promise<TenantActualVersion[]> {
    const placements = await this.placements.list(request.tenantIds);
    return runBounded(
      placements,
      { concurrency: CONCURRENCY, failureBudget: null },
      {
        work: (placement) => this.readOne(placement),
        isFailure: (result) => result.error !== undefined,
        failed: (placement, err) => ({
          tenantId: placement.tenantId,
          version: null,
          error: errorMessage(err),
        }),
        skipped: (placement, reason) => ({ tenantId: placement.tenantId, version: null, error: reason }),
      },
    );
  }

  private async readOne(placement: TenantPlacement): Promise<TenantActualVersion> {
    if (!READABLE.includes(placement.status)) {
      return {
        tenantId: placement.tenantId,
        version: null,
        error: `tenant ${placement.slug} is ${placement.status}; its database is not read`,
      };
    }
    try {
      const lease = await this.credentials.leaseFor(placement);
      try {
        const state = await readChainState(lease.clientConfig, 'tenant');
        return { tenantId: placement.tenantId, version: state.current };
      } finally {
        await lease.release();
      }
    } catch (err) {
      return { tenantId: placement.tenantId, version: null, error: errorMessage(err).slice(0, 2000) };
    }
  }
}
