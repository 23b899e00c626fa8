import { encodeMessage, type IngestEnvelope } from '@sysmanage/contracts';
import type { Consumer, JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { ClientBase } from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { TenantDatabases } from '../tenant-db/tenant-databases';
import { TenantUnavailableError, TenantUnavailableErrorCode } from '../tenant-db/tenant-unavailable-error';
import { TenantWriter } from './tenant-writer';
import { WriterMetrics } from './writer-metrics';
import { DEFAULT_WRITER_SETTINGS } from './writer-settings';

const TENANT = '6f1d7c2e-0c1b-4a6e-9a53-1f8f3e2b9d10';
const HOST = '0b8f3a52-6a0e-4f0b-8a55-6c1d2e3f4a5b';

interface FakeMsg extends JsMsg {
  settled: string[];
}

/** A stream message as ingest publishes it: an envelope of one host's heartbeats. */
function fakeMsg(messageIds: string | string[], pending: number): FakeMsg {
  const settled: string[] = [];
  const now = new Date().toISOString();
  const envelope: IngestEnvelope = {
    tenantId: TENANT,
    hostId: HOST,
    type: 'heartbeat',
    receivedAt: now,
    messages: [messageIds].flat().map((messageId) => ({ messageId, timestamp: now, payload: {} })),
  };
  const msg = {
    settled,
    subject: `sysmanage.ingest.${TENANT}.heartbeat`,
    seq: 1,
    data: encodeMessage(envelope),
    info: { pending },
    ack: () => settled.push('ack'),
    nak: () => settled.push('nak'),
    term: () => settled.push('term'),
    working: () => settled.push('working'),
  };
  return msg as unknown as FakeMsg;
}

/**
 * A consumer whose pulls wait for a first message (like a long pull on a
 * stream), then hand out up to their maximum; each of `arrivals` joins the
 * queue its delay after the first pull (messages an agent sends meanwhile).
 */
function fakeConsumer(queue: FakeMsg[], arrivals: Array<[FakeMsg, number]> = []): Consumer {
  let pulled = false;
  return {
    info: () => Promise.resolve({ num_pending: queue.length }),
    fetch: ({ max_messages }: { max_messages: number }) => {
      if (!pulled) for (const [msg, delay] of arrivals) setTimeout(() => queue.push(msg), delay);
      pulled = true;
      let stopped = false;
      return Promise.resolve({
        stop: () => {
          stopped = true;
        },
        async *[Symbol.asyncIterator]() {
          while (queue.length === 0 && !stopped) await new Promise((r) => setTimeout(r, 2));
          yield* queue.splice(0, max_messages);
        },
      });
    },
  } as unknown as Consumer;
}

/** Answers writeBatch's statement: every host is known, every ledger pair new; `poison` fails the statement. */
function fakeClient(written: string[] = []): ClientBase {
  return {
    query: async (config: { values: [string, string] }) => {
      await Promise.resolve();
      const messages = JSON.parse(config.values[0]) as Array<{ host_id: string; message_id: string }>;
      const ids = messages.map((m) => m.message_id);
      if (ids.includes('poison')) throw Object.assign(new Error('invalid input syntax'), { code: '22P02' });
      written.push(...ids);
      // The statement's answer: each known host, and none of their messages among the ones already stored.
      const hosts = [...new Set(messages.map((m) => m.host_id))];
      return { rows: hosts.map((host_id) => ({ host_id, message_id: null })) };
    },
  } as unknown as ClientBase;
}

/** Every writer a test made, stopped after it even when an expectation failed (no loop outlives its test). */
const started: TenantWriter[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.stop()));
});

function writerWith(
  queue: FakeMsg[],
  databases: TenantDatabases,
  settings: Partial<typeof DEFAULT_WRITER_SETTINGS> = {},
  arrivals: Array<[FakeMsg, number]> = [],
): { writer: TenantWriter; registry: Registry } {
  const registry = new Registry();
  const consumer = fakeConsumer(queue, arrivals);
  const writer: TenantWriter = new TenantWriter(TENANT, {
    js: { consumers: { get: () => Promise.resolve(consumer) } } as unknown as JetStreamClient,
    jsm: {
      streams: { info: () => Promise.resolve({}) },
      consumers: {
        info: () => Promise.resolve({ config: { ack_wait: 30_000_000_000 } }),
        update: () => Promise.resolve({}),
      },
    } as unknown as JetStreamManager,
    databases,
    metrics: new WriterMetrics(() => 1, registry),
    settings: { ...DEFAULT_WRITER_SETTINGS, backoffBaseMs: 10, backoffMaxMs: 20, ...settings },
    logger: pino({ level: process.env['WLOG'] ?? 'silent' }),
  });
  started.push(writer);
  return { writer, registry };
}

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !probe(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(probe()).toBe(true);
}

describe('TenantWriter', () => {
  it('holds the batch while the tenant database is unavailable and acks it once stored', async () => {
    const msgs = [fakeMsg('m1', 1), fakeMsg('m2', 0)];
    let calls = 0;
    const databases: TenantDatabases = {
      forget: () => Promise.resolve(),
      withTenantClient: (tenantId, work) => {
        calls += 1;
        if (calls <= 2) {
          return Promise.reject(
            new TenantUnavailableError(TenantUnavailableErrorCode.DATABASE_UNREACHABLE, tenantId, 'down'),
          );
        }
        return work(fakeClient());
      },
    };
    const { writer, registry } = writerWith([...msgs], databases);
    writer.start();
    await until(() => msgs.every((m) => m.settled.includes('ack')));
    await writer.stop();
    expect(calls).toBe(3);
    // Kept from redelivery while retrying, acked exactly once, never terminated.
    expect(msgs.map((m) => m.settled)).toEqual([
      ['working', 'working', 'ack'],
      ['working', 'working', 'ack'],
    ]);
    const failures = await registry.getSingleMetric('sysmanage_ingest_writer_failures_total')?.get();
    expect(failures?.values).toEqual([
      expect.objectContaining({ labels: { reason: 'tenant_unavailable' }, value: 2 }),
    ]);
    // Both messages counted as persisted (not as duplicates) once stored.
    const persisted = await registry.getSingleMetric('sysmanage_ingest_persisted_messages_total')?.get();
    expect(persisted?.values.reduce((sum, v) => sum + v.value, 0)).toBe(2);
    const duplicates = await registry.getSingleMetric('sysmanage_ingest_duplicate_messages_total')?.get();
    expect(duplicates?.values.reduce((sum, v) => sum + v.value, 0)).toBe(0);
  });

  it('isolates a message the database rejects as bad data: it alone is refused, the rest stored', async () => {
    // Envelopes: all good; good and poison mixed; only poison.
    const msgs = [
      fakeMsg(['good-1', 'good-2'], 2),
      fakeMsg(['good-3', 'poison', 'good-4'], 1),
      fakeMsg('poison', 0),
    ];
    const written: string[] = [];
    const databases: TenantDatabases = {
      forget: () => Promise.resolve(),
      withTenantClient: (_tenantId, work) => work(fakeClient(written)),
    };
    const { writer, registry } = writerWith([...msgs], databases);
    writer.start();
    await until(() => msgs.every((m) => m.settled.length > 0));
    await writer.stop();
    // The mixed envelope is acked (its good messages are stored); the all-poison one is terminated.
    expect(msgs.map((m) => m.settled)).toEqual([['ack'], ['ack'], ['term']]);
    expect(written.sort()).toEqual(['good-1', 'good-2', 'good-3', 'good-4']);
    const failures = await registry.getSingleMetric('sysmanage_ingest_writer_failures_total')?.get();
    expect(failures?.values).toEqual([
      expect.objectContaining({ labels: { reason: 'invalid_payload' }, value: 2 }),
    ]);
  });

  /** Runs a writer over `queue` and `arrivals` until every message is acked; the message ids of each statement. */
  async function statementsOf(
    queue: FakeMsg[],
    arrivals: Array<[FakeMsg, number]>,
    batchLingerMs: number,
  ): Promise<string[][]> {
    const statements: string[][] = [];
    const databases: TenantDatabases = {
      forget: () => Promise.resolve(),
      withTenantClient: (_tenantId, work) => {
        const written: string[] = [];
        statements.push(written);
        return work(fakeClient(written));
      },
    };
    const all = [...queue, ...arrivals.map(([msg]) => msg)];
    const { writer } = writerWith(queue, databases, { batchLingerMs }, arrivals);
    writer.start();
    await until(() => all.every((m) => m.settled.includes('ack')));
    await writer.stop();
    return statements;
  }

  it.each([
    ['a backlog', 20, [['m1', 'm2', 'm3']]],
    ['a backlog, linger off', 0, [['m1', 'm2'], ['m3']]],
  ])('with %s (linger %i ms), adds what arrives meanwhile to the batch', async (_what, linger, expected) => {
    // m1 comes with one more pending; m3 arrives while the batch is gathered.
    const queue = [fakeMsg('m1', 1), fakeMsg('m2', 0)];
    expect(await statementsOf(queue, [[fakeMsg('m3', 0), 5]], linger)).toEqual(expected);
  });

  it('lingers for a tenant whose first message came at once, not for one whose first message was waited for', async () => {
    // No backlog, but the message was there when pulled: a busy tenant; m2 arrives during the linger.
    expect(await statementsOf([fakeMsg('m1', 0)], [[fakeMsg('m2', 0), 5]], 20)).toEqual([['m1', 'm2']]);
    // The first message came after 60 ms of waiting: a quiet tenant, written at once, m2 on its own.
    expect(
      await statementsOf(
        [],
        [
          [fakeMsg('m1', 0), 60],
          [fakeMsg('m2', 0), 66],
        ],
        20,
      ),
    ).toEqual([['m1'], ['m2']]);
  });

  it('terminates an envelope it cannot decode and still stores the rest of the fetch', async () => {
    const broken = fakeMsg('m-bad', 1);
    (broken as { data: Uint8Array }).data = new TextEncoder().encode('{"tenantId": "x", "messages": []}');
    const msgs = [broken, fakeMsg('m-good', 0)];
    const databases: TenantDatabases = {
      forget: () => Promise.resolve(),
      withTenantClient: (_tenantId, work) => work(fakeClient()),
    };
    const { writer } = writerWith([...msgs], databases);
    writer.start();
    await until(() => msgs.every((m) => m.settled.length > 0));
    await writer.stop();
    expect(msgs.map((m) => m.settled)).toEqual([['term'], ['ack']]);
  });

  it('keeps a held batch alive every third of ack_wait while one backoff lasts longer', async () => {
    const msgs = [fakeMsg('m1', 0)];
    let calls = 0;
    const databases: TenantDatabases = {
      forget: () => Promise.resolve(),
      withTenantClient: (tenantId, work) => {
        calls += 1;
        if (calls === 1) {
          return Promise.reject(
            new TenantUnavailableError(TenantUnavailableErrorCode.DATABASE_UNREACHABLE, tenantId, 'down'),
          );
        }
        return work(fakeClient());
      },
    };
    // One 1 s backoff against a 300 ms ack wait: working() at 0, 100, 200, ... 900 ms, then the ack.
    const { writer } = writerWith([...msgs], databases, {
      ackWaitMs: 300,
      backoffBaseMs: 1_000,
      backoffMaxMs: 1_000,
    });
    writer.start();
    await until(() => msgs[0]!.settled.includes('ack'));
    await writer.stop();
    const working = msgs[0]!.settled.filter((s) => s === 'working').length;
    expect(working).toBeGreaterThanOrEqual(9);
    expect(working).toBeLessThanOrEqual(11);
  });

  it('naks a held batch when stopped, so another replica takes it at once', async () => {
    const msgs = [fakeMsg('m1', 0)];
    const databases: TenantDatabases = {
      forget: () => Promise.resolve(),
      withTenantClient: (tenantId) =>
        Promise.reject(
          new TenantUnavailableError(
            TenantUnavailableErrorCode.CREDENTIALS_UNAVAILABLE,
            tenantId,
            'no lease',
          ),
        ),
    };
    const { writer } = writerWith([...msgs], databases);
    writer.start();
    await until(() => msgs[0]!.settled.includes('working'));
    await writer.stop();
    expect(msgs[0]!.settled).not.toContain('ack');
    expect(msgs[0]!.settled[msgs[0]!.settled.length - 1]).toBe('nak');
  });

  it('prunes the ledger and the heartbeats between batches when the interval is up; a failed prune stops neither the other nor the writer', async () => {
    const msgs = [fakeMsg('p1', 0), fakeMsg('p2', 0)];
    const prunes = { ledger: 0, heartbeats: 0 };
    const batches = fakeClient();
    const client = {
      query: async (config: unknown, values?: unknown[]) => {
        if (typeof config === 'string') {
          const table = config.includes('processed_messages') ? 'ledger' : 'heartbeats';
          prunes[table] += 1;
          const { ledgerRetentionHours, heartbeatRetentionDays } = DEFAULT_WRITER_SETTINGS;
          expect(values).toEqual([table === 'ledger' ? ledgerRetentionHours : heartbeatRetentionDays, 5_000]);
          if (table === 'ledger' && prunes.ledger === 1)
            throw new Error('canceling statement due to statement timeout');
          return { rowCount: prunes[table] === (table === 'ledger' ? 2 : 1) ? 3 : 0 };
        }
        // A batch takes a few ms, so the 1 ms interval is up again at the next turn of the loop.
        await new Promise((r) => setTimeout(r, 5));
        return batches.query(config as never);
      },
    } as unknown as ClientBase;
    const databases: TenantDatabases = {
      forget: () => Promise.resolve(),
      withTenantClient: (_tenantId, work) => work(client),
    };
    // No linger: each message is a batch of its own, so the loop turns (and prunes) between them.
    const { writer, registry } = writerWith([...msgs], databases, {
      ledgerPruneIntervalMs: 1,
      batchLingerMs: 0,
    });
    writer.start();
    const counted = async (name: string) =>
      (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
    const ledger = () => counted('sysmanage_ingest_ledger_pruned_total');
    for (let i = 0; i < 200 && (await ledger()) < 3; i += 1) await new Promise((r) => setTimeout(r, 5));
    await writer.stop();
    expect(await ledger()).toBe(3);
    // The heartbeats were pruned at the first turn too, when the ledger's prune failed.
    expect(await counted('sysmanage_ingest_heartbeats_pruned_total')).toBe(3);
    expect(prunes.heartbeats).toBeGreaterThanOrEqual(prunes.ledger);
    expect(msgs.map((m) => m.settled)).toEqual([['ack'], ['ack']]);
  });

  it('keeps every heartbeat with a heartbeat retention of 0', async () => {
    const statements: string[] = [];
    const client = {
      query: async (config: unknown) => {
        if (typeof config === 'string') {
          statements.push(config.includes('processed_messages') ? 'ledger' : 'heartbeats');
          return { rowCount: 0 };
        }
        await new Promise((r) => setTimeout(r, 5));
        return fakeClient().query(config as never);
      },
    } as unknown as ClientBase;
    const msgs = [fakeMsg('k1', 0), fakeMsg('k2', 0)];
    const databases: TenantDatabases = {
      forget: () => Promise.resolve(),
      withTenantClient: (_tenantId, work) => work(client),
    };
    const { writer } = writerWith([...msgs], databases, {
      ledgerPruneIntervalMs: 1,
      batchLingerMs: 0,
      heartbeatRetentionDays: 0,
    });
    writer.start();
    await until(() => msgs.every((m) => m.settled.includes('ack')) && statements.length > 0);
    await writer.stop();
    expect(new Set(statements)).toEqual(new Set(['ledger']));
  });
});
