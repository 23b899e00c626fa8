import { createScratchDatabase, type ScratchDatabase } from './__fixtures__/scratch-database';
import { migrateUp } from './__fixtures__/migrate';
import { CHAIN_ORDER, createChainDataSource } from './index';

describe('entity metadata matches the migrated schema (drift gate)', () => {
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await createScratchDatabase('drift');
    for (const chain of CHAIN_ORDER) await migrateUp(chain, db.connection);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each(CHAIN_ORDER)('%s chain: the schema builder has nothing to change', async (chain) => {
    const dataSource = createChainDataSource(chain, db.connection);
    await dataSource.initialize();
    try {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
