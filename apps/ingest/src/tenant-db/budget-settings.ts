import type { TenantPoolManagerOptions } from '@sysmanage/tenancy';
import { readPositiveInts } from './env-settings';

/** The connection budget of ingest's tenant pools; every field has a production default and an env override. */
export type BudgetSettings = Pick<
  TenantPoolManagerOptions,
  'maxConnectionsPerServer' | 'maxPerTenant' | 'idleTimeoutMs' | 'acquireTimeoutMs'
>;

export const DEFAULT_BUDGET_SETTINGS: BudgetSettings = {
  maxConnectionsPerServer: 20,
  maxPerTenant: 4,
  idleTimeoutMs: 60_000,
  acquireTimeoutMs: 10_000,
};

const ENV_KEYS: Record<keyof BudgetSettings, string> = {
  maxConnectionsPerServer: 'SYSMANAGE_INGEST_MAX_CONNECTIONS_PER_SERVER',
  maxPerTenant: 'SYSMANAGE_INGEST_MAX_PER_TENANT',
  idleTimeoutMs: 'SYSMANAGE_INGEST_POOL_IDLE_MS',
  acquireTimeoutMs: 'SYSMANAGE_INGEST_ACQUIRE_TIMEOUT_MS',
};

/** Thrown at start for a malformed budget variable: a typo must not silently become the default. */
export class BudgetSettingsError extends Error {
  override readonly name = 'BudgetSettingsError';
  readonly code = 'INVALID_SETTING';
}

/** Reads the budget from the environment; a per-tenant cap above the server cap is refused. */
export function readBudgetSettings(env: NodeJS.ProcessEnv): BudgetSettings {
  const settings = readPositiveInts(
    env,
    ENV_KEYS,
    DEFAULT_BUDGET_SETTINGS,
    (message) => new BudgetSettingsError(message),
  );
  if (settings.maxPerTenant > settings.maxConnectionsPerServer) {
    throw new BudgetSettingsError(
      `${ENV_KEYS.maxPerTenant} (${settings.maxPerTenant}) cannot exceed ${ENV_KEYS.maxConnectionsPerServer} (${settings.maxConnectionsPerServer})`,
    );
  }
  return settings;
}
