import { TENANT_SLUG_REGEX } from '../naming/tenant-resource-names';
import { BootstrapError, BootstrapErrorCode } from './bootstrap-error';

/** The services that log in to OpenBAO with an AppRole of their own. */
export const BOOTSTRAP_SERVICES = ['provisioner', 'ingest', 'migrator', 'registry'] as const;
export type BootstrapService = (typeof BOOTSTRAP_SERVICES)[number];

/** Names of the static policy and AppRole of a service: `sysmanage-<service>`. */
export function servicePolicyName(service: BootstrapService): string {
  return `sysmanage-${service}`;
}

/** The two policies the provisioner regenerates with one explicit path per active tenant. */
export const INGEST_TENANTS_POLICY = 'sysmanage-ingest-tenants';
export const MIGRATOR_TENANTS_POLICY = 'sysmanage-migrator-tenants';

/** The token policies of a service's AppRole: its static policy plus its generated one, if any. */
export function serviceTokenPolicies(service: BootstrapService): string[] {
  if (service === 'ingest') return [servicePolicyName(service), INGEST_TENANTS_POLICY];
  if (service === 'migrator') return [servicePolicyName(service), MIGRATOR_TENANTS_POLICY];
  return [servicePolicyName(service)];
}

export interface PolicyMounts {
  /** Database secrets engine mount, default `database`. */
  databaseMount?: string;
  /** KV v2 mount, default `secret`. */
  kvMount?: string;
}

const MOUNT_REGEX = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Mount names end up inside HCL strings: only plain names are accepted. */
export function checkMount(what: string, mount: string): string {
  if (!MOUNT_REGEX.test(mount))
    throw new BootstrapError(
      BootstrapErrorCode.INVALID_INPUT,
      `${what} ${JSON.stringify(mount)} is not a plain mount name (${MOUNT_REGEX.source})`,
    );
  return mount;
}

function mounts(input: PolicyMounts): { db: string; kv: string } {
  return {
    db: checkMount('database mount', input.databaseMount ?? 'database'),
    kv: checkMount('kv mount', input.kvMount ?? 'secret'),
  };
}

function rule(comment: string, path: string, capabilities: string[]): string {
  return `# ${comment}\npath "${path}" {\n  capabilities = [${capabilities.map((c) => `"${c}"`).join(', ')}]\n}\n`;
}

/**
 * A service may renew and revoke the leases it holds. The client sends the
 * lease id in the body, so the ACL sees only the endpoint; lease ids end in a
 * random suffix, so a token can only name leases it was given.
 */
function leaseRules(): string[] {
  return [
    rule('Renew the leases this service holds (lease id in the body).', 'sys/leases/renew', ['update']),
    rule('Revoke the leases this service holds when it is done with them.', 'sys/leases/revoke', ['update']),
    rule('Look up a held lease’s remaining time.', 'sys/leases/lookup', ['update']),
  ];
}

/**
 * The provisioner: the tenant roles on the database engine and the server
 * connections, revoking a removed tenant's leases, rewriting the two generated
 * policies, and reading the per-server PostgreSQL credentials from KV. It
 * never leases tenant credentials itself.
 */
export function renderProvisionerPolicy(input: PolicyMounts = {}): string {
  const { db, kv } = mounts(input);
  return [
    '# sysmanage-provisioner: written by provision-bootstrap; do not edit by hand.\n',
    rule(
      'One connection per database server: check it, create it when missing (no delete).',
      `${db}/config/*`,
      ['create', 'read', 'update'],
    ),
    rule('The per-tenant dynamic roles tenant-<slug>-app / tenant-<slug>-owner.', `${db}/roles/tenant-*`, [
      'create',
      'read',
      'update',
      'delete',
    ]),
    rule('List roles to find leftovers of a half-removed tenant.', `${db}/roles`, ['list']),
    rule(
      'Deprovisioning revokes every lease of a tenant (needs sudo).',
      `sys/leases/revoke-prefix/${db}/creds/tenant-*`,
      ['update', 'sudo'],
    ),
    rule(
      'Regenerated on activate/remove with one path per tenant.',
      `sys/policies/acl/${INGEST_TENANTS_POLICY}`,
      ['create', 'read', 'update'],
    ),
    rule(
      'Regenerated on activate/remove with one path per tenant.',
      `sys/policies/acl/${MIGRATOR_TENANTS_POLICY}`,
      ['create', 'read', 'update'],
    ),
    rule('sysmanage_provisioner login per database server.', `${kv}/data/sysmanage/database-servers/*`, [
      'read',
    ]),
  ].join('\n');
}

/** Ingest: only lease bookkeeping here; tenant app creds come from sysmanage-ingest-tenants. */
export function renderIngestPolicy(input: PolicyMounts = {}): string {
  mounts(input);
  return [
    '# sysmanage-ingest: app credentials are granted per tenant by sysmanage-ingest-tenants.\n',
    ...leaseRules(),
  ].join('\n');
}

/** Migrator: only lease bookkeeping here; tenant owner creds come from sysmanage-migrator-tenants. */
export function renderMigratorPolicy(input: PolicyMounts = {}): string {
  mounts(input);
  return [
    '# sysmanage-migrator: owner credentials are granted per tenant by sysmanage-migrator-tenants.\n',
    ...leaseRules(),
  ].join('\n');
}

/** Registry: nothing tenant-related; its own settings in KV. */
export function renderRegistryPolicy(input: PolicyMounts = {}): string {
  const { kv } = mounts(input);
  return [
    '# sysmanage-registry: no database engine access at all.\n',
    rule('The registry’s own settings.', `${kv}/data/sysmanage/registry/*`, ['read']),
  ].join('\n');
}

/** The static policy of a service. */
export function renderServicePolicy(service: BootstrapService, input: PolicyMounts = {}): string {
  switch (service) {
    case 'provisioner':
      return renderProvisionerPolicy(input);
    case 'ingest':
      return renderIngestPolicy(input);
    case 'migrator':
      return renderMigratorPolicy(input);
    case 'registry':
      return renderRegistryPolicy(input);
  }
}

/** Sorted, de-duplicated and validated: every slug becomes a literal path in HCL. */
export function normaliseSlugs(slugs: readonly string[]): string[] {
  for (const slug of slugs) {
    if (!TENANT_SLUG_REGEX.test(slug))
      throw new BootstrapError(
        BootstrapErrorCode.INVALID_INPUT,
        `invalid tenant slug ${JSON.stringify(slug)} for a credentials policy`,
      );
  }
  return [...new Set(slugs)].sort();
}

/**
 * `database/creds/tenant-<slug>-<kind>` read, one path per tenant. Policy
 * globs only match a trailing `*`, so `tenant-*-app` cannot be written; an
 * explicit list is what keeps ingest away from owner credentials.
 */
function renderTenantCredsPolicy(
  title: string,
  kind: 'app' | 'owner',
  slugs: readonly string[],
  input: PolicyMounts,
): string {
  const { db } = mounts(input);
  const header = `# ${title}: generated by the provisioner (one path per active tenant); do not edit by hand.\n`;
  const list = normaliseSlugs(slugs);
  if (list.length === 0) return `${header}# No tenants yet: this policy grants nothing.\n`;
  return [
    header,
    ...list.map((slug) => rule(`tenant ${slug}`, `${db}/creds/tenant-${slug}-${kind}`, ['read'])),
  ].join('\n');
}

export function renderIngestTenantsPolicy(slugs: readonly string[], input: PolicyMounts = {}): string {
  return renderTenantCredsPolicy(INGEST_TENANTS_POLICY, 'app', slugs, input);
}

export function renderMigratorTenantsPolicy(slugs: readonly string[], input: PolicyMounts = {}): string {
  return renderTenantCredsPolicy(MIGRATOR_TENANTS_POLICY, 'owner', slugs, input);
}
