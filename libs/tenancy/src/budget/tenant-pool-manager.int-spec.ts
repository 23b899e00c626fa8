import { type PgInstance, TestEnvironment } from '@sysmanage/testing';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { TenantPoolManager } from './tenant-pool-manager';
import type { TenantPoolTarget } from './tenant-pool-manager.types';

jest.setTimeout(180_000);

const TENANTS = 40;
const BUDGET = 10;
const CALLS = 400;
const PASSWORD = 'tenant-pw-for-tests';
const tenantName = (i: number): string => `budget_t${String(i).padStart(2, '0')}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(pg: PgInstance, user: string, password: string, database: string): Promise<Client> {
  const client = new Client({ host: pg.host, port: pg.port, user, password, database });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('TenantPoolManager against a real PostgreSQL with a 10-connection budget', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let serverKey: string;
  let sampler: Client;
  const fillers: Client[] = [];
  const targets: TenantPoolTarget[] = [];

  /** Tenant sessions PostgreSQL has right now (the tenant roles only). */
  const tenantSessions = async (): Promise<number> => {
    const { rows } = await sampler.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE usename LIKE 'budget\\_t%'",
    );
    return Number(rows[0]?.n);
  };

  beforeAll(async () => {
    pg = await env.postgres({ name: 'budget' });
    serverKey = `${pg.host}:${pg.port}`;
    for (let i = 0; i < TENANTS; i += 1) {
      const name = tenantName(i);
      await pg.query(`CREATE ROLE ${name} LOGIN PASSWORD '${PASSWORD}'`);
      await pg.query(`CREATE DATABASE ${name} OWNER ${name}`);
      await pg.query('CREATE TABLE events (id text PRIMARY KEY, tenant text NOT NULL)', [], name);
      await pg.query(`ALTER TABLE events OWNER TO ${name}`, [], name);
      targets.push({
        tenantId: name,
        serverKey,
        connection: async () => ({
          host: pg.host,
          port: pg.port,
          user: name,
          password: PASSWORD,
          database: name,
        }),
      });
    }
    sampler = await connect(pg, pg.superuser, pg.superuserPassword, 'postgres');
    // Make the budget a real server limit: superuser fillers take every slot but BUDGET (plus the reserved ones),
    // so an 11th tenant session would be refused by PostgreSQL itself with 53300.
    const settings = await sampler.query<{ max: string; reserved: string; used: string }>(
      "SELECT current_setting('max_connections') AS max, current_setting('superuser_reserved_connections') AS reserved, " +
        "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS used",
    );
    const row = settings.rows[0];
    const fillerCount = Number(row?.max) - Number(row?.reserved) - BUDGET - Number(row?.used);
    expect(fillerCount).toBeGreaterThan(0);
    for (let i = 0; i < fillerCount; i += 1)
      fillers.push(await connect(pg, pg.superuser, pg.superuserPassword, 'postgres'));
  });

  afterAll(async () => {
    await Promise.all(fillers.map((c) => c.end()));
    await sampler?.end();
    await env.stopAll();
  });

  it('the server itself refuses an 11th tenant session (the cap the manager must respect is real)', async () => {
    const direct: Client[] = [];
    for (let i = 0; i < BUDGET; i += 1)
      direct.push(await connect(pg, tenantName(i), PASSWORD, tenantName(i)));
    await expect(connect(pg, tenantName(BUDGET), PASSWORD, tenantName(BUDGET))).rejects.toMatchObject({
      code: '53300',
    });
    await Promise.all(direct.map((c) => c.end()));
    await sleep(50);
    expect(await tenantSessions()).toBe(0);
  });

  it('hundreds of concurrent INSERTs across 40 tenants all land, never above 10 sessions, no 53300, and an in-use pool survives the churn', async () => {
    const registry = new Registry();
    const manager = new TenantPoolManager({
      maxConnectionsPerServer: BUDGET,
      maxPerTenant: 3,
      idleTimeoutMs: 30_000,
      acquireTimeoutMs: 60_000,
      registry,
    });
    let peak = 0;
    let sampling = true;
    const sampled = (async () => {
      while (sampling) {
        peak = Math.max(peak, await tenantSessions());
        await sleep(2);
      }
    })();
    try {
      // Tenant 0 holds a client (inside a transaction) for the whole churn; its pool must not be evicted.
      let releaseHeld = (): void => undefined;
      const heldGate = new Promise<void>((resolve) => (releaseHeld = resolve));
      let heldPid = 0;
      let heldReady = (): void => undefined;
      const heldStarted = new Promise<void>((resolve) => (heldReady = resolve));
      const held = manager.withClient(targets[0] as TenantPoolTarget, async (client) => {
        heldPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
        await client.query('BEGIN');
        await client.query("INSERT INTO events VALUES ('held-1', $1)", [tenantName(0)]);
        heldReady();
        await heldGate;
        const after = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
        await client.query("INSERT INTO events VALUES ('held-2', $1)", [tenantName(0)]);
        await client.query('COMMIT');
        return after;
      });
      await heldStarted;

      const errors: unknown[] = [];
      await Promise.all(
        Array.from({ length: CALLS }, (_, i) => {
          const t = targets[i % TENANTS] as TenantPoolTarget;
          return manager
            .withClient(t, async (client) => {
              await client.query('INSERT INTO events (id, tenant) VALUES ($1, $2)', [`m-${i}`, t.tenantId]);
            })
            .catch((error: unknown) => void errors.push(error));
        }),
      );
      expect(errors).toEqual([]);

      // Quiescent now (only tenant 0's held session plus idle pooled ones): the gauges match pg_stat_activity.
      const metrics = await registry.metrics();
      const gaugeConnections = Number(
        new RegExp(`sysmanage_tenant_connections\\{server="${serverKey}"\\} (\\d+)`).exec(metrics)?.[1],
      );
      expect(gaugeConnections).toBe(await tenantSessions());
      expect(gaugeConnections).toBe(BUDGET);
      expect(metrics).toContain(`sysmanage_tenant_pool_waiters{server="${serverKey}"} 0`);
      expect(metrics).toMatch(
        new RegExp(`sysmanage_tenant_pool_evictions_total\\{server="${serverKey}",reason="lru"\\} [1-9]\\d*`),
      );
      expect(manager.livePools(serverKey)).toContain(tenantName(0));

      releaseHeld();
      await expect(held).resolves.toBe(heldPid);
    } finally {
      sampling = false;
      await sampled;
      await manager.close();
    }
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(BUDGET);

    let total = 0;
    for (let i = 0; i < TENANTS; i += 1) {
      const rows = await pg.query<{ n: string }>('SELECT count(*) AS n FROM events', [], tenantName(i));
      total += Number(rows[0]?.n);
    }
    expect(total).toBe(CALLS + 2);
    expect(await tenantSessions()).toBe(0);
  });

  it('rotateCredentials: the checked-out session finishes on the old login, new checkouts log in with the new one', async () => {
    const name = tenantName(TENANTS - 1);
    let password = PASSWORD;
    const rotating: TenantPoolTarget = {
      tenantId: name,
      serverKey,
      connection: async () => ({ host: pg.host, port: pg.port, user: name, password, database: name }),
    };
    const manager = new TenantPoolManager({
      maxConnectionsPerServer: BUDGET,
      maxPerTenant: 2,
      idleTimeoutMs: 30_000,
      acquireTimeoutMs: 10_000,
    });
    try {
      let releaseOld = (): void => undefined;
      let oldReady = (): void => undefined;
      const oldStarted = new Promise<void>((resolve) => (oldReady = resolve));
      const old = manager.withClient(rotating, async (client) => {
        const before = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
        oldReady();
        await new Promise<void>((resolve) => (releaseOld = resolve));
        await client.query("INSERT INTO events VALUES ('rotated-old', $1)", [name]);
        return before;
      });
      await oldStarted;
      // The lease rotated: the old password stops working for new logins (like a revoked OpenBAO lease).
      password = 'rotated-password';
      await pg.query(`ALTER ROLE ${name} PASSWORD '${password}'`);
      const drained = manager.rotateCredentials(name);
      const fresh = await manager.withClient(
        rotating,
        async (client) =>
          (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid,
      );
      const oldPid = await (releaseOld(), old);
      await drained;
      expect(fresh).not.toBe(oldPid);
      await sleep(50);
      const sessions = await sampler.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE usename = $1',
        [name],
      );
      expect(sessions.rows.map((r) => r.pid)).toEqual([fresh]);
    } finally {
      await manager.close();
      await pg.query(`ALTER ROLE ${name} PASSWORD '${PASSWORD}'`);
    }
  });

  it('closes idle pools after idleTimeoutMs (sessions gone in pg_stat_activity, gauges at 0)', async () => {
    const registry = new Registry();
    const manager = new TenantPoolManager({
      maxConnectionsPerServer: BUDGET,
      maxPerTenant: 2,
      idleTimeoutMs: 300,
      acquireTimeoutMs: 10_000,
      registry,
    });
    try {
      await Promise.all(targets.slice(0, 3).map((t) => manager.withClient(t, (c) => c.query('SELECT 1'))));
      expect(await tenantSessions()).toBe(3);
      expect(manager.stats()).toEqual([{ server: serverKey, livePools: 3, connections: 3, waiters: 0 }]);
      await sleep(800);
      expect(await tenantSessions()).toBe(0);
      expect(manager.stats()).toEqual([{ server: serverKey, livePools: 0, connections: 0, waiters: 0 }]);
      expect(await registry.getSingleMetricAsString('sysmanage_tenant_pool_evictions_total')).toContain(
        `{server="${serverKey}",reason="idle"} 3`,
      );
    } finally {
      await manager.close();
    }
  });
});
