import type { DataSource } from 'typeorm';
import type { CredentialLoader, HostCredentialRecord } from './host-credential-cache';

const LOOKUP = `
  SELECT h.host_id, h.tenant_id, h.enrollment_token_id,
         h.credential_revoked_at IS NOT NULL AS revoked, t.status AS tenant_status
    FROM registry_host_index h JOIN registry_tenants t ON t.id = h.tenant_id
   WHERE h.credential_hash = $1`;

interface Row {
  host_id: string;
  tenant_id: string;
  enrollment_token_id: string | null;
  revoked: boolean;
  tenant_status: string;
}

/** The cache's loader: one indexed query on the registry's host index (credential_hash is unique). */
export function registryCredentialLoader(registry: DataSource): CredentialLoader {
  return async (credentialHash: string): Promise<HostCredentialRecord | null> => {
    const [row] = (await registry.query(LOOKUP, [credentialHash])) as Row[];
    if (!row) return null;
    return {
      hostId: row.host_id,
      tenantId: row.tenant_id,
      tokenId: row.enrollment_token_id,
      revoked: row.revoked,
      tenantStatus: row.tenant_status,
    };
  };
}
