import type { ChainName } from '@sysmanage/schema';
import type { KnownMigration } from './chain-migrations';
import type { AppliedMigration } from './version-table';

/** Where one chain stands on one database. */
export interface ChainState {
  chain: ChainName;
  /** Last applied migration (highest timestamp), or null when none. */
  current: string | null;
  /** Newest migration this build knows. */
  head: string | null;
  /** Known migrations not yet applied, oldest first. */
  pending: string[];
}

export function compareChain(
  chain: ChainName,
  known: KnownMigration[],
  applied: AppliedMigration[],
): ChainState {
  const appliedNames = new Set(applied.map((m) => m.name));
  const latest = applied.reduce<AppliedMigration | null>(
    (best, m) => (best === null || m.timestamp >= best.timestamp ? m : best),
    null,
  );
  return {
    chain,
    current: latest?.name ?? null,
    head: known.at(-1)?.name ?? null,
    pending: known.filter((m) => !appliedNames.has(m.name)).map((m) => m.name),
  };
}
