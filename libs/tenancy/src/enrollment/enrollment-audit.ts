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

/**
 * The INSERT of one enrollment audit row with its parameters numbered from
 * `first`, so a statement can carry it after its own parameters (the
 * redeemer binds a host and audits it in one statement).
 */
export function enrollmentAuditInsert(
  entry: EnrollmentAuditEntry,
  first = 1,
): { sql: string; values: unknown[] } {
  const [actor, action, target, tenant, request, detail] = [0, 1, 2, 3, 4, 5].map((k) => `$${first + k}`);
  return {
    sql: `INSERT INTO registry_audit_log (actor, action, target_type, target_id, tenant_id, request_id, detail)
     VALUES (${actor}, ${action}, 'host', ${target}, ${tenant}, ${request}, ${detail}::jsonb)`,
    values: [
      ENROLLMENT_ACTOR,
      entry.action,
      entry.hostId,
      entry.tenantId,
      currentContext()?.requestId ?? null,
      JSON.stringify(entry.detail),
    ],
  };
}

/** Appends one row to registry_audit_log (same columns as the registry's AuditLogRepository). */
export async function appendEnrollmentAudit(db: Queryable, entry: EnrollmentAuditEntry): Promise<void> {
  const { sql, values } = enrollmentAuditInsert(entry);
  await db.query(sql, values);
}
