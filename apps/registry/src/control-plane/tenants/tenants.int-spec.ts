import type { INestApplication } from '@nestjs/common';
import {
  encodeMessage,
  MIGRATOR_TENANT_VERSIONS_SUBJECT,
  PROVISIONING_COMMANDS_SUBJECT,
  PROVISIONING_STREAM,
  ProvisioningCommand,
  validateMessage,
} from '@sysmanage/contracts';
import { chainHead } from '@sysmanage/schema';
import { AckPolicy, connect, RetentionPolicy, StorageType, type NatsConnection } from 'nats';
import request from 'supertest';
import { ControlPlaneHarness, CP, OPERATOR_KEY } from '../../__fixtures__/control-plane-harness';

jest.setTimeout(90_000);

const READER = 'registry-test-reader';
const COUNTED = [
  'registry_tenants',
  'registry_placements',
  'registry_provisioning_jobs',
  'registry_audit_log',
];

describe('control-plane tenants, servers and provisioning (real PostgreSQL and NATS)', () => {
  const h = new ControlPlaneHarness();
  let app: INestApplication;
  let nc: NatsConnection;
  let readerReady = false;
  let viewerKey: string;

  const http = () => request(app.getHttpServer());
  const op = <T extends { set(k: string, v: string): T }>(req: T): T =>
    req.set('authorization', `Bearer ${OPERATOR_KEY}`);
  const counts = () => Promise.all(COUNTED.map((t) => h.count(t)));

  /** Every command on the PROVISIONING stream since the last call, read (and acked) by a JetStream consumer. */
  async function takeCommands(): Promise<ProvisioningCommand[]> {
    if (!readerReady) {
      const jsm = await nc.jetstreamManager();
      await jsm.consumers.add(PROVISIONING_STREAM, { durable_name: READER, ack_policy: AckPolicy.Explicit });
      readerReady = true;
    }
    const consumer = await nc.jetstream().consumers.get(PROVISIONING_STREAM, READER);
    const batch = await consumer.fetch({ max_messages: 50, expires: 1_000 });
    const commands: ProvisioningCommand[] = [];
    for await (const msg of batch) {
      expect(msg.subject).toBe(PROVISIONING_COMMANDS_SUBJECT);
      commands.push(validateMessage(ProvisioningCommand, msg.data));
      msg.ack();
    }
    return commands;
  }

  async function createServer(name: string, region: string, jurisdiction: string, capacity: number) {
    const res = await op(http().post(`${CP}/database-servers`)).send({
      name,
      host: '10.0.0.1',
      port: 5432,
      region,
      jurisdiction,
      capacity,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string };
  }

  async function createTenant(body: Record<string, unknown>) {
    const res = await op(http().post(`${CP}/tenants`)).send(body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body as {
      id: string;
      slug: string;
      status: string;
      placement: { database_server: { name: string } };
    };
  }

  /** What the provisioner would write when a job ends. */
  async function finishJobs(tenantId: string, tenantStatus: string) {
    await h.sql(
      `UPDATE registry_provisioning_jobs SET status = 'succeeded', step = 'activate', finished_at = now() WHERE tenant_id = $1 AND status IN ('queued', 'running')`,
      [tenantId],
    );
    await h.sql(`UPDATE registry_tenants SET status = $2 WHERE id = $1`, [tenantId, tenantStatus]);
  }

  beforeAll(async () => {
    await h.setUp();
    app = await h.start({ multitenancy: true });
    nc = await connect({ servers: h.nats.servers });
    viewerKey = await h.mintKey(app, 'viewer-one', 'viewer');
    await createServer('eu-1', 'eu-west', 'EU', 10);
    await createServer('eu-2', 'eu-west', 'EU', 4);
    await createServer('us-1', 'us-east', 'US', 20);
  });

  afterAll(async () => {
    await nc?.close();
    await h.tearDown();
  });

  describe('database servers', () => {
    it('lists servers with their load', async () => {
      const res = await http().get(`${CP}/database-servers`).set('authorization', `Bearer ${viewerKey}`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((s: { name: string }) => s.name)).toEqual(['eu-1', 'eu-2', 'us-1']);
      expect(res.body.items[1]).toMatchObject({
        name: 'eu-2',
        host: '10.0.0.1',
        port: 5432,
        region: 'eu-west',
        jurisdiction: 'EU',
        capacity: 4,
        placements: 0,
        maintenance_database: 'postgres',
      });
    });

    it('refuses a duplicate name (409 database_server_exists) and a bad name (400 validation_failed), creating nothing', async () => {
      const before = await h.count('registry_database_servers');
      const dup = await op(http().post(`${CP}/database-servers`)).send({
        name: 'eu-1',
        host: 'x',
        region: 'eu-west',
        jurisdiction: 'EU',
        capacity: 1,
      });
      expect(dup.status).toBe(409);
      expect(dup.body).toMatchObject({
        code: 'database_server_exists',
        detail: 'a database server named eu-1 already exists',
      });
      const bad = await op(http().post(`${CP}/database-servers`)).send({
        name: 'Bad Name',
        host: 'x',
        region: 'eu-west',
        jurisdiction: 'EU',
        capacity: -1,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('validation_failed');
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['capacity', 'name']);
      expect(await h.count('registry_database_servers')).toBe(before);
    });
  });

  describe('bad input creates nothing', () => {
    const badSlugs = [
      'A',
      '1a',
      'a-b',
      'a'.repeat(41),
      "a'; DROP TABLE registry_tenants; --",
      'a"b',
      'a;b',
      'tenant$x',
    ];

    it.each(badSlugs)('slug %j -> 400 invalid_slug', async (slug) => {
      const before = await counts();
      const res = await op(http().post(`${CP}/tenants`)).send({ slug, name: 'Bad' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: 'urn:sysmanage:problem:invalid_slug',
        title: 'Invalid tenant slug',
        status: 400,
        code: 'invalid_slug',
        instance: `${CP}/tenants`,
        errors: [{ field: 'slug', messages: ['slug must match ^[a-z][a-z0-9_]{0,39}$'] }],
      });
      expect(await counts()).toEqual(before);
    });

    it('rejects unknown properties (400 validation_failed)', async () => {
      const before = await counts();
      const res = await op(http().post(`${CP}/tenants`)).send({
        slug: 'okslug',
        name: 'x',
        status: 'active',
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'status', messages: ['property status should not exist'] }],
      });
      expect(await counts()).toEqual(before);
    });

    it('unknown database server -> 422 unknown_database_server', async () => {
      const before = await counts();
      const res = await op(http().post(`${CP}/tenants`)).send({
        slug: 'nowhere',
        name: 'Nowhere',
        database_server: 'pg-missing',
      });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'unknown_database_server',
        detail: 'no database server named pg-missing is registered',
      });
      expect(await counts()).toEqual(before);
    });

    it('no server in the region -> 422 no_matching_server', async () => {
      const before = await counts();
      const res = await op(http().post(`${CP}/tenants`)).send({
        slug: 'faraway',
        name: 'Far',
        region: 'ap-south',
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('no_matching_server');
      expect(res.body.detail).toContain('region=ap-south, jurisdiction=any');
      expect(await counts()).toEqual(before);
    });

    it('a missing or non-UUID tenant id -> 404 tenant_not_found / 400 validation_failed', async () => {
      const missing = await op(http().get(`${CP}/tenants/00000000-0000-4000-8000-000000000000`));
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('tenant_not_found');
      const junk = await op(http().get(`${CP}/tenants/1%20OR%201=1`));
      expect(junk.status).toBe(400);
      expect(junk.body.code).toBe('validation_failed');
    });
  });

  describe('tenant creation and placement', () => {
    it('creates a pending tenant placed on the named server, names stored, audited with actor and request id', async () => {
      const created = await op(http().post(`${CP}/tenants`))
        .set('x-request-id', 'create-ta-1')
        .send({ slug: 'ta', name: 'Tenant A', database_server: 'eu-1' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        slug: 'ta',
        name: 'Tenant A',
        status: 'pending',
        edition: 'standard',
        job: null,
        placement: {
          database_server: { name: 'eu-1', host: '10.0.0.1', port: 5432 },
          database_name: 'tenant_ta',
          owner_role: 'tenant_ta_owner',
          app_role: 'tenant_ta_app',
          vault_app_role: 'tenant-ta-app',
          vault_owner_role: 'tenant-ta-owner',
          region: 'eu-west',
          jurisdiction: 'EU',
        },
      });
      const principal = await h.sql<{ id: string }>(
        `SELECT id FROM registry_admin_principals WHERE name = 'bootstrap-admin'`,
      );
      const audit = await h.sql(
        `SELECT actor, action, target_type, target_id, tenant_id, request_id, detail FROM registry_audit_log WHERE action = 'tenant.create' AND tenant_id = $1`,
        [created.body.id],
      );
      expect(audit).toEqual([
        {
          actor: `principal:${principal[0].id}`,
          action: 'tenant.create',
          target_type: 'tenant',
          target_id: created.body.id,
          tenant_id: created.body.id,
          request_id: 'create-ta-1',
          detail: { slug: 'ta', name: 'Tenant A', database_server: 'eu-1', database_server_chosen: 'eu-1' },
        },
      ]);
    });

    it('refuses a duplicate slug (409 tenant_exists), creating nothing', async () => {
      const before = await counts();
      const res = await op(http().post(`${CP}/tenants`)).send({ slug: 'ta', name: 'Again' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        code: 'tenant_exists',
        detail: 'a tenant with slug ta already exists',
      });
      expect(await counts()).toEqual(before);
    });

    it('places by region/jurisdiction on the least-loaded matching server (placements / capacity)', async () => {
      // eu-1: 1/10, eu-2: 0/4 -> eu-2
      expect(
        (await createTenant({ slug: 'tb', name: 'B', region: 'eu-west' })).placement.database_server.name,
      ).toBe('eu-2');
      // eu-1: 0.1, eu-2: 0.25 -> eu-1
      expect(
        (await createTenant({ slug: 'tc', name: 'C', jurisdiction: 'EU' })).placement.database_server.name,
      ).toBe('eu-1');
      // eu-1: 2/10 = 0.2 < eu-2: 0.25 -> eu-1 (a plain count would pick eu-2)
      expect(
        (await createTenant({ slug: 'td', name: 'D', region: 'eu-west', jurisdiction: 'EU' })).placement
          .database_server.name,
      ).toBe('eu-1');
      expect(
        (await createTenant({ slug: 'te', name: 'E', jurisdiction: 'US' })).placement.database_server.name,
      ).toBe('us-1');
      const mismatch = await op(http().post(`${CP}/tenants`)).send({
        slug: 'tf',
        name: 'F',
        region: 'eu-west',
        jurisdiction: 'US',
      });
      expect(mismatch.status).toBe(422);
      expect(mismatch.body.code).toBe('no_matching_server');
    });

    it('lists tenants by status with pagination and a total', async () => {
      const page = await http()
        .get(`${CP}/tenants?status=pending&limit=2&offset=1`)
        .set('authorization', `Bearer ${viewerKey}`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 1 });
      expect(page.body.items.map((t: { slug: string }) => t.slug)).toEqual(['tb', 'tc']);
      const bad = await op(http().get(`${CP}/tenants?status=bogus&limit=0`));
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'status']);
    });

    it('moves a pending placement (PUT) and locks it once provisioning got past reserving names', async () => {
      const tenant = await createTenant({ slug: 'tmove', name: 'Move', database_server: 'eu-1' });
      const moved = await op(http().put(`${CP}/tenants/${tenant.id}/placement`)).send({
        database_server: 'us-1',
      });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({
        database_server: { name: 'us-1' },
        database_name: 'tenant_tmove',
        region: 'us-east',
        jurisdiction: 'US',
      });
      expect((await op(http().get(`${CP}/tenants/${tenant.id}/placement`))).body.database_server.name).toBe(
        'us-1',
      );
      expect(
        await h.count('registry_audit_log', `action = 'tenant.placement.update' AND tenant_id = $1`, [
          tenant.id,
        ]),
      ).toBe(1);

      await h.sql(
        `INSERT INTO registry_provisioning_jobs (tenant_id, kind, step, status) VALUES ($1, 'provision', 'database', 'failed')`,
        [tenant.id],
      );
      await h.sql(
        `UPDATE registry_tenants SET status = 'failed', failed_step = 'database', last_error = 'boom' WHERE id = $1`,
        [tenant.id],
      );
      const locked = await op(http().put(`${CP}/tenants/${tenant.id}/placement`)).send({
        database_server: 'eu-1',
      });
      expect(locked.status).toBe(409);
      expect(locked.body.code).toBe('placement_locked');
      expect((await op(http().get(`${CP}/tenants/${tenant.id}/placement`))).body.database_server.name).toBe(
        'us-1',
      );
    });
  });

  describe('lifecycle jobs over JetStream', () => {
    let tenantId: string;

    beforeAll(async () => {
      tenantId = (await createTenant({ slug: 'tprov', name: 'Prov', database_server: 'us-1' })).id;
    });

    it('provision: 202 after the publish ack, one job, status provisioning, exactly one command on a work-queue file stream', async () => {
      const res = await op(http().post(`${CP}/tenants/${tenantId}/provision`));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        tenant_id: tenantId,
        action: 'provision',
        status: 'queued',
        step: null,
        attempts: 0,
      });

      const info = await (await nc.jetstreamManager()).streams.info(PROVISIONING_STREAM);
      expect(info.config).toMatchObject({
        subjects: [PROVISIONING_COMMANDS_SUBJECT],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
      });

      const commands = await takeCommands();
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatchObject({ jobId: res.body.id, tenantId, action: 'provision' });
      expect(commands[0].keepDatabase).toBeUndefined();

      const detail = await op(http().get(`${CP}/tenants/${tenantId}`));
      expect(detail.body).toMatchObject({
        status: 'provisioning',
        job: { id: res.body.id, action: 'provision', status: 'queued' },
      });
      expect(await h.count('registry_provisioning_jobs', 'tenant_id = $1', [tenantId])).toBe(1);
      expect(
        await h.count('registry_audit_log', `action = 'tenant.provision' AND tenant_id = $1`, [tenantId]),
      ).toBe(1);
    });

    it('asking again re-publishes the same open job, deduplicated by JetStream: still one job and one command', async () => {
      const again = await op(http().post(`${CP}/tenants/${tenantId}/provision`));
      expect(again.status).toBe(202);
      const jobs = await h.sql<{ id: string }>(
        `SELECT id FROM registry_provisioning_jobs WHERE tenant_id = $1`,
        [tenantId],
      );
      expect(jobs).toEqual([{ id: again.body.id }]);
      expect(await takeCommands()).toEqual([]);
    });

    it('another action while a job is open -> 409 job_in_progress; suspend/resume guard the state', async () => {
      const busy = await op(http().post(`${CP}/tenants/${tenantId}/suspend`));
      expect(busy.status).toBe(409);
      expect(busy.body.code).toBe('job_in_progress');

      await finishJobs(tenantId, 'active');
      const resumeActive = await op(http().post(`${CP}/tenants/${tenantId}/resume`));
      expect(resumeActive.status).toBe(409);
      expect(resumeActive.body).toMatchObject({
        code: 'invalid_tenant_state',
        detail: 'cannot resume tenant tprov while it is active; allowed from: suspended',
      });

      const suspend = await op(http().post(`${CP}/tenants/${tenantId}/suspend`));
      expect(suspend.status).toBe(202);
      expect((await takeCommands()).map((c) => [c.action, c.jobId])).toEqual([['suspend', suspend.body.id]]);

      await finishJobs(tenantId, 'suspended');
      const resume = await op(http().post(`${CP}/tenants/${tenantId}/resume`));
      expect(resume.status).toBe(202);
      expect((await takeCommands()).map((c) => c.action)).toEqual(['resume']);
      await finishJobs(tenantId, 'active');
      expect(await takeCommands()).toEqual([]);
    });

    it('shows the current job step, attempts and the failure in GET /tenants/{id}', async () => {
      const pending = await createTenant({ slug: 'tfail', name: 'Fail', database_server: 'us-1' });
      const job = await op(http().post(`${CP}/tenants/${pending.id}/provision`));
      await takeCommands();
      await h.sql(
        `UPDATE registry_provisioning_jobs SET status = 'failed', step = 'openbao', attempts = 5, last_error = 'vault sealed' WHERE id = $1`,
        [job.body.id],
      );
      await h.sql(
        `UPDATE registry_tenants SET status = 'failed', failed_step = 'openbao', last_error = 'vault sealed' WHERE id = $1`,
        [pending.id],
      );
      const detail = await http()
        .get(`${CP}/tenants/${pending.id}`)
        .set('authorization', `Bearer ${viewerKey}`);
      expect(detail.body).toMatchObject({
        status: 'failed',
        failed_step: 'openbao',
        last_error: 'vault sealed',
        job: {
          id: job.body.id,
          action: 'provision',
          status: 'failed',
          step: 'openbao',
          attempts: 5,
          last_error: 'vault sealed',
        },
      });
      // A failed tenant may be provisioned again: a fresh job, the failure cleared.
      const retry = await op(http().post(`${CP}/tenants/${pending.id}/provision`));
      expect(retry.status).toBe(202);
      expect(retry.body.id).not.toBe(job.body.id);
      expect((await op(http().get(`${CP}/tenants/${pending.id}`))).body).toMatchObject({
        status: 'provisioning',
        failed_step: null,
        last_error: null,
      });
      expect((await takeCommands()).map((c) => c.jobId)).toEqual([retry.body.id]);
    });

    it('DELETE needs the slug (400 confirmation_mismatch, nothing changes), then queues deprovision with keepDatabase', async () => {
      const before = await counts();
      for (const body of [
        {},
        { confirm_slug: 'wrong', drop_database: true },
        { confirm_slug: 'TPROV', drop_database: true },
      ]) {
        const res = await op(http().delete(`${CP}/tenants/${tenantId}`)).send(body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('confirmation_mismatch');
      }
      const noFlag = await op(http().delete(`${CP}/tenants/${tenantId}`)).send({ confirm_slug: 'tprov' });
      expect(noFlag.status).toBe(400);
      expect(noFlag.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'drop_database' }] });
      expect(await counts()).toEqual(before);
      expect(await takeCommands()).toEqual([]);

      const res = await op(http().delete(`${CP}/tenants/${tenantId}?confirm_slug=tprov&drop_database=false`));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ action: 'deprovision', status: 'queued' });
      const [command] = await takeCommands();
      expect(command).toMatchObject({
        action: 'deprovision',
        tenantId,
        jobId: res.body.id,
        keepDatabase: true,
      });
      expect((await op(http().get(`${CP}/tenants/${tenantId}`))).body.status).toBe('deprovisioning');
      const audit = await h.sql<{ detail: Record<string, unknown> }>(
        `SELECT detail FROM registry_audit_log WHERE action = 'tenant.deprovision' AND tenant_id = $1`,
        [tenantId],
      );
      expect(audit).toEqual([
        { detail: { slug: 'tprov', job_id: res.body.id, from_status: 'active', drop_database: false } },
      ]);
    });

    it('DELETE with the slug in the body and drop_database true -> keepDatabase false', async () => {
      const doomed = await createTenant({ slug: 'tdrop', name: 'Drop', database_server: 'us-1' });
      const res = await op(http().delete(`${CP}/tenants/${doomed.id}`)).send({
        confirm_slug: 'tdrop',
        drop_database: true,
      });
      expect(res.status).toBe(202);
      expect(await takeCommands()).toEqual([
        expect.objectContaining({ action: 'deprovision', keepDatabase: false }),
      ]);
    });
  });

  describe('status and migration status', () => {
    it('GET /status reports the service, multitenancy and tenant counts by status', async () => {
      const res = await http().get(`${CP}/status`).set('authorization', `Bearer ${viewerKey}`);
      expect(res.status).toBe(200);
      const byStatus = (
        await h.sql<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM registry_tenants GROUP BY status`,
        )
      ).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: r.n }), {});
      expect(res.body).toMatchObject({
        service: 'registry',
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        multitenancy: { enabled: true, self_service_provisioning: false },
        tenants: { total: await h.count('registry_tenants'), by_status: expect.objectContaining(byStatus) },
        database_servers: 3,
      });
      expect(Object.keys(res.body.tenants.by_status)).toHaveLength(7);
    });

    it('GET /migration-status shows recorded vs head per placed tenant', async () => {
      const head = chainHead('tenant');
      const [ta] = await h.sql<{ id: string }>(`SELECT id FROM registry_tenants WHERE slug = 'ta'`);
      await h.sql(
        `INSERT INTO registry_tenant_db_versions (tenant_id, chain, version) VALUES ($1, 'tenant', $2)`,
        [ta.id, head],
      );
      const res = await http().get(`${CP}/migration-status`).set('authorization', `Bearer ${viewerKey}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ chain: 'tenant', head });
      expect(res.body.tenants).toHaveLength(await h.count('registry_placements'));
      const bySlug = new Map(res.body.tenants.map((t: { slug: string }) => [t.slug, t]));
      expect(bySlug.get('ta')).toMatchObject({
        database_name: 'tenant_ta',
        database_server: 'eu-1',
        recorded: head,
        head,
        up_to_date: true,
        actual: null,
      });
      expect(bySlug.get('tb')).toMatchObject({ recorded: null, up_to_date: false });
      // No migrator is running here: the actual versions are unknown and the reason says so.
      expect((bySlug.get('ta') as { actual_error: string }).actual_error).toMatch(
        /^the migrator did not answer/,
      );
    });

    it('GET /migration-status takes the actual version from the migrator, and up_to_date follows it', async () => {
      const head = chainHead('tenant');
      const [ta] = await h.sql<{ id: string }>(`SELECT id FROM registry_tenants WHERE slug = 'ta'`);
      const [tb] = await h.sql<{ id: string }>(`SELECT id FROM registry_tenants WHERE slug = 'tb'`);
      const asked: unknown[] = [];
      const BEHIND = 'TenantOlder1700000000000';
      // Stands in for `sysmanage-migrate serve`: ta's database is behind its record, tb cannot be read.
      const fake = nc.subscribe(MIGRATOR_TENANT_VERSIONS_SUBJECT, {
        callback: (_err, msg) => {
          asked.push(JSON.parse(new TextDecoder().decode(msg.data)));
          msg.respond(
            encodeMessage({
              versions: [
                { tenantId: ta.id, version: BEHIND },
                { tenantId: tb.id, version: null, error: 'connection refused' },
              ],
            }),
          );
        },
      });
      try {
        await nc.flush();
        const res = await http().get(`${CP}/migration-status`).set('authorization', `Bearer ${viewerKey}`);
        expect(res.status).toBe(200);
        const bySlug = new Map(res.body.tenants.map((t: { slug: string }) => [t.slug, t]));
        // The registry's record says head, the database says otherwise: the database wins.
        expect(bySlug.get('ta')).toMatchObject({
          recorded: head,
          actual: BEHIND,
          actual_error: null,
          up_to_date: false,
        });
        expect(bySlug.get('tb')).toMatchObject({ actual: null, actual_error: 'connection refused' });
        expect(asked).toHaveLength(1);
        expect((asked[0] as { tenantIds: string[] }).tenantIds).toEqual(
          expect.arrayContaining([ta.id, tb.id]),
        );
      } finally {
        fake.unsubscribe();
      }
    });
  });

  describe('other modes', () => {
    it('collapsed mode: tenant writes answer 409 multitenancy_disabled, reads work, nothing is created', async () => {
      const collapsed = await h.start({ multitenancy: false });
      try {
        const before = await counts();
        const agent = () => request(collapsed.getHttpServer());
        const create = await op(agent().post(`${CP}/tenants`)).send({ slug: 'solo', name: 'Solo' });
        expect(create.status).toBe(409);
        expect(create.body).toMatchObject({ code: 'multitenancy_disabled', status: 409 });
        const [someTenant] = await h.sql<{ id: string }>(`SELECT id FROM registry_tenants WHERE slug = 'tb'`);
        const provision = await op(agent().post(`${CP}/tenants/${someTenant.id}/provision`));
        expect(provision.status).toBe(409);
        expect(provision.body.code).toBe('multitenancy_disabled');
        const list = await op(agent().get(`${CP}/tenants`));
        expect(list.status).toBe(200);
        expect((await op(agent().get(`${CP}/status`))).body.multitenancy).toEqual({
          enabled: false,
          self_service_provisioning: false,
        });
        expect(await counts()).toEqual(before);
        expect(await takeCommands()).toEqual([]);
      } finally {
        await h.stop(collapsed);
      }
    });

    it('self-service provisioning: a created tenant is queued for provisioning at once', async () => {
      const selfService = await h.start({ multitenancy: true, selfService: true });
      try {
        const res = await op(request(selfService.getHttpServer()).post(`${CP}/tenants`)).send({
          slug: 'tself',
          name: 'Self',
          jurisdiction: 'US',
        });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          slug: 'tself',
          status: 'provisioning',
          job: { action: 'provision', status: 'queued' },
        });
        expect(await takeCommands()).toEqual([
          expect.objectContaining({ action: 'provision', tenantId: res.body.id, jobId: res.body.job.id }),
        ]);
      } finally {
        await h.stop(selfService);
      }
    });
  });
});
