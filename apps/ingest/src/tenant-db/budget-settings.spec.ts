import { DEFAULT_BUDGET_SETTINGS, readBudgetSettings } from './budget-settings';

describe('readBudgetSettings', () => {
  it('defaults to 20 connections per server and 4 per tenant', () => {
    expect(readBudgetSettings({})).toEqual(DEFAULT_BUDGET_SETTINGS);
    expect(DEFAULT_BUDGET_SETTINGS).toMatchObject({ maxConnectionsPerServer: 20, maxPerTenant: 4 });
  });

  it('reads every variable', () => {
    expect(
      readBudgetSettings({
        SYSMANAGE_INGEST_MAX_CONNECTIONS_PER_SERVER: '10',
        SYSMANAGE_INGEST_MAX_PER_TENANT: '2',
        SYSMANAGE_INGEST_POOL_IDLE_MS: '5000',
        SYSMANAGE_INGEST_ACQUIRE_TIMEOUT_MS: '7000',
      }),
    ).toEqual({
      maxConnectionsPerServer: 10,
      maxPerTenant: 2,
      idleTimeoutMs: 5_000,
      acquireTimeoutMs: 7_000,
    });
  });

  it('refuses a malformed value and a per-tenant cap above the server cap', () => {
    expect(() => readBudgetSettings({ SYSMANAGE_INGEST_MAX_PER_TENANT: '-1' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_SETTING',
        message: expect.stringContaining('SYSMANAGE_INGEST_MAX_PER_TENANT'),
      }),
    );
    expect(() =>
      readBudgetSettings({
        SYSMANAGE_INGEST_MAX_CONNECTIONS_PER_SERVER: '3',
        SYSMANAGE_INGEST_MAX_PER_TENANT: '4',
      }),
    ).toThrow(/cannot exceed/);
  });
});
