import {
  HOST_EVENTS_WILDCARD,
  HostEvent,
  HostEventKind,
  TENANT_EVENTS_WILDCARD,
  TenantEvent,
  validateMessage,
} from '@sysmanage/contracts';
import { Events, type NatsConnection, type Subscription } from 'nats';
import type { Logger } from 'pino';
import type { HostCredentialCache } from './host-credential-cache';

/**
 * Keeps the credential cache honest: a revoked or rotated credential
 * (HostEvent credential_revoked / enrolled) drops the host's entries, any
 * tenant event (suspended, resumed, deleted, ...) drops the tenant's, and a
 * NATS reconnect (events may have been missed meanwhile) drops everything.
 * The registry publishes after commit, so the reload sees the change.
 */
export class CredentialEvents {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly cache: HostCredentialCache,
    private readonly log: Logger,
  ) {}

  /** Subscribes and waits until the server has the subscriptions (so no event published after this is missed). */
  async start(): Promise<void> {
    this.subscriptions.push(
      this.nc.subscribe(HOST_EVENTS_WILDCARD, {
        callback: (err, msg) => {
          if (!err) this.onHostEvent(msg.data);
        },
      }),
      this.nc.subscribe(TENANT_EVENTS_WILDCARD, {
        callback: (err, msg) => {
          if (!err) this.onTenantEvent(msg.data);
        },
      }),
    );
    void this.watchReconnects();
    await this.nc.flush();
  }

  stop(): void {
    for (const sub of this.subscriptions.splice(0)) sub.unsubscribe();
  }

  onHostEvent(data: Uint8Array): void {
    const event = this.parse(HostEvent, data);
    if (!event) return;
    if (event.kind === HostEventKind.CREDENTIAL_REVOKED || event.kind === HostEventKind.ENROLLED) {
      this.cache.invalidateHost(event.hostId);
      this.log.info(
        { hostId: event.hostId, tenantId: event.tenantId, kind: event.kind },
        'host credential cache entry dropped',
      );
    }
  }

  onTenantEvent(data: Uint8Array): void {
    const event = this.parse(TenantEvent, data);
    if (!event) return;
    this.cache.invalidateTenant(event.tenantId);
    this.log.info(
      { tenantId: event.tenantId, kind: event.kind, status: event.status },
      'tenant credential cache entries dropped',
    );
  }

  private parse<T extends object>(cls: new () => T, data: Uint8Array): T | null {
    try {
      return validateMessage(cls, data);
    } catch (error) {
      this.log.warn({ err: error, event: cls.name }, 'ignored an invalid event');
      return null;
    }
  }

  private async watchReconnects(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Reconnect) {
        this.cache.clear();
        this.log.warn('NATS reconnected: host credential cache cleared (events may have been missed)');
      }
    }
  }
}
