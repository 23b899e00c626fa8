import { subjectToken } from '../validation/subject-token';

/** What happened to a tenant; the last token of the event's subject. */
export enum TenantEventKind {
  CREATED = 'created',
  PROVISIONED = 'provisioned',
  SUSPENDED = 'suspended',
  RESUMED = 'resumed',
  DELETED = 'deleted',
  FAILED = 'failed',
  UPDATED = 'updated',
}

const PREFIX = 'sysmanage.tenant.events';

/** Every tenant event, for a subscriber that wants them all (ingest's caches, the console). */
export const TENANT_EVENTS_WILDCARD = `${PREFIX}.*`;

/** `sysmanage.tenant.events.<kind>`: plain NATS publish, fire-and-forget broadcast. */
export function tenantEventSubject(kind: TenantEventKind): string {
  return `${PREFIX}.${subjectToken(kind, 'tenant event kind')}`;
}
