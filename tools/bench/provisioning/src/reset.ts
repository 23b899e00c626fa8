import { chainHead, RegistryPlacement } from '@sysmanage/schema';
import { quoteIdent } from '@sysmanage/tenancy';
import type { BenchStack } from './bench-stack';
import { BENCH_COLUMN, BENCH_MIGRATION_NAME } from './bench-migration';

/**
 * Undoes the bench migration everywhere so the next run does the same work:
 * in each tenant database (as the superuser) the column and the version row
 * go, and the registry's record goes back to the real chain head. Also the
 * check that the run applied it: a database without the version row or the
 * column fails here.
 */
export async function revertBenchMigration(stack: BenchStack): Promise<number> {
  const placements = await stack.registry.getRepository(RegistryPlacement).find();
  for (const placement of placements) {
    const db = placement.databaseName;
    const deleted = await stack.pg.query<{ name: string }>(
      'DELETE FROM tenant_migrations WHERE name = $1 RETURNING name',
      [BENCH_MIGRATION_NAME],
      db,
    );
    if (deleted.length !== 1) throw new Error(`${db}: ${BENCH_MIGRATION_NAME} was not recorded as applied`);
    await stack.pg.query(`ALTER TABLE "hosts" DROP COLUMN ${quoteIdent(BENCH_COLUMN)}`, [], db);
  }
  await stack.registry.query(
    `UPDATE registry_tenant_db_versions SET version = $1 WHERE chain = 'tenant' AND version = $2`,
    [chainHead('tenant'), BENCH_MIGRATION_NAME],
  );
  return placements.length;
}
