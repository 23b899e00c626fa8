import { ProvisionerError, ProvisionerErrorCode } from './provisioner-error';
import { DEFAULT_WORKER_SETTINGS, readWorkerSettings, retryDelayMs } from './worker-settings';

function errorOf(fn: () => unknown): ProvisionerError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProvisionerError) return error;
    throw error;
  }
  throw new Error('expected a ProvisionerError');
}

describe('readWorkerSettings', () => {
  it('defaults: 30 s ack wait, 5 attempts, 1 s..30 s backoff, 60 s migrate timeout, no crash hook', () => {
    expect(readWorkerSettings({})).toEqual({ ...DEFAULT_WORKER_SETTINGS, crashAfterStep: null });
    expect(DEFAULT_WORKER_SETTINGS).toEqual({
      ackWaitMs: 30_000,
      maxAttempts: 5,
      backoffBaseMs: 1_000,
      backoffMaxMs: 30_000,
      migrateTimeoutMs: 60_000,
    });
  });

  it('reads the overrides from the environment', () => {
    const settings = readWorkerSettings({
      SYSMANAGE_PROVISIONER_ACK_WAIT_MS: '2000',
      SYSMANAGE_PROVISIONER_MAX_ATTEMPTS: '3',
      SYSMANAGE_PROVISIONER_BACKOFF_BASE_MS: '100',
      SYSMANAGE_PROVISIONER_BACKOFF_MAX_MS: '400',
      SYSMANAGE_PROVISIONER_MIGRATE_TIMEOUT_MS: '5000',
    });
    expect(settings).toEqual({
      ackWaitMs: 2000,
      maxAttempts: 3,
      backoffBaseMs: 100,
      backoffMaxMs: 400,
      migrateTimeoutMs: 5000,
      crashAfterStep: null,
    });
  });

  it.each(['0', '-1', '1.5', 'soon', ' 10'])(
    'refuses %j as a positive integer, naming the variable',
    (raw) => {
      const error = errorOf(() => readWorkerSettings({ SYSMANAGE_PROVISIONER_MAX_ATTEMPTS: raw }));
      expect(error.code).toBe(ProvisionerErrorCode.INVALID_SETTING);
      expect(error.message).toBe(
        `SYSMANAGE_PROVISIONER_MAX_ATTEMPTS must be a positive integer, got ${JSON.stringify(raw)}`,
      );
    },
  );

  it('accepts the crash hook only with NODE_ENV=test or the explicit flag', () => {
    expect(
      readWorkerSettings({ NODE_ENV: 'test', SYSMANAGE_PROVISIONER_CRASH_AFTER_STEP: 'database' })
        .crashAfterStep,
    ).toBe('database');
    expect(
      readWorkerSettings({
        SYSMANAGE_PROVISIONER_ALLOW_CRASH_HOOK: 'true',
        SYSMANAGE_PROVISIONER_CRASH_AFTER_STEP: 'migrate',
      }).crashAfterStep,
    ).toBe('migrate');
    const refused = errorOf(() =>
      readWorkerSettings({ NODE_ENV: 'production', SYSMANAGE_PROVISIONER_CRASH_AFTER_STEP: 'database' }),
    );
    expect(refused.code).toBe(ProvisionerErrorCode.CRASH_HOOK_REFUSED);
    expect(refused.message).toContain('is a test hook');
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base per attempt and stops at the cap', () => {
    const settings = { ...readWorkerSettings({}), backoffBaseMs: 100, backoffMaxMs: 1_000 };
    expect([1, 2, 3, 4, 5, 50].map((attempt) => retryDelayMs(settings, attempt))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });
});
