import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type EnrollmentTokenRow, TOKEN_COLUMNS } from './enrollment-token.views';

export interface NewEnrollmentToken {
  tenantId: string;
  label: string;
  tokenHash: string;
  prefix: string;
  maxUses: number | null;
  expiresInDays: number | null;
  createdBy: string;
}

/** registry_enrollment_tokens. Redemption (uses, last_used_at) is EnrollmentRedeemer's, in @sysmanage/tenancy. */
@Injectable()
export class EnrollmentTokensRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(
    token: NewEnrollmentToken,
    manager: EntityManager = this.ds.manager,
  ): Promise<EnrollmentTokenRow> {
    const rows = (await manager.query(
      `INSERT INTO registry_enrollment_tokens (tenant_id, label, token_hash, prefix, max_uses, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6::int), $7)
       RETURNING ${TOKEN_COLUMNS}`,
      [
        token.tenantId,
        token.label,
        token.tokenHash,
        token.prefix,
        token.maxUses,
        token.expiresInDays,
        token.createdBy,
      ],
    )) as EnrollmentTokenRow[];
    return rows[0];
  }

  async listByTenant(
    tenantId: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<EnrollmentTokenRow[]> {
    return (await manager.query(
      `SELECT ${TOKEN_COLUMNS} FROM registry_enrollment_tokens WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenantId],
    )) as EnrollmentTokenRow[];
  }

  /** Sets revoked_at unless already set (`changed` says whether it was); null when the tenant has no such token. */
  async revoke(
    tenantId: string,
    tokenId: string,
    manager: EntityManager = this.ds.manager,
  ): Promise<(EnrollmentTokenRow & { changed: boolean }) | null> {
    const [rows] = (await manager.query(
      `WITH prior AS (
         SELECT id AS prior_id, revoked_at AS prior_revoked_at FROM registry_enrollment_tokens
          WHERE id = $1 AND tenant_id = $2 FOR UPDATE)
       UPDATE registry_enrollment_tokens SET revoked_at = COALESCE(revoked_at, now())
         FROM prior WHERE id = prior_id
       RETURNING ${TOKEN_COLUMNS}, prior_revoked_at IS NULL AS changed`,
      [tokenId, tenantId],
    )) as [(EnrollmentTokenRow & { changed: boolean })[], number];
    return rows[0] ?? null;
  }
}
