import type { TenantPoolManagerOptions } from '@sysmanage/tenancy';

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

function positiveInt(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) {
    throw new BudgetSettingsError(`${key} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** Reads the budget from the environment; a per-tenant cap above the server cap is refused. */
export function readBudgetSettings(env: NodeJS.ProcessEnv): BudgetSettings {
  const settings = Object.fromEntries(
    (Object.keys(ENV_KEYS) as Array<keyof BudgetSettings>).map((field) => [
      field,
      positiveInt(env, ENV_KEYS[field], DEFAULT_BUDGET_SETTINGS[field]),
    ]),
  ) as unknown as BudgetSettings;
  if (settings.maxPerTenant > settings.maxConnectionsPerServer) {
    throw new BudgetSettingsError(
      `${ENV_KEYS.maxPerTenant} (${settings.maxPerTenant}) cannot exceed ${ENV_KEYS.maxConnectionsPerServer} (${settings.maxConnectionsPerServer})`,
    );
  }
  return settings;
}
