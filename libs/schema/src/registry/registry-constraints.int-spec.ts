import { createHash } from 'node:crypto';
import { TestEnvironment } from '@sysmanage/testing';
import { migrateUp } from '../__fixtures__/migrate';
import { checkViolation, foreignKeyViolation, uniqueViolation } from '../__fixtures__/pg-violation';
import { startScratchDatabase, type ScratchDatabase } from '../__fixtures__/scratch-database';
import { TENANT_SLUG_PATTERN } from '../index';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('registry constraints', () => {
  const env = new TestEnvironment();
  let db: ScratchDatabase;

  async function tenant(slug: string): Promise<string> {
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO "registry_tenants" ("slug", "name") VALUES ($1, $1) RETURNING "id"`,
      [slug],
    );
    return row!.id;
  }

  async function server(name: string): Promise<string> {
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO "registry_database_servers" ("name", "host", "region", "jurisdiction", "capacity") VALUES ($1, '127.0.0.1', 'eu-west', 'EU', 10) RETURNING "id"`,
      [name],
    );
    return row!.id;
  }

  beforeAll(async () => {
    db = await startScratchDatabase(env, 'registry');
    await migrateUp('registry', db.connection);
  });
  afterAll(() => env.stopAll());

  it('tenant defaults: pending status, standard edition, empty limits and settings', async () => {
    const id = await tenant('defaults_co');
    const [row] = await db.query(
      `SELECT "status", "edition", "limits", "settings" FROM "registry_tenants" WHERE "id" = $1`,
      [id],
    );
    expect(row).toEqual({ status: 'pending', edition: 'standard', limits: {}, settings: {} });
  });

  it.each(['Acme', '1acme', 'acme-co', 'a'.repeat(41)])(
    'the slug CHECK refuses %j, like TENANT_SLUG_PATTERN',
    async (slug) => {
      expect(TENANT_SLUG_PATTERN.test(slug)).toBe(false);
      await expect(tenant(slug)).rejects.toMatchObject(checkViolation('registry_tenants_slug_check'));
    },
  );

  it('slugs are unique and the status is one of the lifecycle states', async () => {
    const id = await tenant('unique_co');
    await expect(tenant('unique_co')).rejects.toMatchObject(uniqueViolation('registry_tenants_slug_key'));
    await expect(
      db.query(`UPDATE "registry_tenants" SET "status" = 'archived' WHERE "id" = $1`, [id]),
    ).rejects.toMatchObject(checkViolation('registry_tenants_status_check'));
  });

  it('an enrollment token can never be used more often than max_uses, even by a blind increment', async () => {
    const tenantId = await tenant('token_co');
    const [token] = await db.query<{ id: string }>(
      `INSERT INTO "registry_enrollment_tokens" ("tenant_id", "token_hash", "prefix", "max_uses") VALUES ($1, $2, 'smt_ab', 2) RETURNING "id"`,
      [tenantId, sha256('token-1')],
    );
    const consume = `UPDATE "registry_enrollment_tokens" SET "uses" = "uses" + 1 WHERE "id" = $1`;
    await db.query(consume, [token!.id]);
    await db.query(consume, [token!.id]);
    await expect(db.query(consume, [token!.id])).rejects.toMatchObject(
      checkViolation('registry_enrollment_tokens_uses_check'),
    );
    await expect(
      db.query(
        `INSERT INTO "registry_enrollment_tokens" ("tenant_id", "token_hash", "prefix") VALUES ($1, 'not-a-hash', 'x')`,
        [tenantId],
      ),
    ).rejects.toMatchObject(checkViolation('registry_enrollment_tokens_token_hash_check'));
  });

  it('a machine enrolls once per tenant; a second tenant may hold the same machine id', async () => {
    const a = await tenant('machines_a');
    const b = await tenant('machines_b');
    const insert = `INSERT INTO "registry_host_index" ("tenant_id", "machine_id", "credential_hash") VALUES ($1, 'm-1', $2)`;
    await db.query(insert, [a, sha256('c1')]);
    await db.query(insert, [b, sha256('c2')]);
    await expect(db.query(insert, [a, sha256('c3')])).rejects.toMatchObject(
      uniqueViolation('registry_host_index_tenant_machine_key'),
    );
  });

  it('a server with placements cannot be deleted; purging a tenant takes its placement, tokens and hosts along', async () => {
    const serverId = await server('pg-eu-1');
    const tenantId = await tenant('placed_co');
    await db.query(
      `INSERT INTO "registry_placements" ("tenant_id", "server_id", "database_name", "owner_role", "app_role", "vault_app_role", "vault_owner_role", "region", "jurisdiction")
       VALUES ($1, $2, 'tenant_placed_co', 'tenant_placed_co_owner', 'tenant_placed_co_app', 'tenant-placed_co-app', 'tenant-placed_co-owner', 'eu-west', 'EU')`,
      [tenantId, serverId],
    );
    await db.query(
      `INSERT INTO "registry_host_index" ("tenant_id", "machine_id", "credential_hash") VALUES ($1, 'm-9', $2)`,
      [tenantId, sha256('c9')],
    );
    await expect(
      db.query(`DELETE FROM "registry_database_servers" WHERE "id" = $1`, [serverId]),
    ).rejects.toMatchObject(foreignKeyViolation('registry_placements_server_id_fkey'));
    await db.query(`DELETE FROM "registry_tenants" WHERE "id" = $1`, [tenantId]);
    const [left] = await db.query<{ placements: string; hosts: string }>(
      `SELECT (SELECT count(*) FROM "registry_placements" WHERE "tenant_id" = $1)::text AS placements,
              (SELECT count(*) FROM "registry_host_index" WHERE "tenant_id" = $1)::text AS hosts`,
      [tenantId],
    );
    expect(left).toEqual({ placements: '0', hosts: '0' });
  });

  it('a placement refuses a database name that is not a safe identifier', async () => {
    const serverId = await server('pg-eu-2');
    const tenantId = await tenant('unsafe_co');
    await expect(
      db.query(
        `INSERT INTO "registry_placements" ("tenant_id", "server_id", "database_name", "owner_role", "app_role", "vault_app_role", "vault_owner_role", "region", "jurisdiction")
         VALUES ($1, $2, 'tenant"; DROP', 'o', 'a', 'va', 'vo', 'eu-west', 'EU')`,
        [tenantId, serverId],
      ),
    ).rejects.toMatchObject(checkViolation('registry_placements_identifiers_check'));
  });

  it('at most one open provisioning job per tenant; a finished one does not block the next', async () => {
    const tenantId = await tenant('jobs_co');
    const open = `INSERT INTO "registry_provisioning_jobs" ("tenant_id", "kind") VALUES ($1, $2) RETURNING "id"`;
    const [first] = await db.query<{ id: string }>(open, [tenantId, 'provision']);
    await expect(db.query(open, [tenantId, 'suspend'])).rejects.toMatchObject(
      uniqueViolation('registry_provisioning_jobs_one_open_per_tenant'),
    );
    await db.query(
      `UPDATE "registry_provisioning_jobs" SET "status" = 'succeeded', "finished_at" = now() WHERE "id" = $1`,
      [first!.id],
    );
    await expect(db.query(open, [tenantId, 'suspend'])).resolves.toHaveLength(1);
    await expect(db.query(open, [tenantId, 'archive'])).rejects.toMatchObject(
      checkViolation('registry_provisioning_jobs_kind_check'),
    );
  });

  it('admin roles are operator or viewer; api keys go with their principal', async () => {
    await expect(
      db.query(`INSERT INTO "registry_admin_principals" ("name", "role") VALUES ('root', 'admin')`),
    ).rejects.toMatchObject(checkViolation('registry_admin_principals_role_check'));
    const [p] = await db.query<{ id: string }>(
      `INSERT INTO "registry_admin_principals" ("name", "role") VALUES ('ops', 'operator') RETURNING "id"`,
    );
    await db.query(
      `INSERT INTO "registry_admin_api_keys" ("principal_id", "key_hash", "prefix") VALUES ($1, $2, 'smk_1')`,
      [p!.id, sha256('k')],
    );
    await db.query(`DELETE FROM "registry_admin_principals" WHERE "id" = $1`, [p!.id]);
    expect(await db.query(`SELECT 1 FROM "registry_admin_api_keys"`)).toEqual([]);
  });
});
