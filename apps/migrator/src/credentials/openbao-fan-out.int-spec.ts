import { OpenBaoClient } from '@sysmanage/openbao';
import { chainHead } from '@sysmanage/schema';
import { TestEnvironment, writeTestConfig, type OpenBaoInstance, type PgInstance } from '@sysmanage/testing';
import { chainMigrations } from '../chain/chain-migrations';
import type { MigratorDependencies } from '../cli/cli-io';
import { runCli, tableNames } from '../__fixtures__/cli-harness';
import { licenseFiles } from '../__fixtures__/license-files';
import { writeTenantCredsPolicies } from '@sysmanage/tenancy';
import {
  bootstrapTestOpenBao,
  bootstrapTestServer,
  dynamicLogins,
  provisionTestTenant,
} from '../__fixtures__/tenant-provisioning';
import type { TenantCredentialProvider } from '../plan/tenant-credential-provider';
import { defaultCredentialProvider } from './default-credential-provider';

jest.setTimeout(180_000);

const REGISTRY = 'sysmanage_registry';

interface UpDocument {
  databases: Array<{
    database: string;
    tenant: string | null;
    status: string;
    applied: string[];
    version: string | null;
    checked: string | null;
    error: string | null;
    errorCode: string | null;
  }>;
  summary: Record<string, number>;
  exitCode: number;
}

// One operator story in order: provision, fan out, run again (nothing to do), suspend, lose a server.
describe('tenant fan-out with OpenBAO owner leases (real scram PostgreSQL x3, Vault)', () => {
  const env = new TestEnvironment();
  let control: PgInstance;
  let east: PgInstance;
  let west: PgInstance;
  let bao: OpenBaoInstance;
  let root: OpenBaoClient;
  let config: string;
  const head = chainHead('tenant');
  const tenantChain = chainMigrations('tenant').map((m) => m.name);
  /** Slugs leased through the real default provider during one run. */
  const leased: string[] = [];
  const counting: MigratorDependencies = {
    credentialProvider: (cfg) => {
      const inner = defaultCredentialProvider(cfg.vault);
      const provider: TenantCredentialProvider = {
        leaseFor: (tenant) => {
          leased.push(tenant.slug);
          return inner.leaseFor(tenant);
        },
        close: () => inner.close?.() ?? Promise.resolve(),
      };
      return provider;
    },
  };
  const registry = (): { pg: PgInstance; database: string } => ({ pg: control, database: REGISTRY });
  const granted: string[] = [];

  /** Provisions a tenant and, as the provisioner does, grants the migrator its owner creds path. */
  async function provision(
    pg: PgInstance,
    slug: string,
    opts: Parameters<typeof provisionTestTenant>[4] = {},
  ): Promise<void> {
    await provisionTestTenant(pg, root, registry(), slug, opts);
    granted.push(slug);
    await writeTenantCredsPolicies(root, granted);
  }

  async function recordedVersions(): Promise<Record<string, string>> {
    const rows = await control.query<{ slug: string; version: string }>(
      `SELECT t.slug, v.version FROM registry_tenant_db_versions v JOIN registry_tenants t ON t.id = v.tenant_id
        WHERE v.chain = 'tenant' ORDER BY t.slug`,
      [],
      REGISTRY,
    );
    return Object.fromEntries(rows.map((r) => [r.slug, r.version]));
  }

  async function owners(pg: PgInstance, database: string): Promise<string[]> {
    const rows = await pg.query<{ owner: string }>(
      `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'i', 'p') ORDER BY 1`,
      [],
      database,
    );
    return rows.map((r) => r.owner);
  }

  beforeAll(async () => {
    [control, east, west, bao] = await Promise.all([
      env.postgres({ name: 'mig-bao-control' }),
      env.postgres({ name: 'mig-bao-east' }),
      env.postgres({ name: 'mig-bao-west' }),
      env.openBao(),
    ]);
    root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
    await control.createDatabase(REGISTRY);
    const approle = await bootstrapTestOpenBao(root);
    // The migrator logs in with its own AppRole: sysmanage-migrator + sysmanage-migrator-tenants, nothing else.
    config = writeTestConfig(
      {
        registry: { instance: control, database: REGISTRY },
        multitenancy: { enabled: true, ...licenseFiles() },
        vault: { url: bao.url },
      },
      { vault: { approle: { role_id: approle.roleId, secret_id_file: approle.secretIdFile } } },
    );
    const first = await runCli(['--config', config, '--no-tenants']);
    expect(first.code).toBe(0);
    await Promise.all([bootstrapTestServer(east, root), bootstrapTestServer(west, root)]);
    await provision(east, 'acme');
    await provision(west, 'bravo');
  });
  afterAll(() => env.stopAll());
  beforeEach(() => {
    leased.length = 0;
  });

  it('migrates both tenants with leased owner credentials: objects owned by tenant_<slug>_owner, versions recorded, leases revoked', async () => {
    // The default wiring, nothing injected: OpenBaoTenantCredentialProvider from the vault: block.
    const run = await runCli(['--config', config, '--tenants-only', '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.out) as UpDocument;
    expect(doc.databases.map((d) => [d.tenant, d.status, d.applied, d.version, d.checked])).toEqual([
      ['acme', 'migrated', tenantChain, head, 'database'],
      ['bravo', 'migrated', tenantChain, head, 'database'],
    ]);
    expect(await tableNames(east, 'tenant_acme')).toContain('hosts');
    expect(await owners(east, 'tenant_acme')).toEqual(['tenant_acme_owner']);
    expect(await owners(west, 'tenant_bravo')).toEqual(['tenant_bravo_owner']);
    // Default privileges reach the tables the migrations created: DML for the app group, no DDL.
    const [grants] = await east.query<{ dml: boolean; ddl: boolean }>(
      `SELECT has_table_privilege('tenant_acme_app', 'hosts', 'INSERT') AND has_table_privilege('tenant_acme_app', 'hosts', 'DELETE') AS dml,
              has_schema_privilege('tenant_acme_app', 'public', 'CREATE') AS ddl`,
      [],
      'tenant_acme',
    );
    expect(grants).toEqual({ dml: true, ddl: false });
    expect(await recordedVersions()).toEqual({ acme: head, bravo: head });
    // release() revoked each lease: OpenBAO's revocation dropped the short-lived logins.
    expect(await dynamicLogins(east)).toEqual([]);
    expect(await dynamicLogins(west)).toEqual([]);
  });

  it('the migrator sets the owner group role itself: a dynamic role without ALTER ROLE ... SET role still creates group-owned objects', async () => {
    await provision(east, 'echo', { alterRoleSetRole: false });
    const run = await runCli(['--config', config, '--tenants-only', '--tenant', 'echo']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^migrated +tenant_echo \(tenant echo\)/m);
    expect(await owners(east, 'tenant_echo')).toEqual(['tenant_echo_owner']);
    // Had the login owned anything, OpenBAO's DROP ROLE would have failed and left it behind.
    expect(await dynamicLogins(east)).toEqual([]);
    await control.query(`UPDATE registry_tenants SET status = 'deleted' WHERE slug = 'echo'`, [], REGISTRY);
  });

  it('least privilege: a tenant missing from sysmanage-migrator-tenants is refused by OpenBAO and fails, named', async () => {
    await provisionTestTenant(east, root, registry(), 'stranger');
    const run = await runCli(['--config', config, '--tenants-only', '--tenant', 'stranger']);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(
      /^FAILED +tenant_stranger \(tenant stranger\) .*cannot lease tenant-stranger-owner from OpenBAO at \S+ for tenant_stranger on \S+: .*permission denied/m,
    );
    expect(await tableNames(east, 'tenant_stranger')).toEqual([]);
    await control.query(
      `UPDATE registry_tenants SET status = 'deleted' WHERE slug = 'stranger'`,
      [],
      REGISTRY,
    );
  });

  it('a second run reports every tenant up to date from the registry record and leases nothing', async () => {
    const run = await runCli(['--config', config, '--tenants-only'], { deps: counting });
    expect(run.code).toBe(0);
    expect(leased).toEqual([]);
    expect(run.out).toMatch(
      new RegExp(`^up to date +tenant_acme \\(tenant acme\\) .* registry records ${head}$`, 'm'),
    );
    expect(run.out).toMatch(
      new RegExp(`^up to date +tenant_bravo \\(tenant bravo\\) .* registry records ${head}$`, 'm'),
    );
    expect(run.out).toMatch(/2 databases: 0 migrated, 2 up to date, 0 failed in/);
  });

  it('--verify leases and reads each database, still up to date', async () => {
    const run = await runCli(['--config', config, '--tenants-only', '--verify', '--json'], {
      deps: counting,
    });
    expect(run.code).toBe(0);
    expect([...leased].sort()).toEqual(['acme', 'bravo']);
    const doc = JSON.parse(run.out) as UpDocument;
    expect(doc.databases.map((d) => [d.tenant, d.status, d.checked, d.version])).toEqual([
      ['acme', 'up-to-date', 'database', head],
      ['bravo', 'up-to-date', 'database', head],
    ]);
    expect(await dynamicLogins(east)).toEqual([]);
  });

  it('a suspended tenant is reported as skipped with the reason, and does not fail the run', async () => {
    await provision(east, 'sleepy', { status: 'suspended' });
    const run = await runCli(['--config', config, '--tenants-only'], { deps: counting });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      /^skipped +tenant_sleepy \(tenant sleepy\) .* tenant suspended: CONNECT is revoked for its roles; it is migrated after it is resumed$/m,
    );
    expect(leased).toEqual([]);
    await control.query(`UPDATE registry_tenants SET status = 'deleted' WHERE slug = 'sleepy'`, [], REGISTRY);
  });

  it('with one tenant server down: that tenant fails, named, the other migrates; exit 1', async () => {
    await provision(east, 'charlie');
    await provision(west, 'delta');
    await west.stop({ keepData: true });
    try {
      const run = await runCli(['--config', config, '--tenants-only'], { deps: counting });
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/^migrated +tenant_charlie \(tenant charlie\)/m);
      expect(run.out).toMatch(
        /^FAILED +tenant_delta \(tenant delta\) .*cannot lease tenant-delta-owner from OpenBAO at \S+ for tenant_delta on/m,
      );
      // bravo lives on the stopped server too, but its registry record says head: no connection is tried (see README).
      expect(run.out).toMatch(/^up to date +tenant_bravo \(tenant bravo\)/m);
      expect(run.out).toMatch(/4 databases: 1 migrated, 2 up to date, 1 failed in/);
      expect(await recordedVersions()).toEqual({ acme: head, bravo: head, charlie: head, echo: head });
      expect(await owners(east, 'tenant_charlie')).toEqual(['tenant_charlie_owner']);
    } finally {
      await west.start();
    }
    const again = await runCli(['--config', config, '--tenants-only', '--tenant', 'delta']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^migrated +tenant_delta \(tenant delta\)/m);
  });
});
