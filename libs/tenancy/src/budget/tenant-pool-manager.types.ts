import type { Client, ClientConfig } from 'pg';
import type { Registry } from 'prom-client';

/** Where a tenant's pool lives and how to get fresh credentials for a new connection. */
export interface TenantPoolTarget {
  readonly tenantId: string;
  /** host:port of the PostgreSQL server; the connection budget is per server key. */
  readonly serverKey: string;
  /** Called for every new connection, so a rotated lease (e.g. OpenBAO LeaseCache) is picked up. */
  readonly connection: () => Promise<ClientConfig>;
}

/** Opens one connected client; injectable so unit tests can use fakes. */
export type ClientFactory = (config: ClientConfig) => Promise<Client>;

export interface TenantPoolManagerOptions {
  /** Hard cap on connections per server across all tenant pools. */
  readonly maxConnectionsPerServer: number;
  /** Cap per tenant pool. */
  readonly maxPerTenant: number;
  /** An idle connection is closed after this long; a pool without connections is then dropped. */
  readonly idleTimeoutMs: number;
  /** How long withClient waits for a connection before ConnectionBudgetError(ACQUIRE_TIMEOUT). */
  readonly acquireTimeoutMs: number;
  readonly registry?: Registry;
  readonly clientFactory?: ClientFactory;
}
