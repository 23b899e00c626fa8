export { CHAIN_ORDER, isChainName, type ChainName } from './chain-name';
export {
  CHAINS,
  chainDefinition,
  chainHead,
  chainMigrationNames,
  type ChainDefinition,
  type EntityClass,
  type MigrationClass,
} from './chains';
export { createChainDataSource, type ChainDataSourceOptions } from './chain-data-source';
export { SchemaError, SchemaErrorCode } from './schema-error';

export * from './registry/registry-vocabulary';
export { RegistryAdminApiKey } from './registry/entities/registry-admin-api-key.entity';
export { RegistryAdminPrincipal } from './registry/entities/registry-admin-principal.entity';
export { RegistryAuditLog } from './registry/entities/registry-audit-log.entity';
export { RegistryDatabaseServer } from './registry/entities/registry-database-server.entity';
export { RegistryEnrollmentToken } from './registry/entities/registry-enrollment-token.entity';
export { RegistryHostIndex } from './registry/entities/registry-host-index.entity';
export { RegistryPlacement } from './registry/entities/registry-placement.entity';
export { RegistryProvisioningJob } from './registry/entities/registry-provisioning-job.entity';
export { RegistryTenantDbVersion } from './registry/entities/registry-tenant-db-version.entity';
export { RegistryTenant } from './registry/entities/registry-tenant.entity';
export { RegistryInitial1764300000000 } from './registry/migrations/1764300000000-registry-initial';

export { SharedOsRelease } from './shared/entities/shared-os-release.entity';
export { SharedPackageManager } from './shared/entities/shared-package-manager.entity';
export { SharedInitial1764300000000 } from './shared/migrations/1764300000000-shared-initial';
export { SharedSeedReferenceData1764300000001 } from './shared/migrations/1764300000001-shared-seed-reference-data';
export { OS_RELEASE_SEED, type OsReleaseSeed } from './shared/seed/os-releases.seed';
export { PACKAGE_MANAGER_SEED, type PackageManagerSeed } from './shared/seed/package-managers.seed';

export * from './tenant/tenant-vocabulary';
export { Host } from './tenant/entities/host.entity';
export { HostHeartbeat } from './tenant/entities/host-heartbeat.entity';
export { ProcessedMessage } from './tenant/entities/processed-message.entity';
export { SoftwarePackage } from './tenant/entities/software-package.entity';
export { TenantInitial1764300000000 } from './tenant/migrations/1764300000000-tenant-initial';
export { TenantHeartbeatsKeyedByMessage1764400000000 } from './tenant/migrations/1764400000000-tenant-heartbeats-keyed-by-message';
