import { MULTITENANT_SAAS } from './license-tiers';

export enum LicensingErrorCode {
  /** multitenancy.license_file does not exist. */
  FILE_MISSING = 'FILE_MISSING',
  /** The license or public key file exists but cannot be read. */
  UNREADABLE = 'UNREADABLE',
  /** Not a signed license document (bad JSON, missing or mistyped fields). */
  MALFORMED = 'MALFORMED',
  /** The signature does not verify: tampered, or signed with another key. */
  BAD_SIGNATURE = 'BAD_SIGNATURE',
  EXPIRED = 'EXPIRED',
  /** issued_at lies in the future (beyond the allowed clock skew). */
  NOT_YET_VALID = 'NOT_YET_VALID',
  /** Valid license, but without the MULTITENANT_SAAS tier. */
  TIER_MISSING = 'TIER_MISSING',
  /** multitenancy.license_public_key_file does not exist. */
  PUBLIC_KEY_MISSING = 'PUBLIC_KEY_MISSING',
  /** The public key file is not an Ed25519 public key in PEM form. */
  PUBLIC_KEY_INVALID = 'PUBLIC_KEY_INVALID',
}

/**
 * Multi-tenant mode cannot run without a valid license. The message says what
 * is wrong, names the tier and gives the fix; the process must stop (it never
 * falls back to single-tenant mode).
 */
export class LicensingError extends Error {
  override readonly name = 'LicensingError';

  constructor(
    readonly code: LicensingErrorCode,
    /** What is wrong, e.g. "license L-1 expired at 2026-01-01T00:00:00.000Z". */
    readonly problem: string,
    /** The specific remedy, before the generic ones. */
    readonly fix: string,
  ) {
    super(
      `${problem}. Multi-tenant mode requires a valid license carrying tier ${MULTITENANT_SAAS}. ` +
        `Fix: ${fix}, or set multitenancy.enabled: false to run single-tenant`,
    );
  }
}
