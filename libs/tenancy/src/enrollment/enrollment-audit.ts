import { currentContext } from '@sysmanage/observability';

/** What can run a statement: a DataSource, an EntityManager inside a transaction. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** The audit actor of every agent registration (the agent is not an admin principal). */
export const ENROLLMENT_ACTOR = 'system:enrollment';

export interface EnrollmentAuditEntry {
  /** `host.enroll`, `host.reenroll` or `host.enroll.refused`. */
  action: string;
  hostId: string | null;
  tenantId: string | null;
  /** Never a token or a credential: ids, prefixes, reasons and what the agent said about itself. */
  detail: Record<string, unknown>;
}

/** Appends one row to registry_audit_log (same columns as the registry's AuditLogRepository). */
export async function appendEnrollmentAudit(db: Queryable, entry: EnrollmentAuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO registry_audit_log (actor, action, target_type, target_id, tenant_id, request_id, detail)
     VALUES ($1, $2, 'host', $3, $4, $5, $6::jsonb)`,
    [
      ENROLLMENT_ACTOR,
      entry.action,
      entry.hostId,
      entry.tenantId,
      currentContext()?.requestId ?? null,
      JSON.stringify(entry.detail),
    ],
  );
}
