import { ProvisioningAction, TenantEventKind, TenantStatus } from '@sysmanage/contracts';
import type { OpenBaoClient } from '@sysmanage/openbao';
import type { RegistryDatabaseServer, RegistryPlacement } from '@sysmanage/schema';
import { readServerCredentials, writeTenantCredsPolicies } from '@sysmanage/tenancy';
import type { NatsConnection } from 'nats';
import type { Client } from 'pg';
import { ProvisionerError, ProvisionerErrorCode } from '../provisioning/provisioner-error';
import type { JobContext, SagaStep } from './job-context';
import type { JobStore } from './job-store';
import { requestTenantMigration } from './migrate-request';
import { withServerConnection } from './server-connection';
import {
  createTenantDatabase,
  dropTenantDatabase,
  grantConnect,
  grantTenantDefaults,
  revokeConnect,
} from './tenant-database';
import { publishTenantEvent } from './tenant-event-publisher';
import { assertServerConnection, removeTenantVaultRoles, writeTenantVaultRoles } from './tenant-vault-roles';

export interface SagaDependencies {
  store: JobStore;
  openBao: OpenBaoClient;
  nc: NatsConnection;
  /** `vault.database_mount_path` */
  databaseMount: string;
  /** `vault.mount_path` (kv v2) */
  kvMount: string;
  migrateTimeoutMs: number;
}

interface Placed {
  placement: RegistryPlacement;
  server: RegistryDatabaseServer;
}

function placed(ctx: JobContext): Placed {
  if (!ctx.placement || !ctx.server) {
    throw new ProvisionerError(
      ProvisionerErrorCode.REGISTRY_STATE,
      `tenant ${ctx.tenant.slug} has no placement: the registry places a tenant when it is created (PUT /tenants/{id}/placement)`,
    );
  }
  return { placement: ctx.placement, server: ctx.server };
}

/**
 * The saga of every provisioning action (docs/multitenancy.md). Each step
 * checks before it creates, so a redelivery repeating a step that already
 * ran (the process died after it) changes nothing.
 */
export class TenantSagas {
  constructor(private readonly deps: SagaDependencies) {}

  steps(action: ProvisioningAction): readonly SagaStep[] {
    switch (action) {
      case ProvisioningAction.PROVISION:
        return [this.reserve, this.database, this.openbao, this.migrate, this.activate];
      case ProvisioningAction.SUSPEND:
        return [this.suspend];
      case ProvisioningAction.RESUME:
        return [this.resume];
      case ProvisioningAction.DEPROVISION:
        return [this.revokeCredentials, this.dropDatabase, this.removeRegistryRows];
    }
  }

  private async asProvisioner<T>(
    server: RegistryDatabaseServer,
    database: string,
    work: (client: Client) => Promise<T>,
  ): Promise<T> {
    const credentials = await readServerCredentials(this.deps.openBao, server.name, this.deps.kvMount);
    return withServerConnection(server, credentials, database, work);
  }

  private readonly reserve: SagaStep = {
    name: 'reserve',
    run: async (ctx) => {
      placed(ctx);
      if (ctx.tenant.status !== 'provisioning')
        await this.deps.store.setTenantStatus(ctx.tenant.id, 'provisioning');
    },
  };

  private readonly database: SagaStep = {
    name: 'database',
    run: async (ctx) => {
      const { placement, server } = placed(ctx);
      const credentials = await readServerCredentials(this.deps.openBao, server.name, this.deps.kvMount);
      await withServerConnection(server, credentials, server.maintenanceDatabase, (client) =>
        createTenantDatabase(client, placement, credentials.username),
      );
      await withServerConnection(server, credentials, placement.databaseName, (client) =>
        grantTenantDefaults(client, placement),
      );
    },
  };

  private readonly openbao: SagaStep = {
    name: 'openbao',
    run: async (ctx) => {
      const { placement, server } = placed(ctx);
      await assertServerConnection(this.deps.openBao, this.deps.databaseMount, server.name);
      await writeTenantVaultRoles(this.deps.openBao, this.deps.databaseMount, server.name, placement);
      const slugs = await this.deps.store.credentialSlugs();
      await writeTenantCredsPolicies(this.deps.openBao, [...slugs, ctx.tenant.slug], {
        databaseMount: this.deps.databaseMount,
      });
    },
  };

  private readonly migrate: SagaStep = {
    name: 'migrate',
    run: async (ctx) => {
      await requestTenantMigration(
        this.deps.nc,
        { tenantId: ctx.tenant.id, slug: ctx.tenant.slug, jobId: ctx.job.id },
        this.deps.migrateTimeoutMs,
      );
    },
  };

  private readonly activate: SagaStep = {
    name: 'activate',
    run: async (ctx) => {
      await this.deps.store.succeed(ctx.job.id, ctx.tenant.id, 'active');
      publishTenantEvent(this.deps.nc, TenantEventKind.PROVISIONED, ctx.tenant, TenantStatus.ACTIVE);
    },
  };

  /** Suspend: CONNECT revoked from both groups and every session ended; event `suspended`. */
  private readonly suspend = this.connectStep(
    'suspend',
    revokeConnect,
    TenantEventKind.SUSPENDED,
    TenantStatus.SUSPENDED,
  );

  /** Resume: CONNECT granted back to both groups; event `resumed`. */
  private readonly resume = this.connectStep(
    'resume',
    grantConnect,
    TenantEventKind.RESUMED,
    TenantStatus.ACTIVE,
  );

  private connectStep(
    name: string,
    change: (client: Client, names: RegistryPlacement) => Promise<void>,
    kind: TenantEventKind,
    status: TenantStatus.ACTIVE | TenantStatus.SUSPENDED,
  ): SagaStep {
    return {
      name,
      run: async (ctx) => {
        const { placement, server } = placed(ctx);
        await this.asProvisioner(server, server.maintenanceDatabase, (client) => change(client, placement));
        await this.deps.store.succeed(ctx.job.id, ctx.tenant.id, status);
        publishTenantEvent(this.deps.nc, kind, ctx.tenant, status);
      },
    };
  }

  /** Deprovision 1: leases revoked (their logins dropped), both OpenBAO roles gone, policies without the tenant. */
  private readonly revokeCredentials: SagaStep = {
    name: 'revoke-credentials',
    run: async (ctx) => {
      if (ctx.tenant.status !== 'deprovisioning')
        await this.deps.store.setTenantStatus(ctx.tenant.id, 'deprovisioning');
      if (ctx.placement)
        await removeTenantVaultRoles(this.deps.openBao, this.deps.databaseMount, ctx.placement);
      const slugs = (await this.deps.store.credentialSlugs()).filter((slug) => slug !== ctx.tenant.slug);
      await writeTenantCredsPolicies(this.deps.openBao, slugs, { databaseMount: this.deps.databaseMount });
    },
  };

  /** Deprovision 2: sessions ended, database and group roles dropped (or kept, closed, with keepDatabase). */
  private readonly dropDatabase: SagaStep = {
    name: 'drop-database',
    run: async (ctx) => {
      if (!ctx.placement || !ctx.server) return;
      const { placement, server } = placed(ctx);
      await this.asProvisioner(server, server.maintenanceDatabase, (client) =>
        dropTenantDatabase(client, placement, ctx.keepDatabase),
      );
    },
  };

  /** Deprovision 3: the tenant's registry rows (tenant, placement, versions, jobs) are deleted; event `deleted`. */
  private readonly removeRegistryRows: SagaStep = {
    name: 'remove-registry-rows',
    run: async (ctx) => {
      await this.deps.store.deleteTenant(ctx.tenant.id);
      publishTenantEvent(this.deps.nc, TenantEventKind.DELETED, ctx.tenant, TenantStatus.DELETED);
    },
  };
}
