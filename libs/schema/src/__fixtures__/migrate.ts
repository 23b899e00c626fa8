import type { ClientConfig } from 'pg';
import { CHAINS, createChainDataSource, type ChainName } from '../index';

/** Applies every pending migration of one chain, as the migrator would. */
export async function migrateUp(chain: ChainName, connection: ClientConfig): Promise<string[]> {
  const dataSource = createChainDataSource(chain, connection);
  await dataSource.initialize();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Reverts the chain's migrations one by one (undoLastMigration) until its version table is empty. */
export async function migrateDownAll(chain: ChainName, connection: ClientConfig): Promise<string[]> {
  const dataSource = createChainDataSource(chain, connection);
  await dataSource.initialize();
  const table = CHAINS[chain].migrationsTableName;
  const reverted: string[] = [];
  try {
    for (;;) {
      const last: { name: string }[] = await dataSource.query(
        `SELECT "name" FROM "${table}" ORDER BY "timestamp" DESC LIMIT 1`,
      );
      const [newest] = last;
      if (!newest) return reverted;
      await dataSource.undoLastMigration({ transaction: 'each' });
      reverted.push(newest.name);
    }
  } finally {
    await dataSource.destroy();
  }
}
