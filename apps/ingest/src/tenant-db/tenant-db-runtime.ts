import type { DatabaseConfig, SysManageConfig } from '@sysmanage/config';
import { LeaseCache, OpenBaoClient } from '@sysmanage/openbao';
import { TENANT_POOL_METRIC_NAMES, TenantPoolManager } from '@sysmanage/tenancy';
import type { ClientConfig } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { BudgetSettings } from './budget-settings';
import { CollapsedTenantDatabases } from './collapsed-tenant-databases';
import { MultiTenantDatabases } from './multi-tenant-databases';
import type { TenantDatabases } from './tenant-databases';
import { TenantPlacements } from './tenant-placement';

/** TenantDatabases plus what must be closed with it. */
export interface TenantDbRuntime {
  readonly databases: TenantDatabases;
  readonly pools: TenantPoolManager;
  /** Closes the pools, revokes the held app leases, stops the OpenBAO token renewal. */
  close(): Promise<void>;
}

export interface TenantDbRuntimeOptions {
  config: SysManageConfig;
  registryDb: DataSource;
  budget: BudgetSettings;
  logger: Logger;
  /** Where the pool gauges and lease counters go (the service's /metrics registry). */
  metrics?: Registry;
}

/** `ssl` of the deployment's database blocks, as pg takes it (tenant servers follow the registry's setting). */
export function pgSsl(mode: DatabaseConfig['ssl']): ClientConfig['ssl'] {
  if (mode === 'disable') return false;
  return { rejectUnauthorized: mode === 'verify-full' };
}

function poolManager(options: TenantDbRuntimeOptions): TenantPoolManager {
  // A rebuilt runtime in the same process (tests, a restarted Nest app) takes over the metric names.
  for (const name of TENANT_POOL_METRIC_NAMES) options.metrics?.removeSingleMetric(name);
  return new TenantPoolManager({ ...options.budget, registry: options.metrics });
}

/**
 * Builds the tenant database access for the configured mode: collapsed
 * (the bootstrap database with the config's credentials) or multi-tenant
 * (registry placements, OpenBAO app leases via the ingest AppRole).
 */
export async function createTenantDbRuntime(options: TenantDbRuntimeOptions): Promise<TenantDbRuntime> {
  const { config, logger } = options;
  const pools = poolManager(options);
  if (!config.multitenancy.enabled) {
    const db = config.registry;
    const databases = new CollapsedTenantDatabases(pools, {
      host: db.host,
      port: db.port,
      database: db.name,
      user: db.user,
      password: db.password,
      ssl: pgSsl(db.ssl),
      connectionTimeoutMillis: 5_000,
      application_name: 'sysmanage-ingest',
    });
    return { databases, pools, close: () => pools.close() };
  }
  const vault = config.vault;
  if (vault === null)
    throw new Error('multitenancy.enabled requires a vault: block (the config loader checks this)');
  const openBao = await OpenBaoClient.fromConfig(vault, { logger: logger.child({ context: 'OpenBao' }) });
  const leases = new LeaseCache(openBao, {
    logger: logger.child({ context: 'LeaseCache' }),
    hooks: {
      onRenewed: () => pools.metrics.leaseRenewal('renewed'),
      onRenewalFailed: () => pools.metrics.leaseRenewal('failed'),
      onRotated: () => pools.metrics.leaseRenewal('rotated'),
    },
  });
  const databases = new MultiTenantDatabases({
    placements: new TenantPlacements(options.registryDb),
    leases,
    pools,
    databaseMount: vault.databaseMountPath,
    ssl: pgSsl(config.registry.ssl),
    logger: logger.child({ context: 'TenantDatabases' }),
  });
  return {
    databases,
    pools,
    close: async () => {
      databases.close();
      await pools.close();
      await leases
        .close({ revoke: true })
        .catch((error: unknown) =>
          logger.warn(
            { error: error instanceof Error ? error.message : String(error) },
            'some tenant app leases could not be revoked; they expire on their own',
          ),
        );
      openBao.close();
    },
  };
}
