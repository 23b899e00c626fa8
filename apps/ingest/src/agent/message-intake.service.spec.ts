import type { HttpMetrics } from '@sysmanage/observability';
import pino from 'pino';
import { Registry } from 'prom-client';
import { PublishError, type AcceptedBatch, type IngestPublisher } from '../publish/ingest-publisher';
import { AgentError, AgentErrorCode } from './agent-error';
import { AgentMetrics } from './agent-metrics';
import { MessageIntakeService } from './message-intake.service';

const HOST = {
  hostId: '11111111-1111-4111-8111-111111111111',
  tenantId: '22222222-2222-4222-8222-222222222222',
  tokenId: null,
};

function harness(fail = false) {
  const published: AcceptedBatch[] = [];
  const publisher = {
    publishBatch: async (batch: AcceptedBatch) => {
      if (fail) throw new PublishError('1 of 2 envelopes were not stored');
      published.push(batch);
      return { stored: batch.messages.length, duplicates: 0 };
    },
  } as unknown as IngestPublisher;
  const registry = new Registry();
  const metrics = new AgentMetrics({ registry } as unknown as HttpMetrics);
  const service = new MessageIntakeService(publisher, metrics, pino({ level: 'silent' }));
  return { service, published, registry };
}

const message = (id: string, type = 'heartbeat') => ({
  id,
  type,
  timestamp: new Date().toISOString(),
  payload: { cpu_percent: 3 },
});

async function counter(registry: Registry, name: string, series = name): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((v) => ((v as { metricName?: string }).metricName ?? name) === series)
    .reduce((sum, v) => sum + v.value, 0);
}

describe('MessageIntakeService', () => {
  it('publishes every message under the credential host and tenant, whatever the body claims', async () => {
    const { service, published, registry } = harness();
    const body = {
      tenant_id: 'ffffffff-ffff-4fff-8fff-ffffffffffff',
      messages: [
        { ...message('a'), tenantId: 'x', hostId: 'y' },
        { ...message('b'), type: 'system_info', payload: { hostname: 'h' } },
      ],
    };
    expect(await service.accept(HOST, body)).toEqual({ accepted: 2 });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ tenantId: HOST.tenantId, hostId: HOST.hostId });
    expect(published[0]?.messages).toEqual([
      expect.objectContaining({ messageId: 'a', type: 'heartbeat', bytes: 17 }),
      expect.objectContaining({ messageId: 'b', type: 'system_info' }),
    ]);
    expect(published[0]?.messages[0]?.payloadJson).toBe('{"cpu_percent":3}');
    expect(published[0]?.messages[0]).not.toHaveProperty('tenantId');
    expect(await counter(registry, 'sysmanage_ingest_messages_accepted_total')).toBe(2);
    expect(
      await counter(registry, 'sysmanage_ingest_accept_seconds', 'sysmanage_ingest_accept_seconds_count'),
    ).toBe(1);
  });

  it('publishes nothing when one message of the batch is invalid', async () => {
    const { service, published } = harness();
    await expect(
      service.accept(HOST, { messages: [message('a'), message('b', 'bogus')] }),
    ).rejects.toMatchObject({
      code: AgentErrorCode.UNKNOWN_MESSAGE_TYPE,
    });
    expect(published).toEqual([]);
  });

  it('turns a failed publish into 503 ingest_unavailable and counts nothing as accepted', async () => {
    const { service, registry } = harness(true);
    const error = await service
      .accept(HOST, { messages: [message('a'), message('b')] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code: AgentErrorCode.INGEST_UNAVAILABLE });
    expect(await counter(registry, 'sysmanage_ingest_messages_accepted_total')).toBe(0);
    expect(
      await counter(registry, 'sysmanage_ingest_accept_seconds', 'sysmanage_ingest_accept_seconds_count'),
    ).toBe(0);
  });
});
