import { TENANT_SLUG_PATTERN } from '@sysmanage/contracts';

/**
 * Every name derived from a tenant slug, computed in one place. The registry
 * stores these on the placement when it is created and every later step reads
 * them from there (they are never recomputed for an existing tenant).
 */
/** The slug rule is defined once, with the NATS contracts that carry slugs. */
export const TENANT_SLUG_REGEX: RegExp = TENANT_SLUG_PATTERN;

export interface TenantResourceNames {
  /** PostgreSQL database: tenant_<slug> */
  databaseName: string;
  /** NOLOGIN group role owning every object of the tenant database */
  ownerRole: string;
  /** NOLOGIN group role with DML only */
  appRole: string;
  /** OpenBAO dynamic role issuing app credentials: tenant-<slug>-app */
  vaultAppRole: string;
  /** OpenBAO dynamic role issuing owner credentials (migrations): tenant-<slug>-owner */
  vaultOwnerRole: string;
}

export class InvalidTenantSlugError extends Error {
  override readonly name = 'InvalidTenantSlugError';
  constructor(readonly slug: string) {
    super(`invalid tenant slug ${JSON.stringify(slug)}: expected ${TENANT_SLUG_PATTERN.source}`);
  }
}

export function isValidTenantSlug(slug: unknown): slug is string {
  return typeof slug === 'string' && TENANT_SLUG_REGEX.test(slug);
}

export function tenantResourceNames(slug: string): TenantResourceNames {
  if (!isValidTenantSlug(slug)) throw new InvalidTenantSlugError(slug);
  return {
    databaseName: `tenant_${slug}`,
    ownerRole: `tenant_${slug}_owner`,
    appRole: `tenant_${slug}_app`,
    vaultAppRole: `tenant-${slug}-app`,
    vaultOwnerRole: `tenant-${slug}-owner`,
  };
}

/** Double-quotes a PostgreSQL identifier after checking it is a plain lower-case name. */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`refusing to quote unexpected identifier ${JSON.stringify(name)}`);
  }
  return `"${name}"`;
}
