import { TenantEvent, TenantEventKind, tenantEventSubject, validateMessage } from '@sysmanage/contracts';
import type { NatsConnection, Subscription } from 'nats';

/**
 * Waits for the provisioner's `provisioned` (or `failed`) event of a tenant:
 * the moment the saga's last step committed `active` and announced it.
 */
export class TenantEventWaiter {
  private readonly waiting = new Map<string, { resolve: (at: number) => void; reject: (e: Error) => void }>();
  private readonly early = new Map<string, number | Error>();
  private readonly subs: Subscription[];

  constructor(nc: NatsConnection) {
    this.subs = [TenantEventKind.PROVISIONED, TenantEventKind.FAILED].map((kind) =>
      nc.subscribe(tenantEventSubject(kind), {
        callback: (_err, msg) => {
          const at = performance.now();
          const event = validateMessage(TenantEvent, msg.data);
          const outcome =
            event.kind === TenantEventKind.PROVISIONED
              ? at
              : new Error(`tenant ${event.slug} failed: ${event.reason ?? 'no reason given'}`);
          this.settle(event.tenantId, outcome);
        },
      }),
    );
  }

  private settle(tenantId: string, outcome: number | Error): void {
    const waiter = this.waiting.get(tenantId);
    if (!waiter) {
      this.early.set(tenantId, outcome);
      return;
    }
    this.waiting.delete(tenantId);
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }

  /** Resolves with performance.now() at the event's arrival. */
  provisioned(tenantId: string, timeoutMs: number): Promise<number> {
    const seen = this.early.get(tenantId);
    if (seen !== undefined) {
      this.early.delete(tenantId);
      return seen instanceof Error ? Promise.reject(seen) : Promise.resolve(seen);
    }
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(tenantId);
        reject(new Error(`tenant ${tenantId}: no provisioned event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(tenantId, {
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  close(): void {
    for (const sub of this.subs) sub.unsubscribe();
  }
}
