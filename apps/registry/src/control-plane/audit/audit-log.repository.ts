import { Injectable } from '@nestjs/common';
import { currentContext } from '@sysmanage/observability';
import { DataSource, type EntityManager } from 'typeorm';

export interface AuditEntry {
  /** `principal:<id>` or `system:<what>`. */
  actor: string;
  /** Dotted verb, e.g. `tenant.create`. */
  action: string;
  targetType: string;
  targetId: string | null;
  tenantId: string | null;
  /** Never secrets. */
  detail: Record<string, unknown>;
}

/** Appends to registry_audit_log; callers pass their transaction's manager so the entry commits with the change. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly ds: DataSource) {}

  async append(entry: AuditEntry, manager: EntityManager = this.ds.manager): Promise<void> {
    await manager.query(
      `INSERT INTO registry_audit_log (actor, action, target_type, target_id, tenant_id, request_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [
        entry.actor,
        entry.action,
        entry.targetType,
        entry.targetId,
        entry.tenantId,
        currentContext()?.requestId ?? null,
        JSON.stringify(entry.detail),
      ],
    );
  }
}
