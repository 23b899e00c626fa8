import type { LicensePayload, VerifiedLicense } from './license-types';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function timestamp(raw: Record<string, unknown>, field: string): Date | string {
  const value = raw[field];
  if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
    return `${field} must be an ISO 8601 timestamp with a time zone`;
  }
  return new Date(value);
}

/**
 * Checks the shape of a license payload; returns the problem in words, or the
 * typed license. Unknown extra fields are allowed (they are signed too).
 */
export function readLicensePayload(raw: unknown): VerifiedLicense | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '"license" must be an object';
  const p = raw as Record<string, unknown>;
  if (!isNonEmptyString(p.id)) return 'license.id must be a non-empty string';
  if (!isNonEmptyString(p.customer)) return 'license.customer must be a non-empty string';
  if (!Array.isArray(p.tiers) || p.tiers.length === 0 || !p.tiers.every(isNonEmptyString)) {
    return 'license.tiers must be a non-empty list of tier names';
  }
  const max = p.max_tenants;
  if (max !== null && !(typeof max === 'number' && Number.isInteger(max) && max > 0)) {
    return 'license.max_tenants must be a positive integer or null';
  }
  const issuedAt = timestamp(p, 'issued_at');
  if (typeof issuedAt === 'string') return `license.${issuedAt}`;
  const expiresAt = timestamp(p, 'expires_at');
  if (typeof expiresAt === 'string') return `license.${expiresAt}`;
  if (expiresAt <= issuedAt) return 'license.expires_at must be later than license.issued_at';
  return { id: p.id, customer: p.customer, tiers: [...p.tiers], maxTenants: max, issuedAt, expiresAt };
}

/** The stored form of a license. */
export function toLicensePayload(license: VerifiedLicense): LicensePayload {
  return {
    id: license.id,
    customer: license.customer,
    tiers: [...license.tiers],
    max_tenants: license.maxTenants,
    issued_at: license.issuedAt.toISOString(),
    expires_at: license.expiresAt.toISOString(),
  };
}
