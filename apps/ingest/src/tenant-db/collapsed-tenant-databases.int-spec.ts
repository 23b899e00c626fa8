import type { SysManageConfig } from '@sysmanage/config';
import { createChainDataSource } from '@sysmanage/schema';
import { COLLAPSED_TENANT_ID } from '@sysmanage/tenancy';
import { TestEnvironment, type NatsInstance, type PgInstance } from '@sysmanage/testing';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ingestMessage, publishIngest, waitUntil } from '../__fixtures__/ingest-stack';
import { TenantWriters } from '../writers/tenant-writers';
import { WriterMetrics } from '../writers/writer-metrics';
import { DEFAULT_WRITER_SETTINGS } from '../writers/writer-settings';
import { createTenantDbRuntime, type TenantDbRuntime } from './tenant-db-runtime';

jest.setTimeout(60_000);

const BOOTSTRAP_DB = 'sysmanage';
const logger = pino({ level: 'silent' });

describe('collapsed mode: the built-in tenant is the bootstrap database, nothing else exists', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let nats: NatsInstance;
  let nc: NatsConnection;
  let runtime: TenantDbRuntime;
  let writers: TenantWriters;
  let registry: Registry;

  beforeAll(async () => {
    [pg, nats] = await Promise.all([env.postgres({ name: 'collapsed' }), env.nats()]);
    await pg.createDatabase(BOOTSTRAP_DB);
    // The migrator applies the tenant chain to the bootstrap database in collapsed mode.
    const ds = createChainDataSource('tenant', pg.clientConfig(BOOTSTRAP_DB));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'all' });
    await ds.destroy();
    const config = {
      multitenancy: { enabled: false },
      vault: null,
      registry: {
        host: pg.host,
        port: pg.port,
        name: BOOTSTRAP_DB,
        user: pg.superuser,
        password: pg.superuserPassword,
        ssl: 'disable',
        poolSize: 5,
      },
    } as unknown as SysManageConfig;
    registry = new Registry();
    runtime = await createTenantDbRuntime({
      config,
      registryDb: null as never, // collapsed mode never reads the registry
      budget: { maxConnectionsPerServer: 4, maxPerTenant: 2, idleTimeoutMs: 10_000, acquireTimeoutMs: 5_000 },
      logger,
      metrics: registry,
    });
    nc = await connect({ servers: nats.servers });
    const w: TenantWriters = new TenantWriters({
      nc,
      databases: runtime.databases,
      initialTenants: () => Promise.resolve([COLLAPSED_TENANT_ID]),
      followTenantEvents: false,
      metrics: new WriterMetrics(() => w.running, registry),
      settings: { ...DEFAULT_WRITER_SETTINGS, fetchExpiresMs: 5_000 },
      logger,
    });
    writers = w;
    await writers.start();
  });

  afterAll(async () => {
    await writers?.stop();
    await runtime?.close();
    await nc?.close();
    await env.stopAll();
  });

  it('connects the built-in tenant to the bootstrap database with the config credentials', async () => {
    const name = await runtime.databases.withTenantClient(COLLAPSED_TENANT_ID, async (client) => {
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      return rows[0]?.db;
    });
    expect(name).toBe(BOOTSTRAP_DB);
  });

  it('refuses any other tenant id with TENANT_UNKNOWN, without opening a connection', async () => {
    const other = randomUUID();
    let ran = false;
    await expect(
      runtime.databases.withTenantClient(other, () => {
        ran = true;
        return Promise.resolve();
      }),
    ).rejects.toMatchObject({ name: 'TenantUnavailableError', code: 'TENANT_UNKNOWN', tenantId: other });
    expect(ran).toBe(false);
    expect(runtime.pools.livePools(`${pg.host}:${pg.port}`)).not.toContain(other);
  });

  it("writes the built-in tenant's messages from the stream into the bootstrap database", async () => {
    const hostId = randomUUID();
    await pg.query(
      'INSERT INTO hosts (id, hostname, machine_id) VALUES ($1, $2, $3)',
      [hostId, 'solo', 'm-solo'],
      BOOTSTRAP_DB,
    );
    const message = ingestMessage(COLLAPSED_TENANT_ID, hostId, 'heartbeat', { load_average_1m: 0.5 });
    await publishIngest(nc, message);
    await waitUntil('heartbeat stored', async () => {
      const rows = await pg.query(
        'SELECT 1 FROM host_heartbeats WHERE message_id = $1',
        [message.messageId],
        BOOTSTRAP_DB,
      );
      return rows.length === 1;
    });
    const [host] = await pg.query<{ seen: Date | null }>(
      'SELECT last_seen_at AS seen FROM hosts WHERE id = $1',
      [hostId],
      BOOTSTRAP_DB,
    );
    expect(host?.seen).toEqual(new Date(message.receivedAt));
    // What /metrics shows: the pool gauges per server and the writer's figures.
    const text = await registry.metrics();
    expect(text).toContain(`sysmanage_tenant_pools_live{server="${pg.host}:${pg.port}"} 1`);
    expect(text).toMatch(/sysmanage_tenant_connections\{server="[^"]+"\} [12]/);
    expect(text).toContain('sysmanage_ingest_persisted_messages_total{type="heartbeat"} 1');
    expect(text).toContain('sysmanage_ingest_writers_running 1');
    expect(text).toContain('sysmanage_ingest_batch_write_seconds_count 1');
  });
});
