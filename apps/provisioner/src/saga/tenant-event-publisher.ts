import {
  encodeMessage,
  type TenantEvent,
  TenantEventKind,
  tenantEventSubject,
  TenantStatus,
} from '@sysmanage/contracts';
import type { NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';

/** Broadcasts a tenant lifecycle event (plain NATS, fire-and-forget; consumers resync from the registry). */
export function publishTenantEvent(
  nc: Pick<NatsConnection, 'publish'>,
  kind: TenantEventKind,
  tenant: { id: string; slug: string },
  status: TenantStatus,
  reason?: string,
): void {
  const event: TenantEvent = {
    eventId: randomUUID(),
    kind,
    tenantId: tenant.id,
    slug: tenant.slug,
    status,
    occurredAt: new Date().toISOString(),
    ...(reason === undefined ? {} : { reason: reason.slice(0, 1000) }),
  };
  nc.publish(tenantEventSubject(kind), encodeMessage(event));
}
