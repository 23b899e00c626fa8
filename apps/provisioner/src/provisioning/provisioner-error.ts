export enum ProvisionerErrorCode {
  /** A worker setting from the environment is not usable. */
  INVALID_SETTING = 'INVALID_SETTING',
  /** The crash hook was asked for outside a test run. */
  CRASH_HOOK_REFUSED = 'CRASH_HOOK_REFUSED',
  /** The job, its tenant, placement or server is missing or inconsistent in the registry. */
  REGISTRY_STATE = 'REGISTRY_STATE',
  /** The server's OpenBAO connection (database/config/<server>) does not exist. */
  SERVER_NOT_BOOTSTRAPPED = 'SERVER_NOT_BOOTSTRAPPED',
  /** A PostgreSQL statement on the tenant's server failed. */
  DATABASE_FAILED = 'DATABASE_FAILED',
  /** The migrator answered ok=false, did not answer, or answered garbage. */
  MIGRATE_FAILED = 'MIGRATE_FAILED',
}

/** Why a saga step (or the worker's setup) failed; the message names what and where, never a secret. */
export class ProvisionerError extends Error {
  override readonly name = 'ProvisionerError';

  constructor(
    readonly code: ProvisionerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One line for a job's last_error: the error's own message, without stacks. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const prefix = typeof code === 'string' && !error.message.includes(code) ? `${code}: ` : '';
    return `${prefix}${error.message}`.slice(0, 2000);
  }
  return String(error).slice(0, 2000);
}
