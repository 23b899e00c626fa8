import { Registry } from 'prom-client';
import { FakeServer, type FakePgClient } from './__fixtures__/fake-pg-client';
import { ConnectionBudgetError, ConnectionBudgetErrorCode } from './connection-budget-error';
import { TenantPoolManager } from './tenant-pool-manager';
import type { TenantPoolManagerOptions, TenantPoolTarget } from './tenant-pool-manager.types';

const SERVER = '10.0.0.1:5432';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function target(tenantId: string, user = `u_${tenantId}`, serverKey = SERVER): TenantPoolTarget {
  return {
    tenantId,
    serverKey,
    connection: async () => ({ host: '10.0.0.1', port: 5432, user, password: 'pw', database: tenantId }),
  };
}

/** A checkout held open until the returned release() is called. */
async function hold(
  manager: TenantPoolManager,
  t: TenantPoolTarget,
): Promise<{ client: FakePgClient; release: () => void; done: Promise<void> }> {
  let release = (): void => undefined;
  let resolveClient: (client: FakePgClient) => void = () => undefined;
  const gotClient = new Promise<FakePgClient>((resolve) => (resolveClient = resolve));
  const done = manager.withClient(t, async (client) => {
    resolveClient(client as unknown as FakePgClient);
    await new Promise<void>((resolve) => (release = resolve));
  });
  const client = await gotClient;
  return { client, release: () => release(), done };
}

describe('TenantPoolManager (fake connections)', () => {
  let fake: FakeServer;
  let manager: TenantPoolManager;
  let registry: Registry;
  const make = (overrides: Partial<TenantPoolManagerOptions> = {}): TenantPoolManager => {
    registry = new Registry();
    manager = new TenantPoolManager({
      maxConnectionsPerServer: 3,
      maxPerTenant: 2,
      idleTimeoutMs: 10_000,
      acquireTimeoutMs: 2_000,
      registry,
      clientFactory: fake.factory,
      ...overrides,
    });
    return manager;
  };

  beforeEach(() => {
    fake = new FakeServer();
  });
  afterEach(async () => {
    await manager.close();
  });

  it('never exceeds the server cap under heavy concurrency and every call succeeds', async () => {
    fake = new FakeServer(3); // refuses a 4th session with 53300, like a real server would
    make();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        manager.withClient(target(`t${i % 12}`), async (client) => {
          await sleep(i % 4);
          const { rows } = await client.query<{ user: string }>('INSERT');
          return rows[0]?.user;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => `u_t${i % 12}`));
    expect(fake.peak).toBeLessThanOrEqual(3);
    expect(fake.peak).toBe(3);
    expect(manager.stats()[0]?.connections).toBeLessThanOrEqual(3);
  });

  it('evicts the least recently used idle pool to make room', async () => {
    make({ maxConnectionsPerServer: 2, maxPerTenant: 1 });
    await manager.withClient(target('a'), async () => undefined);
    await sleep(2);
    await manager.withClient(target('b'), async () => undefined);
    await manager.withClient(target('c'), async () => undefined);
    expect(manager.livePools(SERVER)).toEqual(['b', 'c']);
    expect(fake.clients.find((c) => c.config.user === 'u_a')?.ended).toBe(true);
    const text = await registry.getSingleMetricAsString('sysmanage_tenant_pool_evictions_total');
    expect(text).toContain(`sysmanage_tenant_pool_evictions_total{server="${SERVER}",reason="lru"} 1`);
  });

  it('a tenant that has a connection waits for it rather than closing another tenant’s warm pool', async () => {
    make({ maxConnectionsPerServer: 2, maxPerTenant: 2 });
    await manager.withClient(target('a'), async () => undefined);
    const b = await hold(manager, target('b'));
    const second = manager.withClient(target('b'), async (client) => client.query('x'));
    await sleep(20);
    expect(manager.stats()[0]).toMatchObject({ waiters: 1, connections: 2 });
    b.release();
    await expect(second).resolves.toEqual({ rows: [{ user: 'u_b' }] });
    await b.done;
    expect(fake.opened).toBe(2);
    expect(fake.clients.find((c) => c.config.user === 'u_a')?.ended).toBe(false);
    expect(manager.livePools(SERVER).sort()).toEqual(['a', 'b']);
  });

  it('a tenant that has a connection may still close a pool unused for 5 s', async () => {
    make({ maxConnectionsPerServer: 2, maxPerTenant: 2 });
    const realNow = Date.now.bind(Date);
    const past = jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 6_000);
    await manager.withClient(target('a'), async () => undefined);
    past.mockRestore();
    const b = await hold(manager, target('b'));
    await expect(manager.withClient(target('b'), async (client) => client.query('x'))).resolves.toEqual({
      rows: [{ user: 'u_b' }],
    });
    expect(fake.clients.find((c) => c.config.user === 'u_a')?.ended).toBe(true);
    expect(manager.livePools(SERVER)).toEqual(['b']);
    b.release();
    await b.done;
  });

  it('never evicts an in-use pool: a request waits, then times out with ACQUIRE_TIMEOUT, and the held client still works', async () => {
    make({ maxConnectionsPerServer: 2, maxPerTenant: 1, acquireTimeoutMs: 80 });
    const a = await hold(manager, target('a'));
    const b = await hold(manager, target('b'));
    const waiting = manager.withClient(target('c'), async () => 'never');
    await expect(waiting).rejects.toMatchObject({
      name: 'ConnectionBudgetError',
      code: ConnectionBudgetErrorCode.ACQUIRE_TIMEOUT,
      message: expect.stringMatching(/tenant c on 10\.0\.0\.1:5432 within 80 ms \(budget 2, 2 open/),
    });
    await expect(waiting).rejects.toBeInstanceOf(ConnectionBudgetError);
    expect(a.client.ended).toBe(false);
    await expect(a.client.query('SELECT 1')).resolves.toEqual({ rows: [{ user: 'u_a' }] });
    a.release();
    b.release();
    await Promise.all([a.done, b.done]);
    expect(manager.livePools(SERVER).sort()).toEqual(['a', 'b']);
  });

  it('serves waiters in arrival order across tenants when the budget is full', async () => {
    make({ maxConnectionsPerServer: 1, maxPerTenant: 1 });
    const a = await hold(manager, target('a'));
    const order: string[] = [];
    const calls = ['b', 'c', 'a', 'd'].map((id) =>
      manager.withClient(target(id), async () => void order.push(id)),
    );
    await sleep(10);
    expect(order).toEqual([]);
    expect(manager.stats()[0]).toMatchObject({ waiters: 4, connections: 1 });
    a.release();
    await Promise.all([a.done, ...calls]);
    expect(order).toEqual(['b', 'c', 'a', 'd']);
    expect(fake.peak).toBe(1);
  });

  it('reuses a tenant pool connection without opening a new one', async () => {
    make();
    for (let i = 0; i < 5; i += 1) await manager.withClient(target('a'), async (c) => c.query('x'));
    expect(fake.opened).toBe(1);
  });

  it('closes idle connections after idleTimeoutMs and drops the pool', async () => {
    make({ idleTimeoutMs: 40 });
    await Promise.all([
      manager.withClient(target('a'), () => sleep(5)),
      manager.withClient(target('a'), () => sleep(5)),
    ]);
    expect(manager.stats()[0]).toMatchObject({ livePools: 1, connections: 2 });
    await sleep(100);
    expect(manager.stats()[0]).toMatchObject({ livePools: 0, connections: 0 });
    expect(fake.live).toBe(0);
    const text = await registry.getSingleMetricAsString('sysmanage_tenant_pool_evictions_total');
    expect(text).toContain(`reason="idle"} 1`);
  });

  it('rotateCredentials: new checkouts use new credentials, the checked-out client finishes, then closes', async () => {
    make();
    let generation = 1;
    const rotating: TenantPoolTarget = {
      tenantId: 'a',
      serverKey: SERVER,
      connection: async () => ({ user: `a_v${generation}` }),
    };
    const old = await hold(manager, rotating);
    expect(old.client.config.user).toBe('a_v1');
    generation = 2;
    let drained = false;
    const rotation = manager.rotateCredentials('a').then(() => (drained = true));
    const user = await manager.withClient(
      rotating,
      async (c) => (await c.query<{ user: string }>('x')).rows[0]?.user,
    );
    expect(user).toBe('a_v2');
    await sleep(10);
    expect(drained).toBe(false);
    await expect(old.client.query('still usable')).resolves.toBeDefined();
    old.release();
    await old.done;
    await rotation;
    expect(old.client.ended).toBe(true);
    expect(manager.stats()[0]?.connections).toBe(1);
  });

  it('evict fails the tenant’s waiters with EVICTED and closes its idle connections', async () => {
    make({ maxConnectionsPerServer: 1, maxPerTenant: 1 });
    const a = await hold(manager, target('a'));
    const waiting = manager.withClient(target('b'), async () => 'never');
    await sleep(5);
    await manager.evict('b');
    await expect(waiting).rejects.toMatchObject({
      code: ConnectionBudgetErrorCode.EVICTED,
      message: expect.stringContaining('tenant b'),
    });
    const evictA = manager.evict('a');
    a.release();
    await a.done;
    await evictA;
    expect(a.client.ended).toBe(true);
    expect(manager.stats()[0]).toMatchObject({ livePools: 0, connections: 0 });
  });

  it('close fails waiters and later calls with CLOSED and closes every connection', async () => {
    make({ maxConnectionsPerServer: 1, maxPerTenant: 1 });
    const a = await hold(manager, target('a'));
    const waiting = manager.withClient(target('b'), async () => 'never');
    await sleep(5);
    const closing = manager.close();
    await expect(waiting).rejects.toMatchObject({ code: ConnectionBudgetErrorCode.CLOSED });
    a.release();
    await closing;
    expect(fake.live).toBe(0);
    await expect(manager.withClient(target('a'), async () => 1)).rejects.toMatchObject({
      code: ConnectionBudgetErrorCode.CLOSED,
      message: 'TenantPoolManager is closed (tenant a)',
    });
  });

  it('a 53300 from the server surfaces as SERVER_REFUSED (not retried), other connect errors as CONNECT_FAILED; slots are returned', async () => {
    make();
    fake.failNext = Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
    await expect(manager.withClient(target('a'), async () => 1)).rejects.toMatchObject({
      code: ConnectionBudgetErrorCode.SERVER_REFUSED,
      message: expect.stringContaining('lower maxConnectionsPerServer'),
    });
    fake.failNext = Object.assign(new Error('password authentication failed for user "u_a"'), {
      code: '28P01',
    });
    const failure = manager.withClient(target('a'), async () => 1);
    await expect(failure).rejects.toMatchObject({
      code: ConnectionBudgetErrorCode.CONNECT_FAILED,
      message: 'Connecting tenant a to 10.0.0.1:5432 failed: password authentication failed for user "u_a"',
    });
    await expect(failure.catch((e: Error) => (e.cause as { code: string }).code)).resolves.toBe('28P01');
    expect(manager.stats()[0]).toMatchObject({ connections: 0, livePools: 0 });
    await expect(manager.withClient(target('a'), async () => 'ok')).resolves.toBe('ok');
  });

  it('destroys the connection after fn fails and rethrows the error', async () => {
    make();
    let used: FakePgClient | undefined;
    await expect(
      manager.withClient(target('a'), async (client) => {
        used = client as unknown as FakePgClient;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await sleep(5);
    expect(used?.ended).toBe(true);
    expect(manager.stats()[0]?.connections).toBe(0);
  });

  it('exposes gauges and the lease renewal counter', async () => {
    make();
    const a = await hold(manager, target('a'));
    const waiting = [
      manager.withClient(target('b'), () => sleep(1)),
      manager.withClient(target('c'), () => sleep(1)),
    ];
    const waiters = manager.withClient(target('d'), () => sleep(1));
    manager.metrics.leaseRenewal();
    manager.metrics.leaseRenewal('rotated');
    const metrics = await registry.metrics();
    expect(metrics).toContain(`sysmanage_tenant_connections{server="${SERVER}"} 3`);
    expect(metrics).toMatch(new RegExp(`sysmanage_tenant_pools_live\\{server="${SERVER}"\\} 4`));
    // b and c hold the two free slots while they connect; only d waits.
    expect(metrics).toContain(`sysmanage_tenant_pool_waiters{server="${SERVER}"} 1`);
    expect(metrics).toContain('sysmanage_lease_renewals_total{outcome="renewed"} 1');
    expect(metrics).toContain('sysmanage_lease_renewals_total{outcome="rotated"} 1');
    a.release();
    await Promise.all([a.done, ...waiting, waiters]);
  });

  it('rejects unusable options with INVALID_OPTIONS', () => {
    expect(() => make({ maxConnectionsPerServer: 0 })).toThrow(
      expect.objectContaining({
        code: ConnectionBudgetErrorCode.INVALID_OPTIONS,
        message: 'maxConnectionsPerServer must be a positive integer, got 0',
      }),
    );
    expect(() => make({ maxConnectionsPerServer: 2, maxPerTenant: 3 })).toThrow(
      /maxPerTenant \(3\) cannot exceed/,
    );
    make();
  });
});
