import { Inject, Injectable } from '@nestjs/common';
import {
  encodeMessage,
  type HostEvent,
  HostEventKind,
  hostEventSubject,
  NATS_CONNECTION,
} from '@sysmanage/contracts';
import { ROOT_LOGGER } from '@sysmanage/observability';
import type { NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

/**
 * Broadcasts host events on plain NATS after the registry committed the
 * change. Fire-and-forget: ingest's credential cache also expires on its own,
 * so a lost event delays a revocation, it never undoes it.
 */
@Injectable()
export class HostEventPublisher {
  private readonly log: Logger;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'HostEventPublisher' });
  }

  credentialRevoked(host: { tenantId: string; hostId: string; tokenId: string | null }): void {
    const event: HostEvent = {
      eventId: randomUUID(),
      kind: HostEventKind.CREDENTIAL_REVOKED,
      tenantId: host.tenantId,
      hostId: host.hostId,
      ...(host.tokenId === null ? {} : { tokenId: host.tokenId }),
      occurredAt: new Date().toISOString(),
    };
    try {
      this.nc.publish(hostEventSubject(event.kind), encodeMessage(event));
    } catch (error) {
      // The revocation is committed; ingest picks it up when its cache entry expires.
      this.log.warn(
        { err: error, tenantId: host.tenantId, hostId: host.hostId },
        'host credential revoked, but the event could not be published',
      );
    }
  }
}
