import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { SysManageConfig } from '@sysmanage/config';
import { AuditLogRepository } from './audit/audit-log.repository';
import { AdminKeysRepository } from './auth/admin-keys.repository';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { ApiKeysService } from './auth/api-keys.service';
import { BootstrapAdminService } from './auth/bootstrap-admin.service';
import { CONTROL_PLANE_CONFIG, CONTROL_PLANE_ENV } from './control-plane.tokens';
import { EnrollmentTokensController } from './enrollment/enrollment-tokens.controller';
import { EnrollmentTokensRepository } from './enrollment/enrollment-tokens.repository';
import { EnrollmentTokensService } from './enrollment/enrollment-tokens.service';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { toValidationError } from './errors/validation-errors';
import { HostEventPublisher } from './hosts/host-event.publisher';
import { HostIndexRepository } from './hosts/host-index.repository';
import { HostsController } from './hosts/hosts.controller';
import { HostsService } from './hosts/hosts.service';
import { ProvisioningJobsRepository } from './jobs/provisioning-jobs.repository';
import { TenantLifecycleService } from './jobs/tenant-lifecycle.service';
import { ProvisioningPublisher } from './provisioning/provisioning-publisher';
import { DatabaseServersController } from './servers/database-servers.controller';
import { DatabaseServersRepository } from './servers/database-servers.repository';
import { DatabaseServersService } from './servers/database-servers.service';
import { StatusController } from './status/status.controller';
import { MigratorVersionsClient } from './status/migrator-versions.client';
import { StatusService } from './status/status.service';
import { MultitenancyGate } from './tenants/multitenancy-gate';
import { PlacementChooser } from './tenants/placement-chooser';
import { PlacementsRepository } from './tenants/placements.repository';
import { TenantReader } from './tenants/tenant-reader';
import { TenantsController } from './tenants/tenants.controller';
import { TenantsRepository } from './tenants/tenants.repository';
import { TenantsService } from './tenants/tenants.service';

/**
 * The control-plane API under /api/v1/control-plane: API-key authentication
 * and role checks (global guard), validation (global pipe) and problem+json
 * errors (global filter) for every route of the application.
 */
@Module({})
export class ControlPlaneModule {
  static forRoot(config: SysManageConfig, env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: ControlPlaneModule,
      controllers: [
        StatusController,
        DatabaseServersController,
        TenantsController,
        ApiKeysController,
        EnrollmentTokensController,
        HostsController,
      ],
      providers: [
        { provide: CONTROL_PLANE_CONFIG, useValue: config },
        { provide: CONTROL_PLANE_ENV, useValue: env },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
            exceptionFactory: toValidationError,
          }),
        },
        AdminKeysRepository,
        AuditLogRepository,
        DatabaseServersRepository,
        TenantsRepository,
        PlacementsRepository,
        ProvisioningJobsRepository,
        ProvisioningPublisher,
        MultitenancyGate,
        PlacementChooser,
        TenantReader,
        TenantLifecycleService,
        TenantsService,
        DatabaseServersService,
        StatusService,
        MigratorVersionsClient,
        ApiKeysService,
        BootstrapAdminService,
        EnrollmentTokensRepository,
        EnrollmentTokensService,
        HostIndexRepository,
        HostEventPublisher,
        HostsService,
      ],
    };
  }
}
