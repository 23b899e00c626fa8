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
  /** Set when the target is not to be touched (e.g. a suspended tenant: CONNECT is revoked); reported as skipped. */
  skipReason?: string;
  /** Tenant databases: the version the registry recorded, and how to record a new one. */
  registryVersion?: RegistryVersion;
}

/** The registry's record of a tenant database's chain version. */
export interface RegistryVersion {
  /** The recorded version, null when none. */
  recorded: string | null;
  /** Upserts the version after a migration (or after the database was found at another version). */
  record(version: string): Promise<void>;
}
