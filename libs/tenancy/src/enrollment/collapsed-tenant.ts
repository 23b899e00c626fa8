import { COLLAPSED_TENANT_ID, COLLAPSED_TENANT_SLUG } from './enrollment.types';
import type { Queryable } from './enrollment-audit';
import { EnrollmentError, EnrollmentErrorCode } from './enrollment-error';

/**
 * Collapsed mode (multi-tenancy off) binds every host to one built-in, active
 * tenant row in the bootstrap database's registry tables, so the host index
 * and its foreign keys work the same as with multi-tenancy on. Idempotent:
 * safe at every start and from several processes at once.
 */
export async function ensureCollapsedTenant(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO registry_tenants (id, slug, name, status) VALUES ($1, $2, 'Default', 'active')
     ON CONFLICT DO NOTHING`,
    [COLLAPSED_TENANT_ID, COLLAPSED_TENANT_SLUG],
  );
  const rows = (await db.query(`SELECT slug FROM registry_tenants WHERE id = $1`, [COLLAPSED_TENANT_ID])) as {
    slug: string;
  }[];
  if (rows.length === 0) {
    throw new EnrollmentError(
      EnrollmentErrorCode.COLLAPSED_TENANT_CONFLICT,
      `cannot create the built-in collapsed-mode tenant ${COLLAPSED_TENANT_ID}: another tenant already uses slug ${COLLAPSED_TENANT_SLUG}`,
    );
  }
}
