import { CHAINS, CHAIN_ORDER, type ChainName } from '@sysmanage/schema';
import { TestEnvironment, writeTestConfig, type PgInstance } from '@sysmanage/testing';
import { chainMigrations } from '../chain/chain-migrations';
import { runCli, tableNames, versionRows } from '../__fixtures__/cli-harness';

jest.setTimeout(120_000);

const VERSION_TABLES = CHAIN_ORDER.map((chain) => CHAINS[chain].migrationsTableName);
const known = (chain: ChainName): string[] =>
  chainMigrations(chain)
    .map((m) => m.name)
    .sort();

describe('sysmanage-migrate against a real PostgreSQL (collapsed mode)', () => {
  const env = new TestEnvironment();
  let pg: PgInstance;
  let seq = 0;

  /** A fresh, empty database and a config file pointing at it. */
  async function freshDatabase(
    opts: { separateShared?: boolean } = {},
  ): Promise<{ db: string; sharedDb: string; config: string }> {
    seq += 1;
    const db = `mig_${seq}`;
    const sharedDb = `mig_${seq}_shared`;
    await pg.createDatabase(db);
    const input: Parameters<typeof writeTestConfig>[0] = { registry: { instance: pg, database: db } };
    if (opts.separateShared === true) {
      await pg.createDatabase(sharedDb);
      input.shared = { instance: pg, database: sharedDb };
    }
    return { db, sharedDb, config: writeTestConfig(input) };
  }

  beforeAll(async () => {
    pg = await env.postgres({ name: 'migrator-cli' });
  });
  afterAll(() => env.stopAll());

  it('migrates an empty database: registry_*, shared_* and tenant tables plus the three version tables; a re-run is up to date', async () => {
    const { db, config } = await freshDatabase();
    const first = await runCli(['--config', config]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^migrated +\S+ @127\.0\.0\.1:\d+ \[registry, shared, tenant\]/m);
    expect(first.out).toMatch(/^1 database: 1 migrated, 0 up to date, 0 failed in \d+\.\d s\n$/m);

    const tables = await tableNames(pg, db);
    for (const table of VERSION_TABLES) expect(tables).toContain(table);
    expect(tables.some((t) => t.startsWith('registry_') && t !== 'registry_migrations')).toBe(true);
    expect(tables.some((t) => t.startsWith('shared_') && t !== 'shared_migrations')).toBe(true);
    expect(
      tables.some(
        (t) => !t.startsWith('registry_') && !t.startsWith('shared_') && !t.endsWith('_migrations'),
      ),
    ).toBe(true);
    for (const chain of CHAIN_ORDER) {
      expect(await versionRows(pg, db, CHAINS[chain].migrationsTableName)).toEqual(
        known(chain).map((name) => ({ name, n: 1 })),
      );
    }

    const second = await runCli(['--config', config]);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/^up to date +\S+ @127\.0\.0\.1:\d+ \[registry, shared, tenant\]/m);
    expect(second.out).toMatch(/1 database: 0 migrated, 1 up to date, 0 failed in/);
    for (const chain of CHAIN_ORDER) {
      expect(await versionRows(pg, db, CHAINS[chain].migrationsTableName)).toHaveLength(known(chain).length);
    }
  });

  it('two concurrent runs serialise on the advisory locks: both exit 0, every migration recorded once', async () => {
    const { db, config } = await freshDatabase();
    const [a, b] = await Promise.all([runCli(['--config', config]), runCli(['--config', config])]);
    expect([a.code, b.code, a.err, b.err]).toEqual([0, 0, '', '']);
    for (const chain of CHAIN_ORDER) {
      expect(await versionRows(pg, db, CHAINS[chain].migrationsTableName)).toEqual(
        known(chain).map((name) => ({ name, n: 1 })),
      );
    }
  });

  it('--dry-run lists pending migrations and leaves an empty database without a single table', async () => {
    const { db, config } = await freshDatabase();
    const dry = await runCli(['--config', config, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^pending +\S+ .*\[registry, shared, tenant\].* pending: /m);
    expect(dry.out).toContain(known('registry')[0]);
    expect(dry.out).toMatch(
      /1 database: 1 with pending migrations, 0 up to date, 0 failed in .* \(dry run: nothing applied\)/,
    );
    expect(await tableNames(pg, db)).toEqual([]);
  });

  it('with a shared: block the shared chain lands in that database and nothing shared_* in the bootstrap one', async () => {
    const { db, sharedDb, config } = await freshDatabase({ separateShared: true });
    const run = await runCli(['--config', config]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/2 databases: 2 migrated, 0 up to date, 0 failed in/);
    const boot = await tableNames(pg, db);
    const shared = await tableNames(pg, sharedDb);
    expect(boot.filter((t) => t.startsWith('shared_'))).toEqual([]);
    expect(boot).toEqual(expect.arrayContaining(['registry_migrations', 'tenant_migrations']));
    expect(shared).toContain('shared_migrations');
    expect(shared.every((t) => t.startsWith('shared_'))).toBe(true);
    expect(shared.length).toBeGreaterThan(1);
  });

  it('--status shows current, head and pending per chain, before and after; status changes nothing', async () => {
    const { db, config } = await freshDatabase();
    const before = await runCli(['--config', config, '--status']);
    expect(before.code).toBe(0);
    const lines = before.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^DATABASE +TENANT +SERVER +CHAIN +CURRENT +HEAD +PENDING$/);
    for (const chain of CHAIN_ORDER) {
      const head = chainMigrations(chain).at(-1)?.name as string;
      expect(before.out).toMatch(
        new RegExp(`^${db} +- +\\S+ +${chain} +\\(none\\) +${head} +${known(chain).length}$`, 'm'),
      );
    }
    expect(await tableNames(pg, db)).toEqual([]);

    expect((await runCli(['--config', config])).code).toBe(0);
    const after = await runCli(['status', '--config', config, '--json']);
    expect(after.code).toBe(0);
    const doc = JSON.parse(after.out) as {
      command: string;
      multitenancy: boolean;
      databases: Array<{
        database: string;
        status: string;
        chains: Array<{ chain: string; current: string; head: string; pendingCount: number }>;
      }>;
      exitCode: number;
    };
    expect(doc).toMatchObject({ command: 'status', multitenancy: false, exitCode: 0 });
    expect(doc.databases).toHaveLength(1);
    expect(doc.databases[0]).toMatchObject({ database: db, status: 'ok' });
    expect(doc.databases[0]?.chains.map((c) => [c.chain, c.current === c.head, c.pendingCount])).toEqual([
      ['registry', true, 0],
      ['shared', true, 0],
      ['tenant', true, 0],
    ]);
  });

  it('--json prints one document with every database result and the summary', async () => {
    const { db, config } = await freshDatabase();
    const run = await runCli(['--config', config, '--json', '--no-tenants']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.out) as Record<string, unknown>;
    expect(doc).toMatchObject({
      command: 'up',
      dryRun: false,
      multitenancy: false,
      fanOut: { ran: false, reason: 'multitenancy disabled', error: null },
      summary: { total: 1, migrated: 1, upToDate: 0, pending: 0, failed: 0, skipped: 0 },
      exitCode: 0,
    });
    const [result] = doc['databases'] as Array<Record<string, unknown>>;
    expect(result).toMatchObject({
      database: db,
      tenant: null,
      chains: ['registry', 'shared'],
      status: 'migrated',
      error: null,
    });
    expect(result?.['applied']).toEqual(
      [...chainMigrations('registry'), ...chainMigrations('shared')].map((m) => m.name),
    );
    expect(typeof result?.['durationMs']).toBe('number');
    expect((await tableNames(pg, db)).includes('tenant_migrations')).toBe(false);
  });

  it('a database that cannot be reached fails its target: exit 1, the error in the result line', async () => {
    const config = writeTestConfig({ registry: { instance: pg, database: 'does_not_exist' } });
    const run = await runCli(['--config', config]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(
      /^FAILED +does_not_exist .*cannot connect to does_not_exist on 127\.0\.0\.1:\d+: database "does_not_exist" does not exist/m,
    );
    expect(run.out).toMatch(/1 database: 0 migrated, 0 up to date, 1 failed in/);
  });

  it('registry.port: abc stops at startup naming the key (non-zero exit, nothing run)', async () => {
    const config = writeTestConfig({ registry: pg }, { registry: { port: 'abc' } });
    for (const argv of [
      ['--config', config],
      ['status', '--config', config],
      ['serve', '--config', config],
    ]) {
      const run = await runCli(argv);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(/^ConfigError: .*registry\.port/);
      expect(run.out).toBe('');
    }
  });

  it('multi-tenancy without a license refuses to run: LicensingError naming MULTITENANT_SAAS', async () => {
    const config = writeTestConfig({
      registry: pg,
      multitenancy: {
        enabled: true,
        licenseFile: '/nonexistent/license.json',
        licensePublicKeyFile: '/nonexistent/license.pub',
      },
      vault: { url: 'http://127.0.0.1:1', token: 'unused' },
    });
    for (const argv of [
      ['--config', config],
      ['--status', '--config', config],
      ['serve', '--config', config],
    ]) {
      const run = await runCli(argv);
      expect(run.code).not.toBe(0);
      expect(run.code).toBe(3);
      expect(run.err).toContain('LicensingError');
      expect(run.err).toContain('MULTITENANT_SAAS');
      expect(run.out).toBe('');
    }
  });

  it('lint over the real schema migrations passes', async () => {
    const run = await runCli(['lint']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^lint: \d+ migration files?, no destructive statements\n$/);
  });
});
