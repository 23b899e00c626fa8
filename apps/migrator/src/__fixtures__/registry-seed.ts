import type { PgInstance } from '@sysmanage/testing';

/** Writes a tenant, its database server (one per host:port) and its placement into the registry tables. */
export async function seedTenantPlacement(
  pg: PgInstance,
  registryDb: string,
  t: { slug: string; status: string; host: string; port: number; databaseName: string },
): Promise<void> {
  const [server] = await pg.query<{ id: string }>(
    `WITH found AS (SELECT id FROM registry_database_servers WHERE host = $1 AND port = $2),
          made AS (INSERT INTO registry_database_servers (host, port) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id)
     SELECT id FROM found UNION ALL SELECT id FROM made`,
    [t.host, t.port],
    registryDb,
  );
  const [tenant] = await pg.query<{ id: string }>(
    'INSERT INTO registry_tenants (slug, status) VALUES ($1, $2) RETURNING id',
    [t.slug, t.status],
    registryDb,
  );
  await pg.query(
    'INSERT INTO registry_placements (tenant_id, database_server_id, database_name) VALUES ($1, $2, $3)',
    [tenant?.id, server?.id, t.databaseName],
    registryDb,
  );
}
