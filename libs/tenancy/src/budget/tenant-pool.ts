import type { Client, ClientConfig } from 'pg';

/** One live connection of a tenant pool. */
export interface PooledConnection {
  readonly client: Client;
  readonly pool: TenantPool;
  broken: boolean;
  idleTimer: NodeJS.Timeout | null;
}

/** Bookkeeping of one tenant's connections; the manager owns every decision. */
export class TenantPool {
  readonly idle: PooledConnection[] = [];
  readonly active = new Set<PooledConnection>();
  opening = 0;
  waiters = 0;
  lastUsed: number;
  /** Set when rotated away or evicted: connections close on release instead of returning. */
  retired = false;
  /** Why waiters of a retired pool fail (suspension, close); null for a rotation, whose waiters move on. */
  retiredError: Error | null = null;
  /** Connections whose close is still in flight (they still hold server slots). */
  closing = 0;
  readonly onDrained: Array<() => void> = [];

  constructor(
    readonly tenantId: string,
    readonly serverKey: string,
    public connection: () => Promise<ClientConfig>,
    now: number,
  ) {
    this.lastUsed = now;
  }

  /** Connections this pool holds or is opening (counts against maxPerTenant). */
  get size(): number {
    return this.idle.length + this.active.size + this.opening;
  }

  /** Idle in the LRU sense: nothing checked out, opening or waiting. */
  get isIdle(): boolean {
    return this.active.size === 0 && this.opening === 0 && this.waiters === 0;
  }
}
