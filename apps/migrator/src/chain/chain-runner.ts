import { CHAINS, createChainDataSource, type ChainName } from '@sysmanage/schema';
import type { ClientConfig } from 'pg';
import { withClient } from '../db/with-client';
import { MigratorError, MigratorErrorCode, errorMessage } from '../errors/migrator-error';
import { withChainLock } from './advisory-lock';
import { chainMigrations } from './chain-migrations';
import { compareChain, type ChainState } from './chain-state';
import { readAppliedMigrations } from './version-table';

export interface ChainRunOutcome {
  chain: ChainName;
  /** Migrations this run applied, in order. */
  applied: string[];
  /** Migrations still pending (only non-empty for a dry run). */
  pending: string[];
  /** The newest applied migration after the run (what the registry records as the version), null when none. */
  current: string | null;
}

/** The newest of the migrations by their 13-digit timestamp suffix. */
function newest(names: ReadonlyArray<string | null>): string | null {
  let best: string | null = null;
  for (const name of names) {
    if (name === null) continue;
    if (best === null || Number(name.slice(-13)) >= Number(best.slice(-13))) best = name;
  }
  return best;
}

/** Reads where a chain stands: one query, no lock, nothing written. */
export async function readChainState(connection: ClientConfig, chain: ChainName): Promise<ChainState> {
  return withClient(connection, async (client) => {
    const applied = await readAppliedMigrations(client, CHAINS[chain].migrationsTableName);
    return compareChain(chain, chainMigrations(chain), applied);
  });
}

async function applyPending(connection: ClientConfig, chain: ChainName): Promise<string[]> {
  const dataSource = createChainDataSource(chain, connection, { logging: false });
  await dataSource.initialize();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Brings one chain on one database to head. The up-to-date case costs one query
 * and takes no lock. Otherwise the chain's advisory lock is taken and TypeORM
 * applies what is still pending under it, one transaction per migration; a
 * concurrent run that got the lock first leaves nothing to do, so `applied` is
 * empty and the result is "up to date".
 */
export async function migrateChain(
  connection: ClientConfig,
  chain: ChainName,
  opts: { dryRun: boolean },
): Promise<ChainRunOutcome> {
  return withClient(connection, async (client) => {
    const table = CHAINS[chain].migrationsTableName;
    const state = compareChain(chain, chainMigrations(chain), await readAppliedMigrations(client, table));
    if (state.pending.length === 0) return { chain, applied: [], pending: [], current: state.current };
    if (opts.dryRun) return { chain, applied: [], pending: state.pending, current: state.current };
    try {
      const applied = await withChainLock(client, chain, () => applyPending(connection, chain));
      // Nothing applied here means a concurrent run applied the rest under the lock: the chain is at head.
      return { chain, applied, pending: [], current: newest([state.current, state.head, ...applied]) };
    } catch (err) {
      throw new MigratorError(MigratorErrorCode.MIGRATION_FAILED, `${chain} chain: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  });
}
