import { TestEnvironment } from '@sysmanage/testing';
import { migrateDownAll, migrateUp } from './__fixtures__/migrate';
import { startScratchDatabase, type ScratchDatabase } from './__fixtures__/scratch-database';
import { dumpLineTable, dumpSchema, listTables } from './__fixtures__/schema-dump';
import { CHAIN_ORDER, CHAINS, chainMigrationNames, type ChainName } from './index';

/** Whether a relation belongs to the chain by its name (every relation is named after its table). */
function ownedBy(chain: ChainName, relation: string): boolean {
  const prefix = CHAINS[chain].tablePrefix;
  if (prefix) return relation.startsWith(prefix);
  return !CHAIN_ORDER.some((other) => {
    const otherPrefix = CHAINS[other].tablePrefix;
    return otherPrefix !== null && relation.startsWith(otherPrefix);
  });
}

describe('every chain round-trips: up, down (one migration at a time), up gives the same schema', () => {
  const env = new TestEnvironment();
  let db: ScratchDatabase;
  let full: string[];

  beforeAll(async () => {
    db = await startScratchDatabase(env, 'roundtrip');
    for (const chain of CHAIN_ORDER) await migrateUp(chain, db.connection);
    full = await dumpSchema(db);
  });
  afterAll(() => env.stopAll());

  it('the dump sees columns, defaults, constraints and indexes', () => {
    expect(full).toEqual(
      expect.arrayContaining([
        'column hosts id #1 uuid notnull=t default=- identity= generated=',
        "column registry_tenants status #4 text notnull=t default='pending'::text identity= generated=",
        'constraint registry_enrollment_tokens registry_enrollment_tokens_uses_check c CHECK (((uses >= 0) AND ((max_uses IS NULL) OR (uses <= max_uses))))',
        'index host_heartbeats host_heartbeats_host_at_idx CREATE INDEX host_heartbeats_host_at_idx ON public.host_heartbeats USING btree (host_id, at)',
        'relation registry_audit_log_id_seq kind=S',
      ]),
    );
  });

  // Later chains first, as an operator taking a deployment apart would.
  it.each([...CHAIN_ORDER].reverse())('%s chain', async (chain) => {
    const versionTable = CHAINS[chain].migrationsTableName;
    const survivors = full.filter((line) => {
      const table = dumpLineTable(line);
      return !ownedBy(chain, table) || table === versionTable || table.startsWith(`${versionTable}_`);
    });

    const reverted = await migrateDownAll(chain, db.connection);
    expect(reverted).toEqual(chainMigrationNames(chain).reverse());

    // Only the chain's (now empty) version table is left, and no other chain lost anything.
    expect((await listTables(db)).filter((t) => ownedBy(chain, t))).toEqual([versionTable]);
    expect(await db.query(`SELECT "name" FROM "${versionTable}"`)).toEqual([]);
    expect(await dumpSchema(db)).toEqual(survivors);

    expect(await migrateUp(chain, db.connection)).toEqual(chainMigrationNames(chain));
    expect(await dumpSchema(db)).toEqual(full);
  });
});
