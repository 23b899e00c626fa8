import {
  encodeMessage,
  MIGRATE_TENANT_SUBJECT,
  MIGRATOR_QUEUE_GROUP,
  type MigrateTenantReply,
} from '@sysmanage/contracts';
import type { Msg, NatsConnection, SubscriptionOptions } from 'nats';
import type { Logger } from 'pino';
import { TenantMigrationResponder } from './tenant-migration.responder';
import type { TenantMigrationService } from './tenant-migration.service';

const ID = '33333333-3333-4333-8333-333333333333';

/** Just enough of NatsConnection and Msg: the subscription's callback is driven by hand. */
function harness(migrate: TenantMigrationService['migrate']) {
  let options: SubscriptionOptions | undefined;
  let subject = '';
  let unsubscribed = false;
  const nc = {
    subscribe: (s: string, o: SubscriptionOptions) => {
      subject = s;
      options = o;
      return { unsubscribe: () => (unsubscribed = true) };
    },
  } as unknown as NatsConnection;
  const logs: string[] = [];
  const log = (msg: string): void => {
    logs.push(msg);
  };
  const logger = {
    info: (_: unknown, m: string) => log(m),
    warn: (_: unknown, m: string) => log(m),
    error: (_: unknown, m: string) => log(m),
  } as unknown as Logger;
  const responder = new TenantMigrationResponder(nc, { migrate } as TenantMigrationService, logger);
  responder.onApplicationBootstrap();
  async function send(data: Uint8Array): Promise<MigrateTenantReply> {
    return new Promise((resolve) => {
      const msg = {
        data,
        reply: '_INBOX.x',
        respond: (payload: Uint8Array) => {
          resolve(JSON.parse(new TextDecoder().decode(payload)) as MigrateTenantReply);
          return true;
        },
      } as unknown as Msg;
      options?.callback?.(null, msg);
    });
  }
  return {
    responder,
    send,
    logs,
    subject: () => subject,
    queue: () => options?.queue,
    unsubscribed: () => unsubscribed,
  };
}

describe('TenantMigrationResponder', () => {
  it('subscribes in the migrator queue group and answers with the service result', async () => {
    const h = harness(async (req) => ({ tenantId: req.tenantId, ok: true, applied: ['A1'], version: 'A1' }));
    expect(h.subject()).toBe(MIGRATE_TENANT_SUBJECT);
    expect(h.queue()).toBe(MIGRATOR_QUEUE_GROUP);
    expect(await h.send(encodeMessage({ tenantId: ID, slug: 'acme' }))).toEqual({
      tenantId: ID,
      ok: true,
      applied: ['A1'],
      version: 'A1',
    });
  });

  it('a throwing service (e.g. the registry is down) becomes an UNEXPECTED error reply, not a crash', async () => {
    const h = harness(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    expect(await h.send(encodeMessage({ tenantId: ID, slug: 'acme' }))).toEqual({
      tenantId: ID,
      ok: false,
      applied: [],
      version: null,
      error: {
        code: 'UNEXPECTED',
        message: 'migrating tenant acme failed: connect ECONNREFUSED 127.0.0.1:5432',
      },
    });
    expect(h.logs).toContain('migrate-tenant request failed');
  });

  it('an invalid request echoes a usable tenantId, else the nil UUID', async () => {
    const h = harness(async () => {
      throw new Error('not reached');
    });
    const echoed = await h.send(encodeMessage({ tenantId: ID }));
    expect(echoed.tenantId).toBe(ID);
    expect(echoed.error?.code).toBe('INVALID_REQUEST');
    const nil = await h.send(encodeMessage({ tenantId: 'x; DROP', slug: 'acme' }));
    expect(nil.tenantId).toBe('00000000-0000-0000-0000-000000000000');
    expect(nil.error?.message).toContain('tenantId must be a UUID');
  });

  it('shutdown unsubscribes and waits for requests in flight', async () => {
    let finish: () => void = () => undefined;
    const h = harness(
      (req) =>
        new Promise((resolve) => {
          finish = () => resolve({ tenantId: req.tenantId, ok: true, applied: [], version: null });
        }),
    );
    const reply = h.send(encodeMessage({ tenantId: ID, slug: 'acme' }));
    let closed = false;
    const shutdown = h.responder.onApplicationShutdown().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(h.unsubscribed()).toBe(true);
    expect(closed).toBe(false);
    finish();
    await shutdown;
    expect((await reply).ok).toBe(true);
  });
});
