import { ProvisionerError, ProvisionerErrorCode } from './provisioner-error';

/** How the worker consumes and retries; every field has a production default and an env override. */
export interface WorkerSettings {
  /** JetStream ack_wait: an unacked message (the process died) is redelivered after this. */
  ackWaitMs: number;
  /** Deliveries of one job before it is marked failed. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long step `migrate` waits for the migrator's reply. */
  migrateTimeoutMs: number;
  /** Test-only: SIGKILL the process right after this step ran (see crash-hook.ts). */
  crashAfterStep: string | null;
}

export const DEFAULT_WORKER_SETTINGS: Omit<WorkerSettings, 'crashAfterStep'> = {
  ackWaitMs: 30_000,
  maxAttempts: 5,
  backoffBaseMs: 1_000,
  backoffMaxMs: 30_000,
  migrateTimeoutMs: 60_000,
};

const ENV_KEYS: Record<keyof typeof DEFAULT_WORKER_SETTINGS, string> = {
  ackWaitMs: 'SYSMANAGE_PROVISIONER_ACK_WAIT_MS',
  maxAttempts: 'SYSMANAGE_PROVISIONER_MAX_ATTEMPTS',
  backoffBaseMs: 'SYSMANAGE_PROVISIONER_BACKOFF_BASE_MS',
  backoffMaxMs: 'SYSMANAGE_PROVISIONER_BACKOFF_MAX_MS',
  migrateTimeoutMs: 'SYSMANAGE_PROVISIONER_MIGRATE_TIMEOUT_MS',
};

export const CRASH_HOOK_ENV = 'SYSMANAGE_PROVISIONER_CRASH_AFTER_STEP';
/** Allows the crash hook outside NODE_ENV=test (e.g. a chaos drill on a staging box). */
export const CRASH_HOOK_ALLOW_ENV = 'SYSMANAGE_PROVISIONER_ALLOW_CRASH_HOOK';

function positiveInt(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(raw)) {
    throw new ProvisionerError(
      ProvisionerErrorCode.INVALID_SETTING,
      `${key} must be a positive integer, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

/** Reads the settings from the environment; throws ProvisionerError on a malformed value or a refused crash hook. */
export function readWorkerSettings(env: NodeJS.ProcessEnv): WorkerSettings {
  const numbers = Object.fromEntries(
    Object.entries(ENV_KEYS).map(([field, key]) => [
      field,
      positiveInt(env, key, DEFAULT_WORKER_SETTINGS[field as keyof typeof DEFAULT_WORKER_SETTINGS]),
    ]),
  ) as typeof DEFAULT_WORKER_SETTINGS;
  const crash = env[CRASH_HOOK_ENV];
  const crashAfterStep = crash === undefined || crash === '' ? null : crash;
  if (crashAfterStep !== null && env['NODE_ENV'] !== 'test' && env[CRASH_HOOK_ALLOW_ENV] !== 'true') {
    throw new ProvisionerError(
      ProvisionerErrorCode.CRASH_HOOK_REFUSED,
      `${CRASH_HOOK_ENV} is a test hook: it is honoured only with NODE_ENV=test or ${CRASH_HOOK_ALLOW_ENV}=true`,
    );
  }
  return { ...numbers, crashAfterStep };
}

/** Delay before the next delivery after `attempts` failed ones: base * 2^(attempts-1), capped. */
export function retryDelayMs(settings: WorkerSettings, attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 20));
  return Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** exponent);
}
