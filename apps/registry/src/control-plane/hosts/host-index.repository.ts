import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { HOST_COLUMNS, type HostIndexRow } from './host.views';

/** registry_host_index, read and revoked by operators. Binding hosts is EnrollmentRedeemer's, in @sysmanage/tenancy. */
@Injectable()
export class HostIndexRepository {
  constructor(private readonly ds: DataSource) {}

  async page(
    tenantId: string,
    window: { limit: number; offset: number },
    manager: EntityManager = this.ds.manager,
  ): Promise<{ rows: HostIndexRow[]; total: number }> {
    const [rows, counted] = await Promise.all([
      manager.query(
        `SELECT ${HOST_COLUMNS} FROM registry_host_index WHERE tenant_id = $1
          ORDER BY created_at, host_id LIMIT $2 OFFSET $3`,
        [tenantId, window.limit, window.offset],
      ) as Promise<HostIndexRow[]>,
      manager.query(`SELECT count(*)::int AS n FROM registry_host_index WHERE tenant_id = $1`, [
        tenantId,
      ]) as Promise<{ n: number }[]>,
    ]);
    return { rows, total: counted[0].n };
  }

  /** Sets credential_revoked_at unless already set (`changed` says whether it was); null when the tenant has no such host. */
  async revokeCredential(
    tenantId: string,
    hostId: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<(HostIndexRow & { changed: boolean }) | null> {
    const [rows] = (await manager.query(
      `WITH prior AS (
         SELECT host_id AS prior_id, credential_revoked_at AS prior_revoked_at FROM registry_host_index
          WHERE host_id = $1 AND tenant_id = $2 FOR UPDATE)
       UPDATE registry_host_index SET credential_revoked_at = COALESCE(credential_revoked_at, now())
         FROM prior WHERE host_id = prior_id
       RETURNING ${HOST_COLUMNS}, prior_revoked_at IS NULL AS changed`,
      [hostId, tenantId],
    )) as [(HostIndexRow & { changed: boolean })[], number];
    return rows[0] ?? null;
  }
}
