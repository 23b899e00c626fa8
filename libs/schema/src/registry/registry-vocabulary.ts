/**
 * The closed vocabularies of the registry partition. The migrations enforce
 * them with CHECK constraints over plain text columns (not PostgreSQL enums),
 * so a later release can widen a list with one expand migration.
 */

export const TENANT_STATUSES = [
  'pending',
  'provisioning',
  'active',
  'suspended',
  'deprovisioning',
  'deleted',
  'failed',
] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** Tenant slugs: also the stem of database and role names; the rule is defined once, in the contracts. */
export { TENANT_SLUG_PATTERN } from '@sysmanage/contracts';

export const PROVISIONING_JOB_KINDS = ['provision', 'deprovision', 'suspend', 'resume'] as const;
export type ProvisioningJobKind = (typeof PROVISIONING_JOB_KINDS)[number];

/** queued and running are "open": at most one open job per tenant (a partial unique index). */
export const PROVISIONING_JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type ProvisioningJobStatus = (typeof PROVISIONING_JOB_STATUSES)[number];

export const ADMIN_ROLES = ['operator', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];
