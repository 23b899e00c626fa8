import { chainMigrationNames, type ChainName } from '@sysmanage/schema';

export interface KnownMigration {
  name: string;
  timestamp: number;
}

/**
 * The chain's migrations as TypeORM will order them: by the 13-digit
 * timestamp that ends each name. Computed from the classes, not through an
 * initialised DataSource, so the up-to-date check costs no connection beyond
 * the one query that reads the version table.
 */
export function chainMigrations(chain: ChainName): KnownMigration[] {
  return chainMigrationNames(chain)
    .map((name) => ({ name, timestamp: Number.parseInt(name.slice(-13), 10) }))
    .sort((a, b) => a.timestamp - b.timestamp);
}
