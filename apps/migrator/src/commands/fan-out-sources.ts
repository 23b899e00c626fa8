import type { SysManageConfig } from '@sysmanage/config';
import { toClientConfig } from '../db/client-config';
import type { MigratorDependencies } from '../cli/cli-io';
import { MigratorError, MigratorErrorCode } from '../errors/migrator-error';
import type { PlanOptions } from '../plan/build-plan';
import { tenantTargets } from '../plan/build-plan';
import type { DatabaseTarget } from '../plan/database-target';
import { RegistryTenantTargetSource } from '../plan/registry-tenant-target-source';
import type { TenantCredentialProvider } from '../plan/tenant-credential-provider';
import { errorMessage } from '../errors/migrator-error';

/** `--tenant` only means something when tenants have their own databases. */
export function assertTenantFlagsFit(config: SysManageConfig, opts: PlanOptions): void {
  if (!config.multitenancy.enabled && opts.tenants.length > 0) {
    throw new MigratorError(
      MigratorErrorCode.USAGE,
      '--tenant needs multitenancy.enabled: true (in collapsed mode the single tenant lives in the bootstrap database)',
    );
  }
}

/** Lists the fan-out's tenant databases through the configured (or injected) source, reached with `credentials`. */
export async function listTenantTargets(
  config: SysManageConfig,
  opts: PlanOptions,
  deps: MigratorDependencies,
  credentials: TenantCredentialProvider,
): Promise<DatabaseTarget[]> {
  const source =
    deps.tenantTargetSource?.(config) ?? new RegistryTenantTargetSource(toClientConfig(config.registry));
  try {
    return await tenantTargets(source, credentials, opts);
  } catch (err) {
    throw new MigratorError(
      MigratorErrorCode.TENANT_LISTING_FAILED,
      `cannot list tenant databases from the registry (${config.registry.name}): ${errorMessage(err)}`,
      { cause: err },
    );
  }
}
