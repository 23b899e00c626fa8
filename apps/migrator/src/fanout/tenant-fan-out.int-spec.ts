import { CHAINS } from '@sysmanage/schema';
import { TestEnvironment, writeTestConfig, type PgInstance } from '@sysmanage/testing';
import { chainMigrations } from '../chain/chain-migrations';
import type { MigratorDependencies } from '../cli/cli-io';
import { runCli, tableNames, versionRows } from '../__fixtures__/cli-harness';
import type { TenantCredentialProvider } from '../plan/tenant-credential-provider';
import type { TenantPlacement } from '../plan/tenant-target-source';
import { seedTenantPlacement } from '../__fixtures__/registry-seed';
import { licenseFiles } from '../__fixtures__/license-files';

jest.setTimeout(120_000);

interface UpDocument {
  databases: Array<{
    database: string;
    tenant: string | null;
    chains: string[];
    status: string;
    applied: string[];
    error: string | null;
    errorCode: string | null;
  }>;
  fanOut: { ran: boolean; reason: string | null; error: string | null };
  summary: Record<string, number>;
  exitCode: number;
}

// The tests below are one operator story in order (alpha is migrated by one test and up to date in the next).
describe('tenant fan-out with multi-tenancy on (real PostgreSQL, licensed)', () => {
  const env = new TestEnvironment();
  let control: PgInstance;
  let tenants: PgInstance;
  let config: string;
  const leased: string[] = [];
  const released: string[] = [];

  /** Stands in for the OpenBAO provider: superuser access to the tenant server, recording lease and release. */
  const superuserCredentials: TenantCredentialProvider = {
    async leaseFor(tenant: TenantPlacement) {
      leased.push(tenant.slug);
      return {
        clientConfig: { ...tenants.clientConfig(tenant.databaseName), connectionTimeoutMillis: 5_000 },
        release: async () => {
          released.push(tenant.slug);
        },
      };
    },
  };
  const withCredentials: MigratorDependencies = { credentialProvider: () => superuserCredentials };
  const tenantChain = chainMigrations('tenant').map((m) => m.name);

  beforeAll(async () => {
    [control, tenants] = await Promise.all([
      env.postgres({ name: 'mig-control' }),
      env.postgres({ name: 'mig-tenants' }),
    ]);
    await control.createDatabase('sysmanage_registry');
    config = writeTestConfig({
      registry: { instance: control, database: 'sysmanage_registry' },
      multitenancy: { enabled: true, ...licenseFiles() },
      vault: { url: 'http://127.0.0.1:1', token: 'unused-in-this-issue' },
    });
    // The control plane first: the placements live in registry tables.
    const first = await runCli(['--config', config, '--json']);
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.out) as UpDocument;
    expect(doc.databases.map((d) => [d.database, d.chains, d.status])).toEqual([
      ['sysmanage_registry', ['registry', 'shared'], 'migrated'],
    ]);
    expect(doc.fanOut).toEqual({ ran: true, reason: null, error: null });
    // Host data never lands in the bootstrap database.
    expect(await tableNames(control, 'sysmanage_registry')).not.toContain(CHAINS.tenant.migrationsTableName);

    for (const slug of ['alpha', 'bravo', 'charlie']) await tenants.createDatabase(`tenant_${slug}`);
    for (const slug of ['alpha', 'bravo', 'charlie', 'delta']) {
      await seedTenantPlacement(control, 'sysmanage_registry', {
        slug,
        status: 'active',
        host: tenants.host,
        port: tenants.port,
        databaseName: `tenant_${slug}`,
      });
    }
    // Not migrated by a bulk run: its database is still being provisioned.
    await seedTenantPlacement(control, 'sysmanage_registry', {
      slug: 'echo',
      status: 'provisioning',
      host: tenants.host,
      port: tenants.port,
      databaseName: 'tenant_echo',
    });
  });
  afterAll(() => env.stopAll());

  beforeEach(() => {
    leased.length = 0;
    released.length = 0;
  });

  it('with OpenBAO unreachable every tenant database fails loudly, naming it; nothing falls back to the bootstrap database', async () => {
    const run = await runCli(['--config', config, '--tenants-only']);
    expect(run.code).toBe(1);
    for (const slug of ['alpha', 'bravo', 'charlie', 'delta']) {
      expect(run.out).toMatch(
        new RegExp(
          `^FAILED +tenant_${slug} \\(tenant ${slug}\\) .*cannot lease tenant-${slug}-owner from OpenBAO at http://127.0.0.1:1 for tenant_${slug} on \\S+: .*(ECONNREFUSED|unreachable)`,
          'mi',
        ),
      );
    }
    expect(run.out).not.toContain('tenant_echo');
    expect(run.out).toMatch(/4 databases: 0 migrated, 0 up to date, 4 failed in/);
    expect(await tableNames(tenants, 'tenant_alpha')).toEqual([]);
    expect(await tableNames(control, 'sysmanage_registry')).not.toContain('tenant_migrations');
  });

  it('--tenant restricts the fan-out; an unknown slug fails on its own while the others migrate', async () => {
    const run = await runCli(
      ['--config', config, '--tenants-only', '--tenant', 'alpha', '--tenant', 'ghost', '--json'],
      { deps: withCredentials },
    );
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.out) as UpDocument;
    expect(doc.databases.map((d) => [d.tenant, d.status, d.errorCode])).toEqual([
      ['alpha', 'migrated', null],
      ['ghost', 'failed', 'UNKNOWN_TENANT'],
    ]);
    expect(doc.databases[0]?.applied).toEqual(tenantChain);
    expect(leased).toEqual(['alpha']);
    expect(released).toEqual(['alpha']);
    expect(await versionRows(tenants, 'tenant_alpha', 'tenant_migrations')).toEqual(
      [...tenantChain].sort().map((name) => ({ name, n: 1 })),
    );
    expect(await tableNames(tenants, 'tenant_bravo')).toEqual([]);
  });

  it('a failing tenant database does not stop the others; exit 1 and a per-database line each', async () => {
    // delta has a placement but no database: it fails; alpha is recorded at head (no lease), bravo and charlie migrate.
    const run = await runCli(['--config', config, '--concurrency', '2'], { deps: withCredentials });
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^up to date +sysmanage_registry .*\[registry, shared\]/m);
    expect(run.out).toMatch(
      new RegExp(
        `^up to date +tenant_alpha \\(tenant alpha\\) .* registry records ${tenantChain.at(-1)}$`,
        'm',
      ),
    );
    expect(run.out).toMatch(/^migrated +tenant_bravo \(tenant bravo\)/m);
    expect(run.out).toMatch(/^migrated +tenant_charlie \(tenant charlie\)/m);
    expect(run.out).toMatch(
      /^FAILED +tenant_delta \(tenant delta\) .*database "tenant_delta" does not exist/m,
    );
    expect(run.out).toMatch(/5 databases: 2 migrated, 2 up to date, 1 failed in/);
    expect([...released].sort()).toEqual(['bravo', 'charlie', 'delta']);
    for (const slug of ['bravo', 'charlie']) {
      expect(await versionRows(tenants, `tenant_${slug}`, 'tenant_migrations')).toHaveLength(
        tenantChain.length,
      );
    }
  });

  it('the failure budget halts the fan-out early and reports the rest as skipped', async () => {
    const failing: TenantCredentialProvider = {
      async leaseFor(tenant) {
        leased.push(tenant.slug);
        throw new Error(`lease refused for ${tenant.slug}`);
      },
    };
    // --verify: without it alpha..charlie are up to date by their registry record and never lease.
    const run = await runCli(
      [
        '--config',
        config,
        '--tenants-only',
        '--verify',
        '--concurrency',
        '1',
        '--failure-budget',
        '2',
        '--json',
      ],
      {
        deps: { credentialProvider: () => failing },
      },
    );
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.out) as UpDocument;
    expect(doc.databases.map((d) => [d.tenant, d.status, d.error])).toEqual([
      ['alpha', 'failed', 'lease refused for alpha'],
      ['bravo', 'failed', 'lease refused for bravo'],
      ['charlie', 'skipped', 'failure budget of 2 reached'],
      ['delta', 'skipped', 'failure budget of 2 reached'],
    ]);
    expect(leased).toEqual(['alpha', 'bravo']);
    expect(doc.summary).toMatchObject({ total: 4, failed: 2, skipped: 2 });
  });

  it('status covers the control plane and every tenant database', async () => {
    const run = await runCli(['status', '--config', config, '--tenant', 'bravo', '--tenant', 'delta'], {
      deps: withCredentials,
    });
    expect(run.code).toBe(1);
    const head = tenantChain.at(-1) as string;
    expect(run.out).toMatch(new RegExp(`^tenant_bravo +bravo +\\S+ +tenant +${head} +${head} +0$`, 'm'));
    expect(run.out).toMatch(/^tenant_delta +delta +\S+ +- +ERROR/m);
    expect(run.out).toMatch(/^sysmanage_registry +- +\S+ +registry /m);
  });
});
