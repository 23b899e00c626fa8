import type { HostIdentity, RecordHost } from '@sysmanage/tenancy';
import type { TenantDatabases } from '../tenant-db/tenant-databases';

// One row per machine in the tenant database: a re-registration refreshes the identity, re-activates a revoked
// host, and keeps the id the tenant database already has (the redeemer then binds that id in the host index).
const UPSERT_HOST = `
  INSERT INTO hosts (id, hostname, fqdn, machine_id, os, os_version, agent_version, status)
  VALUES ($1, $2, $3, $4, $5, $6, $7, 'active')
  ON CONFLICT (machine_id) DO UPDATE
     SET hostname = EXCLUDED.hostname, fqdn = EXCLUDED.fqdn, os = EXCLUDED.os,
         os_version = EXCLUDED.os_version, agent_version = EXCLUDED.agent_version,
         status = 'active', updated_at = now()
  RETURNING id`;

/** The redeemer's recordHost: writes the host row through TenantDatabases (never any other database). */
export function hostRecorder(databases: TenantDatabases, identity: HostIdentity): RecordHost {
  return (tenant, proposedHostId) =>
    databases.withTenantClient(tenant.tenantId, async (client) => {
      const { rows } = await client.query<{ id: string }>(UPSERT_HOST, [
        proposedHostId,
        identity.hostname,
        identity.fqdn,
        identity.machineId,
        identity.os,
        identity.osVersion,
        identity.agentVersion,
      ]);
      const id = rows[0]?.id;
      if (id === undefined) throw new Error('INSERT ... RETURNING id returned no row');
      return id;
    });
}
