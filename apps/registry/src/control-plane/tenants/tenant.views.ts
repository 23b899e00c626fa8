import type {
  RegistryDatabaseServer,
  RegistryPlacement,
  RegistryProvisioningJob,
  RegistryTenant,
} from '@sysmanage/schema';

export interface JobView {
  id: string;
  tenant_id: string;
  action: string;
  status: string;
  step: string | null;
  attempts: number;
  last_error: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface PlacementView {
  tenant_id: string;
  database_server: { id: string; name: string; host: string; port: number } | null;
  database_name: string;
  owner_role: string;
  app_role: string;
  vault_app_role: string;
  vault_owner_role: string;
  region: string;
  jurisdiction: string;
  created_at: string;
  updated_at: string;
}

export interface TenantSummaryView {
  id: string;
  slug: string;
  name: string;
  status: string;
  edition: string;
  region: string | null;
  jurisdiction: string | null;
  failed_step: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface TenantView extends TenantSummaryView {
  placement: PlacementView | null;
  job: JobView | null;
}

export function toJobView(job: RegistryProvisioningJob): JobView {
  return {
    id: job.id,
    tenant_id: job.tenantId,
    action: job.kind,
    status: job.status,
    step: job.step,
    attempts: job.attempts,
    last_error: job.lastError,
    started_at: job.startedAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    finished_at: job.finishedAt?.toISOString() ?? null,
  };
}

export function toPlacementView(
  placement: RegistryPlacement,
  server: RegistryDatabaseServer | null,
): PlacementView {
  return {
    tenant_id: placement.tenantId,
    database_server: server
      ? { id: server.id, name: server.name, host: server.host, port: server.port }
      : null,
    database_name: placement.databaseName,
    owner_role: placement.ownerRole,
    app_role: placement.appRole,
    vault_app_role: placement.vaultAppRole,
    vault_owner_role: placement.vaultOwnerRole,
    region: placement.region,
    jurisdiction: placement.jurisdiction,
    created_at: placement.createdAt.toISOString(),
    updated_at: placement.updatedAt.toISOString(),
  };
}

export function toTenantSummaryView(tenant: RegistryTenant): TenantSummaryView {
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    status: tenant.status,
    edition: tenant.edition,
    region: tenant.region,
    jurisdiction: tenant.jurisdiction,
    failed_step: tenant.failedStep,
    last_error: tenant.lastError,
    created_at: tenant.createdAt.toISOString(),
    updated_at: tenant.updatedAt.toISOString(),
  };
}
