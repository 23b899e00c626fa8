import { type MigrateTenantReply, type MigrateTenantRequest, TenantStatus } from '@sysmanage/contracts';
import { MigratorErrorCode } from '../errors/migrator-error';
import { migrateTarget } from '../fanout/migrate-target';
import { tenantTarget } from '../plan/build-plan';
import type { TenantCredentialProvider } from '../plan/tenant-credential-provider';
import type { RegistryPlacements } from './registry-placements';

/**
 * Tenants the provisioner may ask to migrate: during provisioning (saga step
 * 4), a retry after a failed step, or an active tenant being re-migrated.
 * Suspended tenants cannot be connected to; the others have no database.
 */
const REQUESTABLE: readonly string[] = [TenantStatus.PROVISIONING, TenantStatus.ACTIVE, TenantStatus.FAILED];

const MAX_MESSAGE = 2000;

/** A reply for a request that could not be served; `tenantId` is echoed as given (nil UUID when unusable). */
export function failureReply(tenantId: string, code: string, message: string): MigrateTenantReply {
  // The contract caps the message (MigrateTenantFailure.message, 2000 characters).
  const capped = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
  return { tenantId, ok: false, applied: [], version: null, error: { code, message: capped } };
}

/**
 * Migrates one tenant database on request: the placement the registry stores,
 * an owner lease from OpenBAO, the same chain runner (advisory lock) as the
 * CLI, reading the database's actual version (never the registry's record),
 * then the version recorded in the registry.
 */
export class TenantMigrationService {
  constructor(
    private readonly placements: RegistryPlacements,
    private readonly credentials: TenantCredentialProvider,
  ) {}

  async migrate(request: MigrateTenantRequest): Promise<MigrateTenantReply> {
    const placement = await this.placements.find(request.tenantId);
    if (placement === null) {
      return failureReply(
        request.tenantId,
        MigratorErrorCode.TENANT_NOT_FOUND,
        `tenant ${request.tenantId} has no placement in the registry`,
      );
    }
    if (placement.slug !== request.slug) {
      return failureReply(
        request.tenantId,
        MigratorErrorCode.TENANT_NOT_FOUND,
        `tenant ${request.tenantId} is "${placement.slug}", not "${request.slug}"`,
      );
    }
    if (!REQUESTABLE.includes(placement.status)) {
      return failureReply(
        request.tenantId,
        MigratorErrorCode.TENANT_NOT_MIGRATABLE,
        `tenant ${placement.slug} is ${placement.status}; only ${REQUESTABLE.join(', ')} tenants are migrated on request`,
      );
    }
    const target = tenantTarget(placement, this.credentials, {
      recordVersion: (tenantId, version) => this.placements.recordVersion(tenantId, version),
    });
    const result = await migrateTarget(target, { dryRun: false, trustRecorded: false });
    if (result.status === 'failed') {
      return {
        ...failureReply(request.tenantId, result.errorCode ?? 'UNEXPECTED', result.error ?? 'unknown error'),
        applied: result.applied,
        version: result.version,
      };
    }
    return { tenantId: request.tenantId, ok: true, applied: result.applied, version: result.version };
  }
}
