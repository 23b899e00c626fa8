import type { EnrollmentRefusalReason } from './enrollment.types';

/**
 * A registration the registry refused. The agent always gets the same 403 (no
 * oracle for which tokens exist); `reason`, `tokenId` and `tenantId` are for
 * the log line and were already written to the audit log.
 */
export class EnrollmentRefusedError extends Error {
  override readonly name = 'EnrollmentRefusedError';

  constructor(
    readonly reason: EnrollmentRefusalReason,
    /** The token's row id when the token is known; never the token. */
    readonly tokenId: string | null = null,
    readonly tenantId: string | null = null,
  ) {
    super(`enrollment refused: ${reason}`);
  }
}

export enum EnrollmentErrorCode {
  /** Collapsed mode found no built-in tenant row: ensureCollapsedTenant() was not run at start. */
  COLLAPSED_TENANT_MISSING = 'COLLAPSED_TENANT_MISSING',
  /** Another tenant already uses the built-in slug, so the collapsed tenant cannot be created. */
  COLLAPSED_TENANT_CONFLICT = 'COLLAPSED_TENANT_CONFLICT',
  /**
   * The token (or the machine) stayed locked by other registrations past the
   * lock timeout, e.g. behind a tenant database that is slow to record a host.
   * Nothing was counted; the agent should retry later (503).
   */
  BUSY = 'BUSY',
  /** The redeemer was given a lock timeout that is not a positive integer of milliseconds. */
  INVALID_SETTING = 'INVALID_SETTING',
}

/** A wiring or data problem of the enrollment machinery (not a refusal of the agent). */
export class EnrollmentError extends Error {
  override readonly name = 'EnrollmentError';

  constructor(
    readonly code: EnrollmentErrorCode,
    message: string,
  ) {
    super(message);
  }
}
