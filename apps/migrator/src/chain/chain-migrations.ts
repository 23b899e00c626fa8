import { CHAINS, type ChainName } from '@sysmanage/schema';
import type { MigrationInterface } from 'typeorm';

export interface KnownMigration {
  name: string;
  timestamp: number;
}

/**
 * The chain's migrations as TypeORM will name and order them: the instance's
 * `name` if set, else the class name, whose last 13 digits are the timestamp.
 * Computed here (not through an initialised DataSource) so the up-to-date check
 * costs no connection beyond the one query that reads the version table.
 */
export function chainMigrations(chain: ChainName): KnownMigration[] {
  const known = CHAINS[chain].migrations.map((migration) => {
    const instance = new (migration as new () => MigrationInterface)();
    const name = instance.name ?? migration.name;
    return { name, timestamp: Number.parseInt(name.slice(-13), 10) };
  });
  return known.sort((a, b) => a.timestamp - b.timestamp);
}
