import { getMetadataArgsStorage } from 'typeorm';
import { TestEnvironment } from '@sysmanage/testing';
import { migrateUp } from './__fixtures__/migrate';
import { startScratchDatabase, type ScratchDatabase } from './__fixtures__/scratch-database';
import { CHAIN_ORDER, CHAINS, type ChainName } from './index';

interface ForeignKeyRow {
  name: string;
  fromTable: string;
  toTable: string;
}

/** Every relation a chain owns that carries a name agents of other partitions could collide with. */
async function namedRelations(db: ScratchDatabase): Promise<Set<string>> {
  const rows = await db.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`);
  return new Set(rows.map((r) => r.name));
}

/** Foreign keys whose two tables were not created by the same chain (or by no known chain). */
async function crossingKeys(db: ScratchDatabase, createdBy: ReadonlyMap<string, ChainName>) {
  const keys = await db.query<ForeignKeyRow>(`
    SELECT k.conname AS name, f.relname AS "fromTable", t.relname AS "toTable"
      FROM pg_constraint k
      JOIN pg_class f ON f.oid = k.conrelid
      JOIN pg_class t ON t.oid = k.confrelid
     WHERE k.contype = 'f'`);
  const crossing = keys
    .map((k) => ({ ...k, from: createdBy.get(k.fromTable), to: createdBy.get(k.toTable) }))
    .filter((k) => k.from === undefined || k.from !== k.to);
  return { total: keys.length, crossing };
}

function entityTables(chain: ChainName): string[] {
  const targets = new Set<unknown>(CHAINS[chain].entities);
  return getMetadataArgsStorage()
    .tables.filter((t) => targets.has(t.target))
    .map((t) => t.name ?? '')
    .sort();
}

describe('partitions: collapsed mode (all three chains in one database)', () => {
  const env = new TestEnvironment();
  let db: ScratchDatabase;
  /** relation name -> the chain whose migrations created it, observed by applying the chains one at a time. */
  const createdBy = new Map<string, ChainName>();

  beforeAll(async () => {
    db = await startScratchDatabase(env, 'partitions');
    for (const chain of CHAIN_ORDER) {
      const before = await namedRelations(db);
      const applied = await migrateUp(chain, db.connection);
      expect(applied.length).toBe(CHAINS[chain].migrations.length);
      for (const name of await namedRelations(db)) {
        if (!before.has(name)) createdBy.set(name, chain);
      }
    }
  });
  afterAll(() => env.stopAll());

  it('the registry chain creates only registry_ relations, its version table included', () => {
    const names = [...createdBy].filter(([, chain]) => chain === 'registry').map(([name]) => name);
    expect(names).toContain('registry_migrations');
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !n.startsWith('registry_'))).toEqual([]);
  });

  it('the shared chain creates only shared_ relations, its version table included', () => {
    const names = [...createdBy].filter(([, chain]) => chain === 'shared').map(([name]) => name);
    expect(names).toContain('shared_migrations');
    expect(names.filter((n) => !n.startsWith('shared_'))).toEqual([]);
  });

  it('the tenant chain creates no registry_ or shared_ relation, and exactly `hosts` for hosts', () => {
    const names = [...createdBy].filter(([, chain]) => chain === 'tenant').map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['tenant_migrations', 'hosts']));
    expect(names.filter((n) => n.startsWith('registry_') || n.startsWith('shared_'))).toEqual([]);
  });

  it.each(CHAIN_ORDER)(
    '%s chain: its tables are exactly its entities plus its version table',
    async (chain) => {
      const tables = await db.query<{ name: string }>(`
      SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`);
      const created = tables.map((t) => t.name).filter((name) => createdBy.get(name) === chain);
      expect(created.sort()).toEqual([...entityTables(chain), CHAINS[chain].migrationsTableName].sort());
    },
  );

  it('no foreign key crosses a partition (partition taken from the creating chain, not the name)', async () => {
    const { total, crossing } = await crossingKeys(db, createdBy);
    // The schema has keys within registry and within tenant; none at all would prove nothing.
    expect(total).toBeGreaterThanOrEqual(8);
    expect(crossing).toEqual([]);
  });

  it('the check reports a key from a tenant-partition table to a registry table', async () => {
    // An unprefixed table that does not look like a registry table by name.
    await db.query(
      `CREATE TABLE "probe_notes" ("tenant_id" uuid CONSTRAINT "probe_notes_tenant_fkey" REFERENCES "registry_tenants" ("id"))`,
    );
    try {
      const withProbe = new Map(createdBy).set('probe_notes', 'tenant');
      const { crossing } = await crossingKeys(db, withProbe);
      expect(crossing).toEqual([
        {
          name: 'probe_notes_tenant_fkey',
          fromTable: 'probe_notes',
          toTable: 'registry_tenants',
          from: 'tenant',
          to: 'registry',
        },
      ]);
    } finally {
      await db.query(`DROP TABLE "probe_notes"`);
    }
  });
});
