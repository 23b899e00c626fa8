import { Client, type PoolClient } from 'pg';
import { ConnectionBudgetError, ConnectionBudgetErrorCode } from './connection-budget-error';
import { TenantPoolMetrics, type EvictionReason, type ServerSnapshot } from './pool-metrics';
import { TenantPool, type PooledConnection } from './tenant-pool';
import type { ClientFactory, TenantPoolManagerOptions, TenantPoolTarget } from './tenant-pool-manager.types';

const TOO_MANY_CONNECTIONS = '53300';

/**
 * A pool unused this long is cold: closed to make room for another tenant even when that tenant already
 * has a connection (see dispatch). Below it, only a tenant with no connection at all takes the slot.
 */
const COLD_POOL_MS = 5_000;

interface Waiter {
  pool: TenantPool;
  readonly enqueuedAt: number;
  readonly resolve: (conn: PooledConnection) => void;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | null;
  settled: boolean;
}

interface ServerState {
  readonly key: string;
  /** Real connections on this server: checked out, idle, opening and still closing. Never above the cap. */
  open: number;
  closing: number;
  /** FIFO across tenants. */
  readonly queue: Waiter[];
  readonly pools: Set<TenantPool>;
}

const defaultClientFactory: ClientFactory = async (config) => {
  const client = new Client(config);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
};

/**
 * Per-server connection budget over per-tenant pools. A connection slot is taken before a
 * connection is opened and given back only once it is closed, so PostgreSQL never sees more than
 * maxConnectionsPerServer of ours, and a 53300 cannot be caused by us.
 */
export class TenantPoolManager {
  readonly metrics: TenantPoolMetrics;
  private readonly servers = new Map<string, ServerState>();
  private readonly pools = new Map<string, TenantPool>();
  private readonly factory: ClientFactory;
  private closed = false;

  constructor(private readonly options: TenantPoolManagerOptions) {
    for (const key of [
      'maxConnectionsPerServer',
      'maxPerTenant',
      'idleTimeoutMs',
      'acquireTimeoutMs',
    ] as const) {
      const value = options[key];
      if (!Number.isInteger(value) || value <= 0) {
        throw new ConnectionBudgetError(
          ConnectionBudgetErrorCode.INVALID_OPTIONS,
          `${key} must be a positive integer, got ${String(value)}`,
        );
      }
    }
    if (options.maxPerTenant > options.maxConnectionsPerServer) {
      throw new ConnectionBudgetError(
        ConnectionBudgetErrorCode.INVALID_OPTIONS,
        `maxPerTenant (${options.maxPerTenant}) cannot exceed maxConnectionsPerServer (${options.maxConnectionsPerServer})`,
      );
    }
    this.factory = options.clientFactory ?? defaultClientFactory;
    this.metrics = new TenantPoolMetrics(() => this.stats(), options.registry);
  }

  /** Runs fn with a client of the tenant's pool; waits (FIFO) for a slot when the server's budget is used up. */
  async withClient<T>(target: TenantPoolTarget, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const conn = await this.acquire(target);
    // release() from fn only marks the client; withClient gives it back after fn, exactly once.
    const client: PoolClient = Object.assign(conn.client, {
      release: (err?: Error | boolean): void => {
        if (err) conn.broken = true;
      },
    });
    let ok = false;
    try {
      const result = await fn(client);
      ok = true;
      return result;
    } finally {
      // After a failure the session may sit in an aborted transaction: never hand it to the next caller.
      this.release(conn, !ok);
    }
  }

  /** Lease rotated: new checkouts open connections with fresh credentials; checked-out clients finish, then close. */
  rotateCredentials(tenantId: string): Promise<void> {
    const pool = this.pools.get(tenantId);
    if (!pool) return Promise.resolve();
    const server = this.server(pool.serverKey);
    const drained = this.retire(pool, 'rotated', null);
    const moved = server.queue.filter((w) => w.pool === pool);
    if (moved.length > 0) {
      const next = this.poolFor({ tenantId, serverKey: pool.serverKey, connection: pool.connection });
      for (const w of moved) {
        w.pool = next;
        next.waiters += 1;
      }
      pool.waiters = 0;
    }
    this.dispatch(server);
    return drained;
  }

  /** Suspension: closes the tenant's pool now, fails its waiters with EVICTED; checked-out clients close on release. */
  evict(tenantId: string): Promise<void> {
    const pool = this.pools.get(tenantId);
    if (!pool) return Promise.resolve();
    const error = new ConnectionBudgetError(
      ConnectionBudgetErrorCode.EVICTED,
      `Pool of tenant ${tenantId} on ${pool.serverKey} was evicted (suspended) while the request waited`,
    );
    return this.retire(pool, 'suspended', error);
  }

  /** Fails all waiters with CLOSED, closes idle connections, waits for checked-out ones to come back and closes them. */
  async close(): Promise<void> {
    this.closed = true;
    const drains = [...this.pools.values()].map((pool) =>
      this.retire(
        pool,
        null,
        new ConnectionBudgetError(
          ConnectionBudgetErrorCode.CLOSED,
          `TenantPoolManager closed while tenant ${pool.tenantId} waited`,
        ),
      ),
    );
    await Promise.all(drains);
    await Promise.all([...this.servers.values()].map((s) => this.untilNoConnections(s)));
  }

  /** What the gauges report, per server. */
  stats(): ServerSnapshot[] {
    return [...this.servers.values()].map((s) => ({
      server: s.key,
      livePools: s.pools.size,
      connections: s.open,
      waiters: s.queue.length,
    }));
  }

  /** Tenant ids with a live pool on a server, least recently used first. */
  livePools(serverKey: string): string[] {
    const server = this.servers.get(serverKey);
    if (!server) return [];
    return [...server.pools].sort((a, b) => a.lastUsed - b.lastUsed).map((p) => p.tenantId);
  }

  private acquire(target: TenantPoolTarget): Promise<PooledConnection> {
    if (this.closed) {
      return Promise.reject(
        new ConnectionBudgetError(
          ConnectionBudgetErrorCode.CLOSED,
          `TenantPoolManager is closed (tenant ${target.tenantId})`,
        ),
      );
    }
    if (!target.tenantId || !target.serverKey) {
      return Promise.reject(
        new ConnectionBudgetError(
          ConnectionBudgetErrorCode.INVALID_OPTIONS,
          'A target needs a tenantId and a serverKey',
        ),
      );
    }
    const pool = this.poolFor(target);
    const server = this.server(pool.serverKey);
    return new Promise<PooledConnection>((resolve, reject) => {
      const waiter: Waiter = { pool, enqueuedAt: Date.now(), resolve, reject, timer: null, settled: false };
      waiter.timer = setTimeout(() => this.timeOut(waiter), this.options.acquireTimeoutMs);
      pool.waiters += 1;
      server.queue.push(waiter);
      this.dispatch(server);
    });
  }

  private poolFor(target: TenantPoolTarget): TenantPool {
    let pool = this.pools.get(target.tenantId);
    if (pool && pool.serverKey !== target.serverKey) {
      // The tenant moved to another server: the old pool drains, its waiters fail (they were bound to that server).
      void this.retire(
        pool,
        'rotated',
        new ConnectionBudgetError(
          ConnectionBudgetErrorCode.EVICTED,
          `Tenant ${target.tenantId} moved from ${pool.serverKey} to ${target.serverKey}`,
        ),
      );
      pool = undefined;
    }
    if (!pool) {
      pool = new TenantPool(target.tenantId, target.serverKey, target.connection, Date.now());
      this.pools.set(target.tenantId, pool);
      this.server(target.serverKey).pools.add(pool);
    }
    pool.connection = target.connection;
    pool.lastUsed = Date.now();
    return pool;
  }

  private server(key: string): ServerState {
    let server = this.servers.get(key);
    if (!server) {
      server = { key, open: 0, closing: 0, queue: [], pools: new Set() };
      this.servers.set(key, server);
    }
    return server;
  }

  /**
   * Serves waiters in arrival order. A waiter whose pool has an idle connection takes it; one that needs a
   * new connection takes a free slot, but once one such waiter is blocked no later one may jump ahead of it.
   * A blocked waiter whose tenant has no connection at all (`starving`) gets a slot by closing idle
   * connections elsewhere (the LRU idle pool first); later waiters leave their idle connections for it. A
   * blocked waiter whose tenant already has one waits for its own pool's connections instead, and closes
   * only a pool nobody has used for COLD_POOL_MS: closing a warm pool to widen a busy one only makes its
   * tenant reconnect moments later, and a new session (fork, authentication, cold caches) costs the server
   * far more than the statement the waiter is waiting to run.
   */
  private dispatch(server: ServerState): void {
    let blocked = 0;
    let starving = 0;
    for (const waiter of [...server.queue]) {
      const pool = waiter.pool;
      if (pool.idle.length > 0) {
        // A starving waiter goes first (the idle connection may be reclaimed for it).
        if (starving > 0) continue;
        const idle = pool.idle.pop() as PooledConnection;
        this.dequeue(server, waiter);
        this.handOut(waiter, idle);
        continue;
      }
      if (pool.size >= this.options.maxPerTenant) continue;
      if (blocked === 0 && server.open < this.options.maxConnectionsPerServer) {
        this.dequeue(server, waiter);
        this.openFor(server, waiter);
        continue;
      }
      blocked += 1;
      if (pool.size === 0) starving += 1;
    }
    while (starving > server.closing && this.reclaimSlot(server, true)) {
      // each reclaim starts closing at least one connection, which raises server.closing
    }
    while (blocked > server.closing && this.reclaimSlot(server, false)) {
      // the other blocked waiters only take cold pools
    }
  }

  private reclaimSlot(server: ServerState, forStarving: boolean): boolean {
    let lruIdlePool: TenantPool | null = null;
    let lruBusyPool: TenantPool | null = null;
    for (const pool of server.pools) {
      if (pool.idle.length === 0) continue;
      if (pool.isIdle) {
        if (!lruIdlePool || pool.lastUsed < lruIdlePool.lastUsed) lruIdlePool = pool;
      } else if (!lruBusyPool || pool.lastUsed < lruBusyPool.lastUsed) {
        lruBusyPool = pool;
      }
    }
    if (lruIdlePool && (forStarving || Date.now() - lruIdlePool.lastUsed >= COLD_POOL_MS)) {
      void this.retire(lruIdlePool, 'lru', null);
      return true;
    }
    if (!forStarving) return false;
    // No idle pool: trim a spare idle connection of a busy pool; the pool itself (in use) stays.
    const spare = lruBusyPool?.idle.shift();
    if (spare) {
      this.closeConnection(spare);
      return true;
    }
    return false;
  }

  private dequeue(server: ServerState, waiter: Waiter): void {
    const index = server.queue.indexOf(waiter);
    if (index >= 0) {
      server.queue.splice(index, 1);
      waiter.pool.waiters -= 1;
    }
  }

  private handOut(waiter: Waiter, conn: PooledConnection): void {
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = null;
    conn.pool.active.add(conn);
    conn.pool.lastUsed = Date.now();
    this.settle(waiter);
    waiter.resolve(conn);
  }

  private settle(waiter: Waiter): void {
    waiter.settled = true;
    if (waiter.timer) clearTimeout(waiter.timer);
    waiter.timer = null;
  }

  private fail(waiter: Waiter, error: Error): void {
    if (waiter.settled) return;
    this.settle(waiter);
    waiter.reject(error);
  }

  private timeOut(waiter: Waiter): void {
    if (waiter.settled) return;
    const server = this.server(waiter.pool.serverKey);
    this.dequeue(server, waiter);
    this.fail(
      waiter,
      new ConnectionBudgetError(
        ConnectionBudgetErrorCode.ACQUIRE_TIMEOUT,
        `No connection for tenant ${waiter.pool.tenantId} on ${server.key} within ${this.options.acquireTimeoutMs} ms ` +
          `(budget ${this.options.maxConnectionsPerServer}, ${server.open} open, ${server.queue.length} still waiting)`,
      ),
    );
    this.dropIfEmpty(waiter.pool, null);
    this.dispatch(server);
  }

  private openFor(server: ServerState, waiter: Waiter): void {
    const pool = waiter.pool;
    server.open += 1;
    pool.opening += 1;
    void this.connect(pool).then(
      (client) => {
        pool.opening -= 1;
        const conn: PooledConnection = { client, pool, broken: false, idleTimer: null };
        client.on('error', () => this.onClientError(conn));
        if (pool.retired || this.closed) {
          this.closeConnection(conn);
          this.afterRetiredOpen(waiter, pool);
        } else if (waiter.settled) {
          this.returnIdle(conn);
        } else {
          this.handOut(waiter, conn);
        }
        this.dispatch(server);
      },
      (error: unknown) => {
        pool.opening -= 1;
        server.open -= 1;
        this.fail(waiter, this.connectError(pool, error));
        this.dropIfEmpty(pool, null);
        this.notifyDrained(pool);
        this.dispatch(server);
      },
    );
  }

  private async connect(pool: TenantPool): Promise<Client> {
    const config = await pool.connection();
    return this.factory(config);
  }

  private connectError(pool: TenantPool, error: unknown): ConnectionBudgetError {
    const code =
      typeof error === 'object' && error !== null && 'code' in error
        ? (error as { code: unknown }).code
        : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    if (code === TOO_MANY_CONNECTIONS) {
      // Not retried: the server has fewer slots than our budget assumes; the budget must be lowered.
      return new ConnectionBudgetError(
        ConnectionBudgetErrorCode.SERVER_REFUSED,
        `PostgreSQL ${pool.serverKey} refused a connection for tenant ${pool.tenantId} (53300: ${reason}) although the budget ` +
          `of ${this.options.maxConnectionsPerServer} had room: other clients use the server, lower maxConnectionsPerServer`,
        { cause: error },
      );
    }
    return new ConnectionBudgetError(
      ConnectionBudgetErrorCode.CONNECT_FAILED,
      `Connecting tenant ${pool.tenantId} to ${pool.serverKey} failed: ${reason}`,
      { cause: error },
    );
  }

  /** A connection opened for a pool that was retired meanwhile: a rotated tenant's waiter queues again, others fail. */
  private afterRetiredOpen(waiter: Waiter, pool: TenantPool): void {
    if (waiter.settled) return;
    if (pool.retiredError || this.closed) {
      this.fail(
        waiter,
        pool.retiredError ??
          new ConnectionBudgetError(ConnectionBudgetErrorCode.CLOSED, 'TenantPoolManager closed'),
      );
      return;
    }
    const next = this.poolFor({
      tenantId: pool.tenantId,
      serverKey: pool.serverKey,
      connection: pool.connection,
    });
    waiter.pool = next;
    next.waiters += 1;
    this.server(next.serverKey).queue.unshift(waiter);
  }

  private release(conn: PooledConnection, destroy: boolean): void {
    const pool = conn.pool;
    pool.active.delete(conn);
    pool.lastUsed = Date.now();
    if (destroy || conn.broken || pool.retired || this.closed) {
      this.closeConnection(conn);
    } else {
      this.returnIdle(conn);
    }
    this.dispatch(this.server(pool.serverKey));
  }

  private returnIdle(conn: PooledConnection): void {
    conn.pool.idle.push(conn);
    conn.idleTimer = setTimeout(() => {
      const index = conn.pool.idle.indexOf(conn);
      if (index < 0) return;
      conn.pool.idle.splice(index, 1);
      this.closeConnection(conn, 'idle');
    }, this.options.idleTimeoutMs);
    conn.idleTimer.unref();
  }

  private onClientError(conn: PooledConnection): void {
    // The server or network dropped the session; an idle one is closed now, a checked-out one on release.
    conn.broken = true;
    const index = conn.pool.idle.indexOf(conn);
    if (index >= 0) {
      conn.pool.idle.splice(index, 1);
      this.closeConnection(conn);
    }
  }

  /** The slot stays taken until the session is really gone, so a new one never overlaps it on the server. */
  private closeConnection(conn: PooledConnection, dropReason: EvictionReason | null = null): void {
    const server = this.server(conn.pool.serverKey);
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = null;
    server.closing += 1;
    conn.pool.closing += 1;
    void conn.client
      .end()
      .catch(() => undefined)
      .then(() => {
        server.closing -= 1;
        conn.pool.closing -= 1;
        server.open -= 1;
        this.dropIfEmpty(conn.pool, dropReason);
        this.notifyDrained(conn.pool);
        this.notifyServer(server);
        this.dispatch(server);
      });
  }

  private dropIfEmpty(pool: TenantPool, reason: EvictionReason | null): void {
    if (pool.retired || pool.size > 0 || !pool.isIdle) return;
    if (this.pools.get(pool.tenantId) !== pool) return;
    this.pools.delete(pool.tenantId);
    this.server(pool.serverKey).pools.delete(pool);
    if (reason) this.metrics.eviction(pool.serverKey, reason);
  }

  /** Takes the pool out of service; resolves once all its connections are closed. */
  private retire(pool: TenantPool, reason: EvictionReason | null, error: Error | null): Promise<void> {
    const server = this.server(pool.serverKey);
    pool.retired = true;
    pool.retiredError = error;
    if (this.pools.get(pool.tenantId) === pool) this.pools.delete(pool.tenantId);
    server.pools.delete(pool);
    if (reason) this.metrics.eviction(server.key, reason);
    if (error) {
      for (const waiter of server.queue.filter((w) => w.pool === pool)) {
        this.dequeue(server, waiter);
        this.fail(waiter, error);
      }
    }
    for (const conn of pool.idle.splice(0)) this.closeConnection(conn);
    const drained = new Promise<void>((resolve) => pool.onDrained.push(resolve));
    this.notifyDrained(pool);
    return drained;
  }

  private notifyDrained(pool: TenantPool): void {
    if (!pool.retired || pool.size > 0 || pool.closing > 0) return;
    for (const resolve of pool.onDrained.splice(0)) resolve();
  }

  private readonly serverWatchers = new Map<ServerState, Array<() => void>>();

  private untilNoConnections(server: ServerState): Promise<void> {
    if (server.open === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.serverWatchers.get(server) ?? [];
      list.push(resolve);
      this.serverWatchers.set(server, list);
    });
  }

  private notifyServer(server: ServerState): void {
    if (server.open > 0) return;
    for (const resolve of this.serverWatchers.get(server)?.splice(0) ?? []) resolve();
  }
}
