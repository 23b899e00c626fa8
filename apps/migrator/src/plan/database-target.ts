import type { ChainName } from '@sysmanage/schema';
import type { ClientConfig } from 'pg';

/** A connection to one database for the duration of one target's work; released afterwards. */
export interface ConnectionLease {
  clientConfig: ClientConfig;
  release(): Promise<void>;
}

/** One database and the chains to apply to it, in order. */
export interface DatabaseTarget {
  /** `host:port/name`: two targets with the same key are the same database. */
  key: string;
  /** The database name. */
  database: string;
  /** `host:port` of its server. */
  server: string;
  /** The tenant's slug for a tenant database, else null. */
  tenant: string | null;
  chains: ChainName[];
  /** Opens access to the database (a static config, or a leased tenant credential). */
  acquire(): Promise<ConnectionLease>;
  /** Set when the target is known to be unusable before any work (e.g. an unknown --tenant). */
  planError?: Error;
}
