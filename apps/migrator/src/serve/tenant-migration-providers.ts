import { Injectable, Inject, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { SysManageConfig } from '@sysmanage/config';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { defaultCredentialProvider } from '../credentials/default-credential-provider';
import type { TenantCredentialProvider } from '../plan/tenant-credential-provider';
import { REGISTRY_POOL } from './registry-pool';
import { RegistryPlacements } from './registry-placements';
import { RESPONDER_LOGGER, TenantMigrationResponder } from './tenant-migration.responder';
import { TenantMigrationService } from './tenant-migration.service';
import { TenantVersionsResponder } from './tenant-versions.responder';
import { TenantVersionsService } from './tenant-versions.service';

export const TENANT_CREDENTIALS = Symbol('MIGRATOR_TENANT_CREDENTIALS');

@Injectable()
class TenantCredentialsCloser implements OnApplicationShutdown {
  constructor(@Inject(TENANT_CREDENTIALS) private readonly credentials: TenantCredentialProvider) {}

  async onApplicationShutdown(): Promise<void> {
    await this.credentials.close?.();
  }
}

/**
 * The migrate-tenant responder and what it needs: owner leases from the
 * configured OpenBAO (authenticated on the first request), the registry pool.
 * `credentials` replaces the OpenBAO provider (tests).
 */
export function tenantMigrationProviders(
  config: SysManageConfig,
  logger: Logger,
  credentials?: (config: SysManageConfig) => TenantCredentialProvider,
): Provider[] {
  return [
    { provide: RESPONDER_LOGGER, useValue: logger },
    {
      provide: TENANT_CREDENTIALS,
      useFactory: () => credentials?.(config) ?? defaultCredentialProvider(config.vault),
    },
    TenantCredentialsCloser,
    {
      provide: TenantMigrationService,
      inject: [REGISTRY_POOL, TENANT_CREDENTIALS],
      useFactory: (pool: Pool, provider: TenantCredentialProvider) =>
        new TenantMigrationService(new RegistryPlacements(pool), provider),
    },
    TenantMigrationResponder,
    {
      provide: TenantVersionsService,
      inject: [REGISTRY_POOL, TENANT_CREDENTIALS],
      useFactory: (pool: Pool, provider: TenantCredentialProvider) =>
        new TenantVersionsService(new RegistryPlacements(pool), provider),
    },
    TenantVersionsResponder,
  ];
}
