import type { ChainName } from '@sysmanage/schema';
import { MigratorError, errorMessage } from '../errors/migrator-error';
import type { DatabaseTarget } from '../plan/database-target';

/** `pending` only appears in a dry run: migrations are due but nothing was applied. */
export type TargetStatus = 'up-to-date' | 'migrated' | 'pending' | 'failed' | 'skipped';

/** What happened to one database. */
export interface TargetResult {
  database: string;
  server: string;
  tenant: string | null;
  chains: ChainName[];
  status: TargetStatus;
  /** Migrations applied by this run, in order. */
  applied: string[];
  /** Migrations still due (dry run). */
  pending: string[];
  error: string | null;
  errorCode: string | null;
  durationMs: number;
  /** The last chain's newest applied migration as found (or recorded), null when unknown. */
  version: string | null;
  /** Where the version came from: the registry's record (no connection made) or the database; null when not checked. */
  checked: 'registry' | 'database' | null;
}

export function targetResult(target: DatabaseTarget, fields: Partial<TargetResult>): TargetResult {
  return {
    database: target.database,
    server: target.server,
    tenant: target.tenant,
    chains: [...target.chains],
    status: 'up-to-date',
    applied: [],
    pending: [],
    error: null,
    errorCode: null,
    durationMs: 0,
    version: null,
    checked: null,
    ...fields,
  };
}

export function errorFields(err: unknown): Pick<TargetResult, 'error' | 'errorCode'> {
  return { error: errorMessage(err), errorCode: err instanceof MigratorError ? err.code : 'UNEXPECTED' };
}
