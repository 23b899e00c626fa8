import { encodeIngestEnvelope } from '@sysmanage/contracts';
import { envelopesOf, type AcceptedBatch } from './ingest-publisher';

const TENANT = '22222222-2222-4222-8222-222222222222';
const HOST = '11111111-1111-4111-8111-111111111111';

function batch(types: string[], bytes = 100): AcceptedBatch {
  return {
    tenantId: TENANT,
    hostId: HOST,
    receivedAt: '2026-11-28T12:00:00.000Z',
    messages: types.map((type, index) => ({
      messageId: `m-${index}`,
      type,
      timestamp: `2026-11-28T11:59:${String(index).padStart(2, '0')}Z`,
      payloadJson: JSON.stringify({ n: index }),
      bytes,
    })),
  };
}

describe('envelopesOf', () => {
  it('puts one envelope per type, in the agent order, with the tenant and host of the credential', () => {
    const envelopes = envelopesOf(
      batch(['heartbeat', 'software_inventory', 'heartbeat', 'system_info', 'heartbeat']),
      1024 * 1024,
    );
    expect(envelopes.map((e) => [e.type, e.messages.map((m) => m.messageId)])).toEqual([
      ['heartbeat', ['m-0', 'm-2', 'm-4']],
      ['software_inventory', ['m-1']],
      ['system_info', ['m-3']],
    ]);
    for (const envelope of envelopes) {
      expect(envelope).toMatchObject({
        tenantId: TENANT,
        hostId: HOST,
        receivedAt: '2026-11-28T12:00:00.000Z',
      });
      // Only the item fields travel; the publisher's size estimate does not.
      for (const item of envelope.messages)
        expect(Object.keys(item).sort()).toEqual(['messageId', 'payloadJson', 'timestamp']);
    }
  });

  it('splits a type into several envelopes when together they would exceed the limit', () => {
    // 10 messages of ~1,256 estimated bytes each under a 4,000-byte limit: three per envelope.
    const envelopes = envelopesOf(
      batch(
        Array.from({ length: 10 }, () => 'heartbeat'),
        1_000,
      ),
      4_000,
    );
    expect(envelopes.map((e) => e.messages.length)).toEqual([3, 3, 3, 1]);
    expect(envelopes.flatMap((e) => e.messages.map((m) => m.messageId))).toEqual(
      Array.from({ length: 10 }, (_, i) => `m-${i}`),
    );
  });

  it('gives a message larger than the limit an envelope of its own rather than dropping it', () => {
    const envelopes = envelopesOf(batch(['software_inventory', 'software_inventory'], 10_000), 4_000);
    expect(envelopes.map((e) => e.messages.length)).toEqual([1, 1]);
  });
});

describe('encodeIngestEnvelope', () => {
  it('writes the text JSON.stringify writes for the envelope, with escapes and non-ASCII intact', () => {
    const payloads = [
      { cpu_percent: 1.5, metrics: { 'a"b': 'line\nbreak', nested: [1, null, true] } },
      { hostname: 'hôte-ü-💻', ip_addresses: ['10.0.0.1'], empty: {} },
      {},
    ];
    const envelope = {
      tenantId: TENANT,
      hostId: HOST,
      type: 'heartbeat',
      receivedAt: '2026-11-28T12:00:00.000Z',
      messages: payloads.map((payload, i) => ({
        messageId: `m-"${i}\u2028`,
        timestamp: `2026-11-28T11:59:0${i}.000Z`,
        payload,
      })),
    };
    const encoded = encodeIngestEnvelope({
      ...envelope,
      messages: envelope.messages.map(({ messageId, timestamp, payload }) => ({
        messageId,
        timestamp,
        payloadJson: JSON.stringify(payload),
      })),
    });
    expect(encoded.toString('utf8')).toBe(JSON.stringify(envelope));
    expect(JSON.parse(encoded.toString('utf8'))).toEqual(envelope);
  });
});
