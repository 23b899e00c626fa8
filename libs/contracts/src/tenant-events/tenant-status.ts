/** A tenant's lifecycle state as it travels on the wire (DESIGN.md section 5). */
export enum TenantStatus {
  PENDING = 'pending',
  PROVISIONING = 'provisioning',
  ACTIVE = 'active',
  SUSPENDED = 'suspended',
  DEPROVISIONING = 'deprovisioning',
  DELETED = 'deleted',
  FAILED = 'failed',
}

/** Tenant slugs: they become database and role names, so the shape is tight. */
export const TENANT_SLUG_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
