import type { SysManageConfig } from '@sysmanage/config';
import {
  encodeMessage,
  INGEST_STREAM,
  ingestWriterConsumer,
  type TenantEvent,
  TenantEventKind,
  tenantEventSubject,
  TenantStatus,
} from '@sysmanage/contracts';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import {
  createStackTenant,
  grantIngestTenants,
  ingestMessage,
  insertHost,
  publishIngest,
  startIngestStack,
  tenantCount,
  tenantQuery,
  waitUntil,
  type IngestStack,
  type StackTenant,
} from '../__fixtures__/ingest-stack';
import type { BudgetSettings } from '../tenant-db/budget-settings';
import { createTenantDbRuntime, type TenantDbRuntime } from '../tenant-db/tenant-db-runtime';
import type { TenantDatabases } from '../tenant-db/tenant-databases';
import { TenantWriters } from './tenant-writers';
import { WriterMetrics } from './writer-metrics';
import { DEFAULT_WRITER_SETTINGS, type WriterSettings } from './writer-settings';

jest.setTimeout(180_000);

const BUDGET_TENANTS = 40;
const BUDGET = 10;
const FAST: WriterSettings = {
  ...DEFAULT_WRITER_SETTINGS,
  fetchExpiresMs: 5_000,
  backoffBaseMs: 100,
  backoffMaxMs: 1_000,
};

interface RunningWriters {
  runtime: TenantDbRuntime;
  writers: TenantWriters;
  registry: Registry;
  stop(): Promise<void>;
}

const logLines: string[] = [];
const logger: Logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
    .reduce((sum, v) => sum + v.value, 0);
}

async function startWriters(
  stack: IngestStack,
  tenants: readonly StackTenant[],
  options: {
    budget?: Partial<BudgetSettings>;
    settings?: WriterSettings;
    wrap?: (db: TenantDatabases) => TenantDatabases;
  } = {},
): Promise<RunningWriters> {
  const registry = new Registry();
  const config = {
    multitenancy: { enabled: true },
    vault: stack.ingestVault,
    registry: { ssl: 'disable' },
  } as unknown as SysManageConfig;
  const runtime = await createTenantDbRuntime({
    config,
    registryDb: stack.registry,
    budget: {
      maxConnectionsPerServer: 20,
      maxPerTenant: 4,
      idleTimeoutMs: 30_000,
      acquireTimeoutMs: 10_000,
      ...options.budget,
    },
    logger,
    metrics: registry,
  });
  let writers: TenantWriters | null = null;
  writers = new TenantWriters({
    nc: stack.nc,
    databases: options.wrap ? options.wrap(runtime.databases) : runtime.databases,
    initialTenants: () => Promise.resolve(tenants.map((t) => t.id)),
    followTenantEvents: true,
    metrics: new WriterMetrics(() => writers?.running ?? 0, registry),
    settings: options.settings ?? FAST,
    logger,
  });
  await writers.start();
  const started = writers;
  return {
    runtime,
    writers: started,
    registry,
    stop: async () => {
      await started.stop();
      await runtime.close();
    },
  };
}

async function heartbeatsOf(stack: IngestStack, tenant: StackTenant, hostId: string): Promise<number> {
  const rows = await tenantQuery<{ n: string }>(
    stack,
    tenant,
    'SELECT count(*) AS n FROM host_heartbeats WHERE host_id = $1',
    [hostId],
  );
  return Number(rows[0]?.n);
}

describe('tenant writers: JetStream INGEST -> tenant databases (real PostgreSQL, NATS, OpenBAO)', () => {
  let stack: IngestStack;
  let a: StackTenant;
  let b: StackTenant;
  let r: StackTenant;
  let hostA: string;
  let hostB: string;
  const budgetTenants: StackTenant[] = [];
  let main: RunningWriters | null = null;

  beforeAll(async () => {
    stack = await startIngestStack(['main', 'second', 'budget']);
    a = await createStackTenant(stack, 'a', 'main');
    b = await createStackTenant(stack, 'b', 'second');
    r = await createStackTenant(stack, 'r', 'main', { defaultTtl: '6s', maxTtl: '12s' });
    for (let i = 0; i < BUDGET_TENANTS; i += 4) {
      const slugs = [0, 1, 2, 3].map((k) => `bt${String(i + k).padStart(2, '0')}`);
      budgetTenants.push(
        ...(await Promise.all(slugs.map((slug) => createStackTenant(stack, slug, 'budget')))),
      );
    }
    await grantIngestTenants(stack, [a, b, r, ...budgetTenants]);
    hostA = await insertHost(stack, a, 'host-a1');
    hostB = await insertHost(stack, b, 'host-b1');
  });

  afterAll(async () => {
    await main?.stop();
    await stack?.stop();
  });

  it('stores every type in its own tenant database only, once', async () => {
    main = await startWriters(stack, [a, b]);
    for (let i = 0; i < 5; i += 1) {
      await publishIngest(
        stack.nc,
        ingestMessage(a.id, hostA, 'heartbeat', { cpu_percent: 10 + i, metrics: { i } }),
      );
    }
    for (let i = 0; i < 3; i += 1) {
      await publishIngest(stack.nc, ingestMessage(b.id, hostB, 'heartbeat', { memory_percent: 50 }));
    }
    await publishIngest(
      stack.nc,
      ingestMessage(a.id, hostA, 'system_info', {
        hostname: 'host-a1-renamed',
        os: 'Debian',
        os_version: '12',
        ip_addresses: ['10.0.0.1'],
        kernel: '6.1.0',
      }),
    );
    const pkg = (name: string, version: string) => ({
      name,
      version,
      package_manager: 'apt',
      architecture: 'amd64',
    });
    await publishIngest(
      stack.nc,
      ingestMessage(a.id, hostA, 'software_inventory', {
        packages: [pkg('bash', '5.1'), pkg('curl', '7.88'), pkg('vim', '9.0')],
        complete: true,
      }),
    );
    await waitUntil('a: 5 heartbeats, 3 packages; b: 3 heartbeats', async () => {
      return (
        (await heartbeatsOf(stack, a, hostA)) === 5 &&
        (await tenantCount(stack, a, 'software_packages')) === 3 &&
        (await heartbeatsOf(stack, b, hostB)) === 3
      );
    });
    // A later complete inventory updates one package and removes the one no longer listed.
    await publishIngest(
      stack.nc,
      ingestMessage(a.id, hostA, 'software_inventory', {
        packages: [pkg('bash', '5.2'), pkg('curl', '7.88')],
        complete: true,
      }),
    );
    await waitUntil('vim removed', async () => (await tenantCount(stack, a, 'software_packages')) === 2);

    const [host] = await tenantQuery<{
      hostname: string;
      os: string;
      ip: unknown;
      kernel: string;
      seen: Date | null;
    }>(
      stack,
      a,
      "SELECT hostname, os, ip_addresses AS ip, system_info->>'kernel' AS kernel, last_seen_at AS seen FROM hosts WHERE id = $1",
      [hostA],
    );
    expect(host).toMatchObject({
      hostname: 'host-a1-renamed',
      os: 'Debian',
      ip: ['10.0.0.1'],
      kernel: '6.1.0',
    });
    expect(host?.seen).not.toBeNull();
    const packages = await tenantQuery<{ name: string; version: string }>(
      stack,
      a,
      'SELECT name, version FROM software_packages ORDER BY name',
    );
    expect(packages).toEqual([
      { name: 'bash', version: '5.2' },
      { name: 'curl', version: '7.88' },
    ]);
    // Nothing crossed over: b has only its own host's rows, a only its own.
    expect(await tenantCount(stack, b, 'host_heartbeats')).toBe(3);
    expect(await tenantCount(stack, b, 'software_packages')).toBe(0);
    expect(await tenantCount(stack, a, 'host_heartbeats')).toBe(5);
    // The ledger holds the non-heartbeat messages (a heartbeat's row is its own key): a's three, none of b.
    expect(await tenantCount(stack, a, 'processed_messages')).toBe(3);
    expect(await tenantCount(stack, b, 'processed_messages')).toBe(0);
    expect(
      await metricValue(main.registry, 'sysmanage_ingest_persisted_messages_total', { type: 'heartbeat' }),
    ).toBe(8);
  });

  it('stores a message published twice, or redelivered after a crash between commit and ack, exactly once', async () => {
    const twice = ingestMessage(a.id, hostA, 'heartbeat', { cpu_percent: 1 });
    // Without Nats-Msg-Id JetStream keeps both copies: only the ledger can drop the second.
    await publishIngest(stack.nc, twice, { dedupId: false });
    await publishIngest(stack.nc, twice, { dedupId: false });
    const sentinel = ingestMessage(a.id, hostA, 'heartbeat', {});
    await publishIngest(stack.nc, sentinel);
    const byMessage = async (messageId: string): Promise<number> =>
      Number(
        (
          await tenantQuery<{ n: string }>(
            stack,
            a,
            'SELECT count(*) AS n FROM host_heartbeats WHERE message_id = $1',
            [messageId],
          )
        )[0]?.n,
      );
    await waitUntil('sentinel stored', async () => (await byMessage(sentinel.messageId)) === 1);
    expect(await byMessage(twice.messageId)).toBe(1);
    expect(
      await metricValue(main!.registry, 'sysmanage_ingest_duplicate_messages_total'),
    ).toBeGreaterThanOrEqual(1);
    await main!.stop();
    main = null;

    // A writer whose first batch commits and then "crashes" before the ack; it is stopped while it backs
    // off holding the batch, and a fresh writer (another replica, a restart) gets the messages again.
    // Published while no writer runs, so the crashing writer's first batch holds all 20.
    const before = await heartbeatsOf(stack, a, hostA);
    const batch = Array.from({ length: 20 }, (_, i) =>
      ingestMessage(a.id, hostA, 'heartbeat', { cpu_percent: i }),
    );
    // Three envelopes of four, then eight messages as earlier ingest versions published them (one each).
    for (let i = 0; i < 12; i += 4) await publishIngest(stack.nc, batch.slice(i, i + 4));
    await publishIngest(stack.nc, batch.slice(12), { legacy: true });
    let crashes = 0;
    const crashing = await startWriters(stack, [a], {
      settings: { ...FAST, backoffBaseMs: 60_000, backoffMaxMs: 60_000 },
      wrap: (db) => ({
        forget: (id) => db.forget(id),
        withTenantClient: async (id, work) => {
          await db.withTenantClient(id, work);
          crashes += 1;
          throw new Error('simulated crash after commit, before the ack');
        },
      }),
    });
    try {
      await waitUntil('the crash happened', () => Promise.resolve(crashes >= 1));
      expect(await heartbeatsOf(stack, a, hostA)).toBe(before + 20);
    } finally {
      await crashing.stop();
    }

    main = await startWriters(stack, [a, b]);
    const jsm = await stack.nc.jetstreamManager();
    await waitUntil('the redelivered batch settled', async () => {
      const info = await jsm.consumers.info(INGEST_STREAM, ingestWriterConsumer(a.id));
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    expect(await heartbeatsOf(stack, a, hostA)).toBe(before + 20);
    expect(
      await metricValue(main.registry, 'sysmanage_ingest_duplicate_messages_total'),
    ).toBeGreaterThanOrEqual(1);
    expect(await metricValue(main.registry, 'sysmanage_ingest_persisted_messages_total')).toBe(0);
  });

  it("terminates a message for a host that is not the tenant's, writing it nowhere, with a loud log", async () => {
    const beforeB = await heartbeatsOf(stack, b, hostB);
    const stray = ingestMessage(a.id, hostB, 'heartbeat', { cpu_percent: 99 });
    await publishIngest(stack.nc, stray);
    const sentinel = ingestMessage(a.id, hostA, 'heartbeat', {});
    await publishIngest(stack.nc, sentinel);
    await waitUntil(
      'sentinel stored',
      async () =>
        (
          await tenantQuery(stack, a, 'SELECT 1 FROM host_heartbeats WHERE message_id = $1', [
            sentinel.messageId,
          ])
        ).length === 1,
    );
    expect(await heartbeatsOf(stack, a, hostB)).toBe(0);
    expect(await heartbeatsOf(stack, b, hostB)).toBe(beforeB);
    expect(
      (
        await tenantQuery(stack, a, 'SELECT 1 FROM processed_messages WHERE message_id = $1', [
          stray.messageId,
        ])
      ).length,
    ).toBe(0);
    const refusal = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => Array.isArray(l['messageIds']) && l['messageIds'].includes(stray.messageId));
    expect(refusal).toMatchObject({
      code: 'UNKNOWN_HOST',
      hostId: hostB,
      tenantId: a.id,
      messages: 1,
      level: 50,
    });
    expect(
      await metricValue(main!.registry, 'sysmanage_ingest_writer_failures_total', { reason: 'unknown_host' }),
    ).toBe(1);
  });

  it("keeps tenant b's messages while its database is down, stores a's meanwhile, and catches b up exactly once", async () => {
    const serverB = stack.servers.get('second')!;
    // b's writer holds a lease and pooled connections when its server goes away.
    const warm = ingestMessage(b.id, hostB, 'heartbeat', {});
    await publishIngest(stack.nc, warm);
    await waitUntil('b warm', async () => {
      const rows = await tenantQuery(stack, b, 'SELECT 1 FROM host_heartbeats WHERE message_id = $1', [
        warm.messageId,
      ]);
      return rows.length === 1;
    });
    const [beforeA, beforeB] = [await heartbeatsOf(stack, a, hostA), await heartbeatsOf(stack, b, hostB)];
    await serverB.stop({ keepData: true });
    const ids: string[] = [];
    for (let round = 0; round < 10; round += 1) {
      for (let i = 0; i < 10; i += 1) {
        await publishIngest(stack.nc, ingestMessage(a.id, hostA, 'heartbeat', { cpu_percent: i }));
        const mb = ingestMessage(b.id, hostB, 'heartbeat', { cpu_percent: i });
        ids.push(mb.messageId);
        await publishIngest(stack.nc, mb);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitUntil(
      "a's 100 heartbeats stored while b is down",
      async () => (await heartbeatsOf(stack, a, hostA)) === beforeA + 100,
    );
    // b's writer is failing meanwhile (no lease: OpenBAO cannot reach b's server either; or no connection).
    await waitUntil(
      "b's writer reported its database unavailable",
      async () =>
        (await metricValue(main!.registry, 'sysmanage_ingest_writer_failures_total', {
          reason: 'tenant_unavailable',
        })) > 0,
    );
    expect(serverB.isRunning()).toBe(false);

    await serverB.start();
    await waitUntil(
      "b's 100 heartbeats stored after its return",
      async () => (await heartbeatsOf(stack, b, hostB)) === beforeB + 100,
      60_000,
    );
    const stored = await tenantQuery<{ n: string; distinct: string }>(
      stack,
      b,
      'SELECT count(*) AS n, count(DISTINCT message_id) AS distinct FROM host_heartbeats WHERE message_id = ANY($1)',
      [ids],
    );
    expect(stored[0]).toEqual({ n: '100', distinct: '100' });
  });

  it("stops a suspended tenant's writer on its event (its database refused as TENANT_NOT_ACTIVE) and resumes it", async () => {
    const event = (kind: TenantEventKind, status: TenantStatus): TenantEvent => ({
      eventId: randomUUID(),
      kind,
      tenantId: b.id,
      slug: b.slug,
      status,
      occurredAt: new Date().toISOString(),
    });
    await stack.registry.query("UPDATE registry_tenants SET status = 'suspended' WHERE id = $1", [b.id]);
    stack.nc.publish(
      tenantEventSubject(TenantEventKind.SUSPENDED),
      encodeMessage(event(TenantEventKind.SUSPENDED, TenantStatus.SUSPENDED)),
    );
    await waitUntil('b writer stopped', () =>
      Promise.resolve(!main!.writers.runningTenants().includes(b.id)),
    );
    expect(main!.writers.runningTenants()).toEqual([a.id]);
    // The writer stops first, then the pool, lease and cached placement are dropped.
    await waitUntil('b refused as not active', () =>
      main!.runtime.databases
        .withTenantClient(b.id, () => Promise.resolve(false))
        .then(
          () => false,
          (error: unknown) => (error as { code?: string }).code === 'TENANT_NOT_ACTIVE',
        ),
    );
    const held = ingestMessage(b.id, hostB, 'heartbeat', {});
    await publishIngest(stack.nc, held);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const stored = async (): Promise<number> =>
      (await tenantQuery(stack, b, 'SELECT 1 FROM host_heartbeats WHERE message_id = $1', [held.messageId]))
        .length;
    expect(await stored()).toBe(0);

    await stack.registry.query("UPDATE registry_tenants SET status = 'active' WHERE id = $1", [b.id]);
    stack.nc.publish(
      tenantEventSubject(TenantEventKind.RESUMED),
      encodeMessage(event(TenantEventKind.RESUMED, TenantStatus.ACTIVE)),
    );
    await waitUntil('the held message stored after resume', async () => (await stored()) === 1);
  });

  it("lets two replicas share a tenant's durable consumer: every message stored once between them", async () => {
    const replica = await startWriters(stack, [a], { settings: { ...FAST, batchSize: 7 } });
    try {
      const before = await heartbeatsOf(stack, a, hostA);
      const messages = Array.from({ length: 300 }, (_, i) =>
        ingestMessage(a.id, hostA, 'heartbeat', { cpu_percent: i % 100 }),
      );
      await Promise.all(messages.map((m) => publishIngest(stack.nc, m)));
      await waitUntil('300 heartbeats', async () => (await heartbeatsOf(stack, a, hostA)) === before + 300);
      const persisted = async (w: RunningWriters): Promise<number> =>
        metricValue(w.registry, 'sysmanage_ingest_persisted_messages_total');
      const [byMain, byReplica] = [await persisted(main!), await persisted(replica)];
      expect(byReplica).toBeGreaterThan(0);
      expect(byMain + byReplica).toBeGreaterThanOrEqual(300);
      const stored = await tenantQuery<{ n: string; distinct: string }>(
        stack,
        a,
        'SELECT count(*) AS n, count(DISTINCT message_id) AS distinct FROM host_heartbeats WHERE message_id = ANY($1)',
        [messages.map((m) => m.messageId)],
      );
      expect(stored[0]).toEqual({ n: '300', distinct: '300' });
    } finally {
      await replica.stop();
    }
  });

  it('renews the app lease and, at its max TTL, rotates it: new connections log in with the new credential', async () => {
    const hostR = await insertHost(stack, r, 'host-r1');
    const rotating = await startWriters(stack, [r]);
    const sessionUser = async (): Promise<string[]> =>
      (
        await stack.servers
          .get('main')!
          .query<{ usename: string }>(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1 AND application_name = 'sysmanage-ingest'",
            [r.databaseName],
          )
      ).map((row) => row.usename);
    try {
      const sent: string[] = [];
      const send = async (): Promise<void> => {
        const message = ingestMessage(r.id, hostR, 'heartbeat', {});
        sent.push(message.messageId);
        await publishIngest(stack.nc, message);
      };
      await send();
      await waitUntil(
        'first heartbeat of r',
        async () => (await tenantCount(stack, r, 'host_heartbeats')) === 1,
      );
      const firstUsers = await sessionUser();
      expect(firstUsers).toHaveLength(1);
      // Renewal at 2/3 of 6 s, then the 12 s max TTL caps a grant: the cache leases anew and the pool rotates.
      await waitUntil(
        'a renewal and a rotation',
        async () => {
          await send();
          return (
            (await metricValue(rotating.registry, 'sysmanage_lease_renewals_total', {
              outcome: 'renewed',
            })) >= 1 &&
            (await metricValue(rotating.registry, 'sysmanage_lease_renewals_total', {
              outcome: 'rotated',
            })) >= 1
          );
        },
        20_000,
        500,
      );
      await send();
      await waitUntil(
        'every heartbeat of r stored',
        async () => (await tenantCount(stack, r, 'host_heartbeats')) === sent.length,
      );
      await waitUntil('sessions of the new login only', async () => {
        const users = await sessionUser();
        return users.length === 1 && users[0] !== firstUsers[0];
      });
      expect(await metricValue(rotating.registry, 'sysmanage_ingest_writer_failures_total')).toBe(0);
    } finally {
      await rotating.stop();
    }
  });

  describe(`${BUDGET_TENANTS} tenants on one server with a budget of ${BUDGET} connections`, () => {
    let sampler: Client;
    const fillers: Client[] = [];
    const probes = new Map<string, Client>();
    let budgeted: RunningWriters | null = null;
    const hosts = new Map<string, string>();

    afterAll(async () => {
      await budgeted?.stop();
      await Promise.all([...fillers, ...probes.values()].map((c) => c.end().catch(() => undefined)));
      await sampler?.end().catch(() => undefined);
    });

    it('stores every message while PostgreSQL (filled up to the budget) never sees more than the budget', async () => {
      const pg = stack.servers.get('budget')!;
      for (const t of budgetTenants) hosts.set(t.id, await insertHost(stack, t, `host-${t.slug}`));
      budgeted = await startWriters(stack, budgetTenants, {
        budget: {
          maxConnectionsPerServer: BUDGET,
          maxPerTenant: 2,
          idleTimeoutMs: 30_000,
          acquireTimeoutMs: 20_000,
        },
      });
      // Warm up: every tenant's lease is issued (OpenBAO's own sessions open) before the server is filled.
      for (const t of budgetTenants)
        await publishIngest(stack.nc, ingestMessage(t.id, hosts.get(t.id)!, 'heartbeat', {}));
      for (const t of budgetTenants) {
        await waitUntil(
          `warm-up of ${t.slug}`,
          async () => (await tenantCount(stack, t, 'host_heartbeats')) === 1,
        );
      }
      sampler = new Client(pg.clientConfig());
      await sampler.connect();
      // The test's own probes hold one session per tenant database from before the fill, so polling never
      // takes a slot ingest could need.
      for (const t of budgetTenants) {
        const probe = new Client(pg.clientConfig(t.databaseName));
        await probe.connect();
        probes.set(t.id, probe);
      }
      const heartbeats = async (t: StackTenant): Promise<number> => {
        const { rows } = await probes
          .get(t.id)!
          .query<{ n: string }>('SELECT count(*) AS n FROM host_heartbeats');
        return Number(rows[0]?.n);
      };
      const ingestSessions = async (): Promise<number> => {
        const { rows } = await sampler.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'sysmanage-ingest'",
        );
        return Number(rows[0]?.n);
      };
      const settings = await sampler.query<{ max: string; reserved: string; used: string }>(
        "SELECT current_setting('max_connections') AS max, current_setting('superuser_reserved_connections') AS reserved, " +
          "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name <> 'sysmanage-ingest') AS used",
      );
      const row = settings.rows[0];
      // Superuser fillers take every slot but the budget: an 11th ingest session would get 53300 from PostgreSQL.
      const fillerCount = Number(row?.max) - Number(row?.reserved) - Number(row?.used) - BUDGET;
      expect(fillerCount).toBeGreaterThan(0);
      for (let i = 0; i < fillerCount; i += 1) {
        const filler = new Client(pg.clientConfig());
        await filler.connect();
        fillers.push(filler);
      }

      let peak = 0;
      let sampling = true;
      const sampled = (async () => {
        while (sampling) {
          peak = Math.max(peak, await ingestSessions());
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const PER_TENANT = 25;
      const publishes: Promise<void>[] = [];
      for (let i = 0; i < PER_TENANT; i += 1) {
        for (const t of budgetTenants) {
          publishes.push(
            publishIngest(stack.nc, ingestMessage(t.id, hosts.get(t.id)!, 'heartbeat', { cpu_percent: i })),
          );
        }
      }
      await Promise.all(publishes);
      try {
        for (const t of budgetTenants) {
          await waitUntil(
            `${t.slug}'s ${PER_TENANT + 1} heartbeats`,
            async () => (await heartbeats(t)) === PER_TENANT + 1,
            60_000,
          );
        }
      } finally {
        sampling = false;
        await sampled;
      }
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(BUDGET);
      // Not one refused or failed connection: the budget made work wait, never fail.
      expect(await metricValue(budgeted.registry, 'sysmanage_ingest_writer_failures_total')).toBe(0);
      // More tenants than slots: idle pools were evicted (LRU) to make room.
      expect(
        await metricValue(budgeted.registry, 'sysmanage_tenant_pool_evictions_total', { reason: 'lru' }),
      ).toBeGreaterThan(0);
    });
  });
});
