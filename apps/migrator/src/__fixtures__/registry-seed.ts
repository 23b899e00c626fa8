import type { PgInstance } from '@sysmanage/testing';

/**
 * Writes a tenant, its database server (one per host:port) and its placement
 * into the registry tables, the way the provisioner stores them.
 */
export async function seedTenantPlacement(
  pg: PgInstance,
  registryDb: string,
  t: { slug: string; status: string; host: string; port: number; databaseName: string },
): Promise<void> {
  const serverName = `pg-${t.port}`;
  await pg.query(
    `INSERT INTO registry_database_servers (name, host, port, region, jurisdiction, capacity)
     VALUES ($1, $2, $3, 'eu-test', 'EU', 100) ON CONFLICT (name) DO NOTHING`,
    [serverName, t.host, t.port],
    registryDb,
  );
  await pg.query(
    `WITH tenant AS (
       INSERT INTO registry_tenants (slug, name, status) VALUES ($1, $1, $2) RETURNING id
     )
     INSERT INTO registry_placements
       (tenant_id, server_id, database_name, owner_role, app_role, vault_app_role, vault_owner_role, region, jurisdiction)
     SELECT tenant.id, s.id, $3, $4, $5, $6, $7, s.region, s.jurisdiction
       FROM tenant, registry_database_servers s WHERE s.name = $8`,
    [
      t.slug,
      t.status,
      t.databaseName,
      `tenant_${t.slug}_owner`,
      `tenant_${t.slug}_app`,
      `tenant-${t.slug}-app`,
      `tenant-${t.slug}-owner`,
      serverName,
    ],
    registryDb,
  );
}
