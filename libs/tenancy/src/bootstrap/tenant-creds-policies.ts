import type { OpenBaoClient } from '@sysmanage/openbao';
import {
  INGEST_TENANTS_POLICY,
  MIGRATOR_TENANTS_POLICY,
  normaliseSlugs,
  renderIngestTenantsPolicy,
  renderMigratorTenantsPolicy,
} from './service-policies';

export interface TenantCredsPoliciesResult {
  /** The sorted, de-duplicated slugs written. */
  slugs: string[];
  policies: [typeof INGEST_TENANTS_POLICY, typeof MIGRATOR_TENANTS_POLICY];
}

/**
 * Rewrites `sysmanage-ingest-tenants` (app creds) and
 * `sysmanage-migrator-tenants` (owner creds) for exactly `slugs`: the
 * provisioner calls it with every active tenant after an activation or a
 * removal. Tokens pick up the change on their next request.
 */
export async function writeTenantCredsPolicies(
  openBao: OpenBaoClient,
  slugs: readonly string[],
  options: { databaseMount?: string } = {},
): Promise<TenantCredsPoliciesResult> {
  const list = normaliseSlugs(slugs);
  await openBao.putPolicy(INGEST_TENANTS_POLICY, renderIngestTenantsPolicy(list, options));
  await openBao.putPolicy(MIGRATOR_TENANTS_POLICY, renderMigratorTenantsPolicy(list, options));
  return { slugs: list, policies: [INGEST_TENANTS_POLICY, MIGRATOR_TENANTS_POLICY] };
}
