import type { DatabaseCredential } from '@sysmanage/openbao';
import { chainHead } from '@sysmanage/schema';
import { quoteIdent, readServerCredentials } from '@sysmanage/tenancy';
import type { PgInstance } from '@sysmanage/testing';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { STACK_SERVICES } from './support/built-programs';
import { CP, type Problem, type TenantView } from './support/control-plane-api';
import {
  REGISTRY_DB,
  REGISTRY_USER,
  startMultiTenantStack,
  type MultiTenantStack,
} from './support/multi-tenant-stack';
import { connectAs, loginOutcome, statementOutcome, type Login } from './support/pg-login';

// Issue 3's "Must show", scripted as an operator would do it: the built
// services as processes, everything through the HTTP API and the CLIs, checked
// against the real PostgreSQL servers and OpenBAO. Crash recovery after each
// saga step is proven by apps/provisioner/src/provisioning/crash-recovery.int-spec.ts
// (the built provisioner SIGKILLed after every step) and is not repeated here.

jest.setTimeout(120_000);

const HEAD = chainHead('tenant');
const TENANT_TABLES = ['host_heartbeats', 'hosts', 'processed_messages', 'software_packages'];

interface ServerItem {
  name: string;
  host: string;
  port: number;
  region: string;
  jurisdiction: string;
  capacity: number;
}
interface MigrationStatusItem {
  slug: string;
  status: string;
  database_server: string;
  database_name: string;
  recorded: string | null;
  actual: string | null;
  head: string;
  up_to_date: boolean;
}
interface FanOutDocument {
  databases: Array<{ tenant: string | null; status: string; version: string | null; error: string | null }>;
  exitCode: number;
}

describe('issue 3: the multi-tenant operator path end to end (built services, scram PostgreSQL x2, NATS, OpenBAO)', () => {
  let stack: MultiTenantStack;
  let viewerKey: string;
  let pgEu: PgInstance;
  let pgUs: PgInstance;
  const tenants: Record<'a' | 'b' | 'c', TenantView> = {} as Record<'a' | 'b' | 'c', TenantView>;
  /** Every tenant password OpenBAO handed out during the run (none may appear in what the services got). */
  const leasedPasswords: string[] = [];

  async function lease(role: string): Promise<DatabaseCredential & Login> {
    const credential = await stack.root.generateCredentials('database', role);
    leasedPasswords.push(credential.password);
    return { ...credential, user: credential.username };
  }

  const databases = async (pg: PgInstance): Promise<string[]> =>
    (
      await pg.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'tenant\\_%' ORDER BY 1`,
      )
    ).map((r) => r.datname);

  const tables = async (pg: PgInstance, database: string): Promise<Array<{ name: string; owner: string }>> =>
    pg.query(
      `SELECT tablename AS name, tableowner AS owner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
      [],
      database,
    );

  const registryCount = async (table: string, where = 'true', params: unknown[] = []): Promise<number> => {
    const [row] = (await stack.registry.query(
      `SELECT count(*)::int AS n FROM ${quoteIdent(table)} WHERE ${where}`,
      params,
    )) as Array<{ n: number }>;
    return row!.n;
  };

  beforeAll(async () => {
    stack = await startMultiTenantStack({ name: 'e2e-operator', registerServers: false });
    pgEu = stack.pg('pg-eu');
    pgUs = stack.pg('pg-us');
    viewerKey = await stack.createViewerKey('e2e-viewer');
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('registers both PostgreSQL servers through the API, in their regions and jurisdictions', async () => {
    const created = await stack.registerServers();
    expect(created.map((r) => r.status)).toEqual([201, 201]);
    const list = await stack.api<{ items: ServerItem[] }>('GET', `${CP}/database-servers`, {
      key: viewerKey,
    });
    expect(list.status).toBe(200);
    expect(list.json.items.map((s) => [s.name, s.port, s.region, s.jurisdiction])).toEqual([
      ['pg-eu', pgEu.port, 'eu', 'EU'],
      ['pg-us', pgUs.port, 'us', 'US'],
    ]);
  });

  it('tenants a (region eu), b (jurisdiction US) and c (server pg-eu) created through the API become active where they belong', async () => {
    const [a, b, c] = await Promise.all([
      stack.controlPlane.createTenant({ slug: 'a', name: 'Tenant A', region: 'eu' }),
      stack.controlPlane.createTenant({ slug: 'b', name: 'Tenant B', jurisdiction: 'US' }),
      stack.controlPlane.createTenant({ slug: 'c', name: 'Tenant C', database_server: 'pg-eu' }),
    ]);
    // self_service_provisioning: the create already queued the provisioning job.
    for (const created of [a, b, c]) {
      expect(created).toMatchObject({ status: 'provisioning', job: { action: 'provision' } });
    }
    expect([a, b, c].map((t) => t.placement?.database_server?.name)).toEqual(['pg-eu', 'pg-us', 'pg-eu']);
    const active = await Promise.all(
      [a, b, c].map((t) => stack.controlPlane.waitForTenant(t.id, ['active'])),
    );
    for (const t of active) {
      expect(t).toMatchObject({ status: 'active', failed_step: null, last_error: null });
      expect(t?.job).toMatchObject({ action: 'provision', status: 'succeeded', step: 'activate' });
    }
    Object.assign(tenants, { a, b, c });

    expect(await databases(pgEu)).toEqual(['tenant_a', 'tenant_c']);
    expect(await databases(pgUs)).toEqual(['tenant_b']);
    for (const [pg, slug] of [
      [pgEu, 'a'],
      [pgUs, 'b'],
      [pgEu, 'c'],
    ] as const) {
      const owned = await tables(pg, `tenant_${slug}`);
      expect(owned.map((t) => t.name)).toEqual([...TENANT_TABLES, 'tenant_migrations'].sort());
      expect(new Set(owned.map((t) => t.owner))).toEqual(new Set([`tenant_${slug}_owner`]));
    }
  });

  it('GET /migration-status shows every tenant at the tenant chain head, recorded and actual', async () => {
    const res = await stack.api<{ head: string; tenants: MigrationStatusItem[] }>(
      'GET',
      `${CP}/migration-status`,
      { key: viewerKey },
    );
    expect(res.status).toBe(200);
    expect(res.json.head).toBe(HEAD);
    const rows = res.json.tenants
      .map((t) => [t.slug, t.database_server, t.database_name, t.recorded, t.actual, t.up_to_date])
      .sort();
    expect(rows).toEqual([
      ['a', 'pg-eu', 'tenant_a', HEAD, HEAD, true],
      ['b', 'pg-us', 'tenant_b', HEAD, HEAD, true],
      ['c', 'pg-eu', 'tenant_c', HEAD, HEAD, true],
    ]);
  });

  it('a leased tenant-a-app credential reaches tenant_a only, with DML and no DDL', async () => {
    const app = await lease('tenant-a-app');
    expect(await loginOutcome(pgEu, app, 'tenant_a')).toBe('ok');
    // 28P01: the login does not exist on the other server; 42501: no CONNECT privilege.
    expect(await loginOutcome(pgUs, app, 'tenant_b')).toBe('28P01');
    expect(await loginOutcome(pgEu, app, 'tenant_c')).toBe('42501');
    expect(await loginOutcome(pgEu, app, 'postgres')).toBe('42501');
    expect(await loginOutcome(pgEu, app, REGISTRY_DB)).toBe('42501');
    // The neighbour on the same server is kept out of tenant_a the same way.
    const neighbour = await lease('tenant-c-app');
    expect(await loginOutcome(pgEu, neighbour, 'tenant_c')).toBe('ok');
    expect(await loginOutcome(pgEu, neighbour, 'tenant_a')).toBe('42501');

    const client = await connectAs(pgEu, app, 'tenant_a');
    try {
      expect(await statementOutcome(client, 'CREATE TABLE intruder (id int)')).toBe('42501');
      expect(await statementOutcome(client, 'DROP TABLE hosts')).toBe('42501');
      expect(await statementOutcome(client, 'ALTER TABLE hosts ADD COLUMN x int')).toBe('42501');
      expect(
        await statementOutcome(
          client,
          `INSERT INTO hosts (id, hostname, machine_id) VALUES (gen_random_uuid(), 'web-1', 'machine-web-1')`,
        ),
      ).toBe('ok');
      const { rows } = await client.query<{ hostname: string }>('SELECT hostname FROM hosts');
      expect(rows).toEqual([{ hostname: 'web-1' }]);
    } finally {
      await client.end();
    }
    await stack.root.revokeLease(app.leaseId);
    await stack.root.revokeLease(neighbour.leaseId);
    // OpenBAO's revocation statements dropped the short-lived logins.
    expect(
      await pgEu.query(`SELECT rolname FROM pg_roles WHERE rolname = ANY($1)`, [[app.user, neighbour.user]]),
    ).toEqual([]);
  });

  it('least privilege: no superuser but postgres, the tenant groups cannot log in, the provisioner role is CREATEDB CREATEROLE only', async () => {
    for (const pg of [pgEu, pgUs]) {
      expect(await pg.query(`SELECT rolname FROM pg_roles WHERE rolsuper ORDER BY 1`)).toEqual([
        { rolname: pg.superuser },
      ]);
      expect(
        await pg.query(
          `SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, pg_has_role(oid, 'pg_signal_backend', 'MEMBER') AS signal
             FROM pg_roles WHERE rolname = 'sysmanage_provisioner'`,
        ),
      ).toEqual([
        { rolsuper: false, rolcreatedb: true, rolcreaterole: true, rolcanlogin: true, signal: true },
      ]);
    }
    // Long-lived logins (no VALID UNTIL): the superuser, the registry's own login, the two bootstrap roles.
    const staticLogins = `SELECT rolname FROM pg_roles WHERE rolcanlogin AND rolvaliduntil IS NULL ORDER BY 1`;
    expect((await pgEu.query<{ rolname: string }>(staticLogins)).map((r) => r.rolname)).toEqual([
      pgEu.superuser,
      REGISTRY_USER,
      'sysmanage_openbao',
      'sysmanage_provisioner',
    ]);
    expect((await pgUs.query<{ rolname: string }>(staticLogins)).map((r) => r.rolname)).toEqual([
      pgUs.superuser,
      'sysmanage_openbao',
      'sysmanage_provisioner',
    ]);
    // The tenant groups own and use the data but have no password at all: only OpenBAO's leases log in.
    expect(
      await pgEu.query(
        `SELECT rolname, rolcanlogin, rolpassword FROM pg_authid WHERE rolname LIKE 'tenant\\_a\\_%' ORDER BY 1`,
      ),
    ).toEqual([
      { rolname: 'tenant_a_app', rolcanlogin: false, rolpassword: null },
      { rolname: 'tenant_a_owner', rolcanlogin: false, rolpassword: null },
    ]);
  });

  it('no config file or environment given to a service holds a tenant database password', async () => {
    const files = stack.serviceFiles();
    expect(files.length).toBeGreaterThanOrEqual(3);
    const given = [
      ...files.map((f) => ({ where: f, text: readFileSync(f, 'utf8') })),
      ...STACK_SERVICES.map((s) => ({ where: `${s} env`, text: JSON.stringify(stack.service(s).env) })),
    ];
    const config = parse(readFileSync(stack.configPath, 'utf8')) as Record<string, Record<string, unknown>>;
    // The one database password in the config is the registry login's...
    const passwordKeys = Object.entries(config).flatMap(([block, values]) =>
      Object.keys(values ?? {})
        .filter((k) => /password|secret|token/i.test(k))
        .map((k) => `${block}.${k}`),
    );
    expect(passwordKeys).toEqual(['registry.password']);
    const registryLogin = {
      user: String(config['registry']!['user']),
      password: String(config['registry']!['password']),
    };
    expect(await loginOutcome(pgEu, registryLogin, REGISTRY_DB)).toBe('ok');
    // ...which no tenant database accepts.
    expect(await loginOutcome(pgEu, registryLogin, 'tenant_a')).toBe('42501');
    expect(await loginOutcome(pgEu, registryLogin, 'tenant_c')).toBe('42501');
    expect(await loginOutcome(pgUs, registryLogin, 'tenant_b')).toBe('28P01');
    // No service's environment names a password; the services were given no superuser, provisioner
    // or OpenBAO root credential, and no leased tenant password.
    for (const s of STACK_SERVICES)
      expect(Object.keys(stack.service(s).env).join(' ')).not.toMatch(/PASSWORD/);
    const secrets = [
      stack.bao.rootToken,
      pgEu.superuserPassword,
      pgUs.superuserPassword,
      (await readServerCredentials(stack.root, 'pg-eu')).password,
      (await readServerCredentials(stack.root, 'pg-us')).password,
      ...leasedPasswords,
    ];
    expect(leasedPasswords.length).toBeGreaterThanOrEqual(2);
    for (const { where, text } of given) {
      for (const secret of secrets)
        expect({ where, leaks: text.includes(secret) }).toEqual({ where, leaks: false });
    }
    // Nor did a service log one.
    for (const s of STACK_SERVICES) {
      const log = stack.service(s).log();
      for (const secret of [...secrets, registryLogin.password])
        expect({ service: s, leaks: log.includes(secret) }).toEqual({ service: s, leaks: false });
    }
  });

  describe('bad input through the API: the problem code, and nothing created', () => {
    let before: { tenants: number; placements: number; jobs: number; eu: string[]; us: string[] };
    const snapshot = async (): Promise<typeof before> => ({
      tenants: await registryCount('registry_tenants'),
      placements: await registryCount('registry_placements'),
      jobs: await registryCount('registry_provisioning_jobs'),
      eu: await databases(pgEu),
      us: await databases(pgUs),
    });
    const expectProblem = (
      res: { status: number; headers: Record<string, string>; json: Problem },
      status: number,
      code: string,
    ): void => {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json).toMatchObject({ status, code, type: `urn:sysmanage:problem:${code}` });
      expect(res.status).toBe(status);
    };

    beforeAll(async () => {
      before = await snapshot();
    });
    afterAll(async () => {
      expect(await snapshot()).toEqual(before);
    });

    it.each(['A', '1a', 'a-b', 'a'.repeat(41), 'a;drop table x'])(
      'slug %j -> 400 invalid_slug',
      async (slug) => {
        const res = await stack.api<Problem>('POST', `${CP}/tenants`, { body: { slug, name: 'Bad' } });
        expectProblem(res, 400, 'invalid_slug');
        expect(res.json.errors).toEqual([
          { field: 'slug', messages: ['slug must match ^[a-z][a-z0-9_]{0,39}$'] },
        ]);
        expect(await snapshot()).toEqual(before);
      },
    );

    it('a duplicate slug -> 409 tenant_exists', async () => {
      const res = await stack.api<Problem>('POST', `${CP}/tenants`, { body: { slug: 'b', name: 'Again' } });
      expectProblem(res, 409, 'tenant_exists');
      expect(res.json.detail).toBe('a tenant with slug b already exists');
    });

    it('an unknown database server -> 422 unknown_database_server', async () => {
      const res = await stack.api<Problem>('POST', `${CP}/tenants`, {
        body: { slug: 'nowhere', name: 'Nowhere', database_server: 'pg-mars' },
      });
      expectProblem(res, 422, 'unknown_database_server');
      expect(res.json.detail).toBe('no database server named pg-mars is registered');
    });

    it('a missing or wrong API key -> 401 unauthenticated; a viewer key on a write -> 403 forbidden', async () => {
      const body = { slug: 'sneaky', name: 'Sneaky', region: 'eu' };
      expectProblem(
        await stack.api<Problem>('POST', `${CP}/tenants`, { body, key: null }),
        401,
        'unauthenticated',
      );
      expectProblem(
        await stack.api<Problem>('POST', `${CP}/tenants`, { body, key: `${stack.operatorKey}x` }),
        401,
        'unauthenticated',
      );
      expectProblem(await stack.api<Problem>('GET', `${CP}/tenants`, { key: null }), 401, 'unauthenticated');
      expectProblem(
        await stack.api<Problem>('POST', `${CP}/tenants`, { body, key: viewerKey }),
        403,
        'forbidden',
      );
      expectProblem(
        await stack.api<Problem>('DELETE', `${CP}/tenants/${tenants.a.id}`, {
          body: { confirm_slug: 'a', drop_database: true },
          key: viewerKey,
        }),
        403,
        'forbidden',
      );
      // The viewer may read.
      const list = await stack.api<{ total: number }>('GET', `${CP}/tenants`, { key: viewerKey });
      expect(list.status).toBe(200);
      expect(list.json.total).toBe(before.tenants);
    });
  });

  describe('sysmanage-migrate fan-out over the tenant databases', () => {
    async function schemaState(): Promise<unknown> {
      const perTenant = await Promise.all(
        (
          [
            [pgEu, 'tenant_a'],
            [pgUs, 'tenant_b'],
            [pgEu, 'tenant_c'],
          ] as const
        ).map(async ([pg, db]) => ({
          db,
          migrations: await pg.query(`SELECT id, timestamp, name FROM tenant_migrations ORDER BY id`, [], db),
          relations: await pg.query(
            `SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner) AS owner, c.relacl::text AS acl
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' ORDER BY 1`,
            [],
            db,
          ),
        })),
      );
      const versions = await stack.registry.query(
        `SELECT tenant_id, chain, version, applied_at FROM registry_tenant_db_versions ORDER BY tenant_id`,
      );
      return { perTenant, versions };
    }

    it('run again, it reports every tenant up to date and changes nothing', async () => {
      const before = await schemaState();
      const run = await stack.runMigrate(['--tenants-only', '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout) as FanOutDocument;
      expect(doc.databases.map((d) => [d.tenant, d.status, d.version]).sort()).toEqual([
        ['a', 'up-to-date', HEAD],
        ['b', 'up-to-date', HEAD],
        ['c', 'up-to-date', HEAD],
      ]);
      expect(await schemaState()).toEqual(before);
    });

    it('with pg-us down, the others are still migrated and the run exits 1 naming tenant b', async () => {
      // tenant_c restored from an empty backup: its chain must be applied again.
      const restored = await tables(pgEu, 'tenant_c');
      await pgEu.query(
        `DROP TABLE ${restored.map((t) => quoteIdent(t.name)).join(', ')} CASCADE`,
        [],
        'tenant_c',
      );
      await pgUs.stop({ keepData: true });
      try {
        // --verify: read each database instead of trusting the registry's record (the README's advice after a restore).
        const run = await stack.runMigrate(['--tenants-only', '--verify']);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/^up to date +tenant_a \(tenant a\)/m);
        expect(run.stdout).toMatch(/^migrated +tenant_c \(tenant c\)/m);
        expect(run.stdout).toMatch(/^FAILED +tenant_b \(tenant b\) .*tenant-b-owner.*tenant_b/m);
        expect(run.stdout).toMatch(/3 databases: 1 migrated, 1 up to date, 1 failed in/);
      } finally {
        await pgUs.start();
      }
      const migrated = await tables(pgEu, 'tenant_c');
      expect(migrated.map((t) => t.name)).toEqual([...TENANT_TABLES, 'tenant_migrations'].sort());
      expect(new Set(migrated.map((t) => t.owner))).toEqual(new Set(['tenant_c_owner']));
      // Default privileges gave the app group DML on the re-created tables.
      expect(
        await pgEu.query(
          `SELECT has_table_privilege('tenant_c_app', 'hosts', 'INSERT') AS dml, has_schema_privilege('tenant_c_app', 'public', 'CREATE') AS ddl`,
          [],
          'tenant_c',
        ),
      ).toEqual([{ dml: true, ddl: false }]);

      const again = await stack.runMigrate(['--tenants-only', '--verify', '--tenant', 'b']);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^up to date +tenant_b \(tenant b\)/m);
    });
  });

  describe('suspend, resume and delete tenant a', () => {
    it('suspend cuts off an open session of a leased credential and refuses new logins; resume restores access', async () => {
      const app = await lease('tenant-a-app');
      const session = await connectAs(pgEu, app, 'tenant_a');
      // A DBA's superuser session on the database: no non-superuser may end it, and it must not
      // make the suspension fail (it did: 42501 from pg_terminate_backend, tenant marked failed).
      const dba = await connectAs(
        pgEu,
        { user: pgEu.superuser, password: pgEu.superuserPassword },
        'tenant_a',
      );
      try {
        expect(await statementOutcome(session, 'SELECT count(*) FROM hosts')).toBe('ok');
        const suspend = await stack.api('POST', `${CP}/tenants/${tenants.a.id}/suspend`);
        expect(suspend.status).toBe(202);
        await stack.controlPlane.waitForTenant(tenants.a.id, ['suspended']);
        expect(await statementOutcome(session, 'SELECT count(*) FROM hosts')).not.toBe('ok');
        expect(await statementOutcome(dba, 'SELECT count(*) FROM hosts')).toBe('ok');
      } finally {
        await session.end().catch(() => undefined);
        await dba.end();
      }
      expect(await loginOutcome(pgEu, app, 'tenant_a')).toBe('42501');
      // Only tenant a is cut off.
      const neighbour = await lease('tenant-c-app');
      expect(await loginOutcome(pgEu, neighbour, 'tenant_c')).toBe('ok');

      const resume = await stack.api('POST', `${CP}/tenants/${tenants.a.id}/resume`);
      expect(resume.status).toBe(202);
      await stack.controlPlane.waitForTenant(tenants.a.id, ['active']);
      const back = await connectAs(pgEu, app, 'tenant_a');
      try {
        expect((await back.query<{ n: number }>('SELECT count(*)::int AS n FROM hosts')).rows).toEqual([
          { n: 1 },
        ]);
      } finally {
        await back.end();
      }
      await stack.root.revokeLease(neighbour.leaseId);
      await stack.root.revokeLease(app.leaseId);
    });

    it('delete with the wrong slug is refused (400); with the right one the database, roles, OpenBAO roles and registry rows are gone', async () => {
      const wrong = await stack.api<Problem>('DELETE', `${CP}/tenants/${tenants.a.id}`, {
        body: { confirm_slug: 'c', drop_database: true },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.json.code).toBe('confirmation_mismatch');
      expect((await stack.api<TenantView>('GET', `${CP}/tenants/${tenants.a.id}`)).json.status).toBe(
        'active',
      );
      expect(await databases(pgEu)).toEqual(['tenant_a', 'tenant_c']);

      // A lease still out when the tenant goes: deprovisioning revokes it.
      const app = await lease('tenant-a-app');
      const res = await stack.api('DELETE', `${CP}/tenants/${tenants.a.id}`, {
        body: { confirm_slug: 'a', drop_database: true },
      });
      expect(res.status).toBe(202);
      expect(res.json).toMatchObject({ action: 'deprovision' });
      await stack.controlPlane.waitForTenant(tenants.a.id, ['gone']);

      const gone = await stack.api<Problem>('GET', `${CP}/tenants/${tenants.a.id}`);
      expect(gone.status).toBe(404);
      expect(gone.json.code).toBe('tenant_not_found');
      expect(await databases(pgEu)).toEqual(['tenant_c']);
      expect(
        await pgEu.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE 'tenant\\_a\\_%' OR rolname = $1`, [
          app.user,
        ]),
      ).toEqual([]);
      const vaultRoles = await stack.root.listDatabaseRoles('database');
      expect(vaultRoles.filter((r) => r.startsWith('tenant-a-'))).toEqual([]);
      expect(vaultRoles.sort()).toEqual(['tenant-b-app', 'tenant-b-owner', 'tenant-c-app', 'tenant-c-owner']);
      for (const policy of ['sysmanage-ingest-tenants', 'sysmanage-migrator-tenants'])
        expect(await stack.root.readPolicy(policy)).not.toMatch(/tenant-a-/);
      for (const table of [
        'registry_tenants',
        'registry_placements',
        'registry_tenant_db_versions',
        'registry_provisioning_jobs',
      ]) {
        const column = table === 'registry_tenants' ? 'id' : 'tenant_id';
        expect({ table, rows: await registryCount(table, `${column} = $1`, [tenants.a.id]) }).toEqual({
          table,
          rows: 0,
        });
      }
      // b and c carry on.
      const list = await stack.api<{ items: Array<{ slug: string; status: string }> }>(
        'GET',
        `${CP}/tenants`,
      );
      expect(list.json.items.map((t) => [t.slug, t.status]).sort()).toEqual([
        ['b', 'active'],
        ['c', 'active'],
      ]);
    });
  });

  it('a tenant created while the provisioner is down (SIGKILL) is provisioned once it is back: the work queue is durable', async () => {
    expect(await stack.killService('provisioner')).toEqual({ code: null, signal: 'SIGKILL' });
    const d = await stack.controlPlane.createTenant({ slug: 'd', name: 'Tenant D', jurisdiction: 'EU' });
    expect(d).toMatchObject({ status: 'provisioning', job: { status: 'queued' } });
    expect(d.placement?.database_server?.name).toBe('pg-eu');
    await stack.startService('provisioner');
    expect(await stack.controlPlane.waitForTenant(d.id, ['active'])).toMatchObject({
      status: 'active',
      job: { status: 'succeeded', attempts: 1 },
    });
    expect(await databases(pgEu)).toEqual(['tenant_c', 'tenant_d']);
  });
});
