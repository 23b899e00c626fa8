import { TestEnvironment } from '@sysmanage/testing';
import { migrateUp } from './__fixtures__/migrate';
import { startScratchDatabase, type ScratchDatabase } from './__fixtures__/scratch-database';
import { CHAIN_ORDER, createChainDataSource, type ChainName } from './index';

/** What TypeORM's schema builder would run to make the database match the entities. */
async function pendingSchemaChanges(chain: ChainName, db: ScratchDatabase): Promise<string[]> {
  const dataSource = createChainDataSource(chain, db.connection);
  await dataSource.initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    await dataSource.destroy();
  }
}

describe('entity metadata matches the migrated schema (drift gate)', () => {
  const env = new TestEnvironment();
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await startScratchDatabase(env, 'drift');
    for (const chain of CHAIN_ORDER) await migrateUp(chain, db.connection);
  });
  afterAll(() => env.stopAll());

  it.each(CHAIN_ORDER)('%s chain: the schema builder has nothing to change', async (chain) => {
    expect(await pendingSchemaChanges(chain, db)).toEqual([]);
  });

  it('reports drift when the database no longer matches (a missing index, a changed default)', async () => {
    await db.query(`DROP INDEX "hosts_hostname_idx"`);
    await db.query(`ALTER TABLE "hosts" ALTER COLUMN "fqdn" SET DEFAULT 'localhost'`);
    const pending = await pendingSchemaChanges('tenant', db);
    expect(pending).toEqual([
      `ALTER TABLE "hosts" ALTER COLUMN "fqdn" DROP DEFAULT`,
      `CREATE INDEX "hosts_hostname_idx" ON "hosts"  ("hostname") `,
    ]);
  });
});
