import { RegistryAdminApiKey } from './entities/registry-admin-api-key.entity';
import { RegistryAdminPrincipal } from './entities/registry-admin-principal.entity';
import { RegistryAuditLog } from './entities/registry-audit-log.entity';
import { RegistryDatabaseServer } from './entities/registry-database-server.entity';
import { RegistryEnrollmentToken } from './entities/registry-enrollment-token.entity';
import { RegistryHostIndex } from './entities/registry-host-index.entity';
import { RegistryPlacement } from './entities/registry-placement.entity';
import { RegistryProvisioningJob } from './entities/registry-provisioning-job.entity';
import { RegistryTenantDbVersion } from './entities/registry-tenant-db-version.entity';
import { RegistryTenant } from './entities/registry-tenant.entity';
import { RegistryInitial1764300000000 } from './migrations/1764300000000-registry-initial';

export const REGISTRY_ENTITIES = [
  RegistryTenant,
  RegistryDatabaseServer,
  RegistryPlacement,
  RegistryTenantDbVersion,
  RegistryEnrollmentToken,
  RegistryHostIndex,
  RegistryProvisioningJob,
  RegistryAdminPrincipal,
  RegistryAdminApiKey,
  RegistryAuditLog,
] as const;

/** In application order; the last one is the chain's head. */
export const REGISTRY_MIGRATIONS = [RegistryInitial1764300000000] as const;
