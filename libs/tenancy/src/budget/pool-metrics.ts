import { Counter, Gauge, type Registry } from 'prom-client';

/** Every metric TenantPoolMetrics registers (a process that rebuilds its manager unregisters these first). */
export const TENANT_POOL_METRIC_NAMES = [
  'sysmanage_tenant_pools_live',
  'sysmanage_tenant_connections',
  'sysmanage_tenant_pool_waiters',
  'sysmanage_tenant_pool_evictions_total',
  'sysmanage_lease_renewals_total',
] as const;

export type EvictionReason = 'lru' | 'idle' | 'suspended' | 'rotated';

export interface ServerSnapshot {
  readonly server: string;
  readonly livePools: number;
  /** Real connections: open, opening and closing (a closing one still holds a server slot). */
  readonly connections: number;
  readonly waiters: number;
}

/**
 * prom-client stays inside this folder: gauges are read from the manager at scrape time
 * (so they cannot drift from reality), counters are incremented by it.
 */
export class TenantPoolMetrics {
  private readonly evictions: Counter<'server' | 'reason'>;
  private readonly leaseRenewals: Counter<'outcome'>;

  constructor(snapshot: () => readonly ServerSnapshot[], registry?: Registry) {
    const registers = registry ? [registry] : [];
    const gauge = (name: string, help: string, pick: (s: ServerSnapshot) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['server'],
        registers,
        collect() {
          this.reset();
          for (const s of snapshot()) this.set({ server: s.server }, pick(s));
        },
      });
    };
    gauge(
      'sysmanage_tenant_pools_live',
      'Tenant pools currently open, per PostgreSQL server',
      (s) => s.livePools,
    );
    gauge(
      'sysmanage_tenant_connections',
      'Connections held by tenant pools (incl. opening/closing), per PostgreSQL server',
      (s) => s.connections,
    );
    gauge(
      'sysmanage_tenant_pool_waiters',
      'Requests waiting for a connection slot, per PostgreSQL server',
      (s) => s.waiters,
    );
    this.evictions = new Counter({
      name: 'sysmanage_tenant_pool_evictions_total',
      help: 'Tenant pools closed, by server and reason (lru, idle, suspended, rotated)',
      labelNames: ['server', 'reason'],
      registers,
    });
    this.leaseRenewals = new Counter({
      name: 'sysmanage_lease_renewals_total',
      help: 'OpenBAO database lease renewals and rotations seen by the tenant pools',
      labelNames: ['outcome'],
      registers,
    });
  }

  eviction(server: string, reason: EvictionReason): void {
    this.evictions.inc({ server, reason });
  }

  /** Hook for LeaseCache hooks: onRenewed -> 'renewed', onRenewalFailed -> 'failed', onRotated -> 'rotated'. */
  leaseRenewal(outcome: 'renewed' | 'failed' | 'rotated' = 'renewed'): void {
    this.leaseRenewals.inc({ outcome });
  }
}
