import {
  encodeMessage,
  MIGRATE_TENANT_SUBJECT,
  MIGRATOR_TENANT_VERSIONS_SUBJECT,
  MigrateTenantReply,
  TenantVersionsReply,
  validateMessage,
} from '@sysmanage/contracts';
import { OpenBaoClient } from '@sysmanage/openbao';
import { chainHead } from '@sysmanage/schema';
import {
  freePort,
  TestEnvironment,
  writeTestConfig,
  type NatsInstance,
  type OpenBaoInstance,
  type PgInstance,
} from '@sysmanage/testing';
import { writeTenantCredsPolicies } from '@sysmanage/tenancy';
import { connect, type NatsConnection } from 'nats';
import { chainMigrations } from '../chain/chain-migrations';
import { runCli, type CliRun } from '../__fixtures__/cli-harness';
import { licenseFiles } from '../__fixtures__/license-files';
import {
  bootstrapTestOpenBao,
  bootstrapTestServer,
  dynamicLogins,
  provisionTestTenant,
} from '../__fixtures__/tenant-provisioning';

jest.setTimeout(120_000);

const REGISTRY = 'sysmanage_registry';
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

describe('migrate-tenant responder in `serve` (real NATS, scram PostgreSQL, Vault)', () => {
  const env = new TestEnvironment();
  let control: PgInstance;
  let tenants: PgInstance;
  let bao: OpenBaoInstance;
  let nats: NatsInstance;
  let nc: NatsConnection;
  let port: number;
  const stop = new AbortController();
  let serving: Promise<CliRun>;
  const head = chainHead('tenant');

  async function tenantId(slug: string): Promise<string> {
    const [row] = await control.query<{ id: string }>(
      'SELECT id::text AS id FROM registry_tenants WHERE slug = $1',
      [slug],
      REGISTRY,
    );
    return row?.id ?? '';
  }

  /** A request; retried while the responder's subscription has not reached the server yet (no responders). */
  async function request(subject: string, payload: Uint8Array): Promise<Uint8Array> {
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        return (await nc.request(subject, payload, { timeout: 30_000 })).data;
      } catch (err) {
        if (!/no responders/i.test(String(err)) || Date.now() > until) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async function ask(payload: Uint8Array): Promise<MigrateTenantReply> {
    return validateMessage(MigrateTenantReply, await request(MIGRATE_TENANT_SUBJECT, payload));
  }

  beforeAll(async () => {
    [control, tenants, bao, nats] = await Promise.all([
      env.postgres({ name: 'mig-resp-control' }),
      env.postgres({ name: 'mig-resp-tenants' }),
      env.openBao(),
      env.nats(),
    ]);
    const root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
    await control.createDatabase(REGISTRY);
    port = await freePort();
    const approle = await bootstrapTestOpenBao(root);
    // The worker logs in with the migrator's own AppRole (least privilege).
    const config = writeTestConfig(
      {
        registry: { instance: control, database: REGISTRY },
        multitenancy: { enabled: true, ...licenseFiles() },
        vault: { url: bao.url },
        nats,
        apiPorts: { migrator: port },
      },
      { vault: { approle: { role_id: approle.roleId, secret_id_file: approle.secretIdFile } } },
    );
    expect((await runCli(['--config', config, '--no-tenants'])).code).toBe(0);
    await bootstrapTestServer(tenants, root);
    const registry = { pg: control, database: REGISTRY };
    await provisionTestTenant(tenants, root, registry, 'newco', { status: 'provisioning' });
    await provisionTestTenant(tenants, root, registry, 'frozen', { status: 'suspended' });
    // The provisioner grants the migrator a tenant's owner creds before it asks for the migration.
    await writeTenantCredsPolicies(root, ['newco', 'frozen']);
    serving = runCli(['serve', '--config', config], { signal: stop.signal });
    nc = await connect({ servers: nats.servers });
  });

  afterAll(async () => {
    await nc?.close();
    stop.abort();
    const result = await serving;
    await env.stopAll();
    expect(result.code).toBe(0);
    expect(result.out).toContain(MIGRATE_TENANT_SUBJECT);
    expect(result.out).toContain(MIGRATOR_TENANT_VERSIONS_SUBJECT);
  });

  it('migrates a provisioning tenant on request with an owner lease, records the version and replies', async () => {
    const id = await tenantId('newco');
    const reply = await ask(
      encodeMessage({ tenantId: id, slug: 'newco', jobId: '11111111-1111-4111-8111-111111111111' }),
    );
    expect(reply).toEqual({
      tenantId: id,
      ok: true,
      applied: chainMigrations('tenant').map((m) => m.name),
      version: head,
    });
    const owners = await tenants.query<{ tableowner: string }>(
      `SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`,
      [],
      'tenant_newco',
    );
    expect(owners).toEqual([{ tableowner: 'tenant_newco_owner' }]);
    const recorded = await control.query<{ version: string }>(
      `SELECT version FROM registry_tenant_db_versions WHERE tenant_id = $1 AND chain = 'tenant'`,
      [id],
      REGISTRY,
    );
    expect(recorded).toEqual([{ version: head }]);
    expect(await dynamicLogins(tenants)).toEqual([]);
  });

  it('a repeated request reads the database again and applies nothing', async () => {
    const id = await tenantId('newco');
    expect(await ask(encodeMessage({ tenantId: id, slug: 'newco' }))).toEqual({
      tenantId: id,
      ok: true,
      applied: [],
      version: head,
    });
  });

  it('malformed requests get an INVALID_REQUEST reply and the responder keeps serving', async () => {
    const notJson = await ask(new TextEncoder().encode('{not json'));
    expect(notJson).toMatchObject({ tenantId: NIL_UUID, ok: false, applied: [], version: null });
    expect(notJson.error?.code).toBe('INVALID_REQUEST');
    expect(notJson.error?.message).toMatch(/^MigrateTenantRequest is not valid JSON/);

    const id = await tenantId('newco');
    const badSlug = await ask(encodeMessage({ tenantId: id, slug: 'New-Co' }));
    expect(badSlug).toMatchObject({ tenantId: id, ok: false });
    expect(badSlug.error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'MigrateTenantRequest is invalid: slug must match ^[a-z][a-z0-9_]{0,39}$',
    });

    const health = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(health.status).toBe(200);
  });

  it('an unknown tenant, a slug that does not match the id, and a suspended tenant are refused with their codes', async () => {
    const unknown = '22222222-2222-4222-8222-222222222222';
    expect((await ask(encodeMessage({ tenantId: unknown, slug: 'ghost' }))).error).toEqual({
      code: 'TENANT_NOT_FOUND',
      message: `tenant ${unknown} has no placement in the registry`,
    });
    const id = await tenantId('newco');
    expect((await ask(encodeMessage({ tenantId: id, slug: 'other' }))).error).toEqual({
      code: 'TENANT_NOT_FOUND',
      message: `tenant ${id} is "newco", not "other"`,
    });
    const frozen = await tenantId('frozen');
    const reply = await ask(encodeMessage({ tenantId: frozen, slug: 'frozen' }));
    expect(reply).toMatchObject({ tenantId: frozen, ok: false, applied: [], version: null });
    expect(reply.error).toEqual({
      code: 'TENANT_NOT_MIGRATABLE',
      message:
        'tenant frozen is suspended; only provisioning, active, failed tenants are migrated on request',
    });
  });

  it('reads the actual tenant-chain version of each database on request, and says why a suspended one is not read', async () => {
    const [newco, frozen] = [await tenantId('newco'), await tenantId('frozen')];
    // Wipe the registry's record: the answer must come from the database itself.
    await control.query(`DELETE FROM registry_tenant_db_versions WHERE tenant_id = $1`, [newco], REGISTRY);
    const all = validateMessage(
      TenantVersionsReply,
      await request(MIGRATOR_TENANT_VERSIONS_SUBJECT, encodeMessage({})),
    );
    expect(all.versions).toEqual([
      { tenantId: frozen, version: null, error: 'tenant frozen is suspended; its database is not read' },
      { tenantId: newco, version: head },
    ]);
    const one = validateMessage(
      TenantVersionsReply,
      await request(MIGRATOR_TENANT_VERSIONS_SUBJECT, encodeMessage({ tenantIds: [newco] })),
    );
    expect(one.versions).toEqual([{ tenantId: newco, version: head }]);
    const invalid = validateMessage(
      TenantVersionsReply,
      await request(MIGRATOR_TENANT_VERSIONS_SUBJECT, encodeMessage({ tenantIds: ['nope'] })),
    );
    expect(invalid.versions).toEqual([]);
    // Reading left no login behind (each owner lease was revoked).
    expect(await dynamicLogins(tenants)).toEqual([]);
  });
});
