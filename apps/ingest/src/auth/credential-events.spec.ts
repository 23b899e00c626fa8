import { encodeMessage, HostEventKind, TenantEventKind, TenantStatus } from '@sysmanage/contracts';
import type { NatsConnection } from 'nats';
import pino from 'pino';
import { CredentialEvents } from './credential-events';
import { HostCredentialCache, type HostCredentialRecord } from './host-credential-cache';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const H1 = '33333333-3333-4333-8333-333333333333';
const H2 = '44444444-4444-4444-8444-444444444444';
const rows: Record<string, HostCredentialRecord> = {
  a: { hostId: H1, tenantId: T1, tokenId: null, revoked: false, tenantStatus: 'active' },
  b: { hostId: H2, tenantId: T2, tokenId: null, revoked: false, tenantStatus: 'active' },
};

async function setup() {
  const cache = new HostCredentialCache(async (hash) => rows[hash] ?? null);
  await cache.get('a');
  await cache.get('b');
  const lines: Record<string, unknown>[] = [];
  const events = new CredentialEvents(
    {} as NatsConnection,
    cache,
    pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
  );
  return { cache, events, lines };
}

const occurredAt = new Date().toISOString();
const eventId = '55555555-5555-4555-8555-555555555555';

describe('CredentialEvents', () => {
  it.each([HostEventKind.CREDENTIAL_REVOKED, HostEventKind.ENROLLED])(
    'drops the host on %s',
    async (kind) => {
      const { cache, events } = await setup();
      events.onHostEvent(encodeMessage({ eventId, kind, tenantId: T1, hostId: H1, occurredAt }));
      expect((await cache.get('a')).hit).toBe(false);
      expect((await cache.get('b')).hit).toBe(true);
    },
  );

  it('drops the tenant on any tenant event', async () => {
    const { cache, events } = await setup();
    events.onTenantEvent(
      encodeMessage({
        eventId,
        kind: TenantEventKind.SUSPENDED,
        tenantId: T2,
        slug: 'b',
        status: TenantStatus.SUSPENDED,
        occurredAt,
      }),
    );
    expect((await cache.get('a')).hit).toBe(true);
    expect((await cache.get('b')).hit).toBe(false);
  });

  it('ignores an invalid event with a warning and keeps the cache', async () => {
    const { cache, events, lines } = await setup();
    events.onHostEvent(new TextEncoder().encode('{"kind":"credential_revoked","hostId":"not-a-uuid"}'));
    events.onTenantEvent(new TextEncoder().encode('not json'));
    expect(cache.size).toBe(2);
    expect(lines.map((l) => l['msg'])).toEqual(['ignored an invalid event', 'ignored an invalid event']);
  });
});
