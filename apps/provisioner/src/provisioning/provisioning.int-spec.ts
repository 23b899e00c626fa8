import type { INestApplication } from '@nestjs/common';
import {
  encodeMessage,
  PROVISIONING_COMMANDS_SUBJECT,
  ProvisioningAction,
  TENANT_EVENTS_WILDCARD,
  TenantEvent,
  validateMessage,
} from '@sysmanage/contracts';
import type { DatabaseCredential, OpenBaoClient } from '@sysmanage/openbao';
import { RegistryDatabaseServer, RegistryPlacement, RegistryTenantDbVersion } from '@sysmanage/schema';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import type { MigrateResponder } from '../__fixtures__/migrate-responder';
import {
  appRoleClient,
  startStackMigrateResponder,
  SERVER_NAME,
  startProvisionerStack,
  type ProvisionerStack,
} from '../__fixtures__/provisioner-stack';
import { insertPlacedTenant, jobRow, queueJob, tenantRow, waitForJob } from '../__fixtures__/registry-rows';
import { bootstrap } from '../main';

jest.setTimeout(120_000);

const WORKER_ENV = {
  SYSMANAGE_PROVISIONER_ACK_WAIT_MS: '5000',
  SYSMANAGE_PROVISIONER_MAX_ATTEMPTS: '3',
  SYSMANAGE_PROVISIONER_BACKOFF_BASE_MS: '200',
  SYSMANAGE_PROVISIONER_BACKOFF_MAX_MS: '500',
  SYSMANAGE_PROVISIONER_MIGRATE_TIMEOUT_MS: '20000',
};

/** Errors a session received asynchronously (e.g. terminated by the server). */
const sessionErrors = new WeakMap<Client, Error[]>();

/** Connects as a leased login; resolves the connected client or rejects with PostgreSQL's error. */
async function loginAs(stack: ProvisionerStack, cred: DatabaseCredential, database: string): Promise<Client> {
  const client = new Client({
    host: stack.pg.host,
    port: stack.pg.port,
    user: cred.username,
    password: cred.password,
    database,
  });
  const errors: Error[] = [];
  sessionErrors.set(client, errors);
  client.on('error', (error) => errors.push(error));
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a refusal, but it succeeded');
}

// The machine's PostgreSQL 15 and the embedded 18 of the development stack: from 16 on, granting a
// group role needs ADMIN OPTION on it, which the OpenBAO user's creation statements depend on.
describe.each(['machine', 'embedded'] as const)(
  'provisioning saga on %s PostgreSQL (scram, NATS JetStream, Vault)',
  (pgSource) => {
    let stack: ProvisionerStack;
    let app: INestApplication;
    let nc: NatsConnection;
    let ingestBao: OpenBaoClient;
    let responder: MigrateResponder;
    const events: TenantEvent[] = [];
    const logLines: string[] = [];
    const tenants: Record<string, string> = {};

    beforeAll(async () => {
      Object.assign(process.env, WORKER_ENV);
      stack = await startProvisionerStack(`provisioner-saga-${pgSource}`, pgSource);
      nc = await connect({ servers: stack.nats.servers });
      const eventSub = nc.subscribe(TENANT_EVENTS_WILDCARD);
      void (async () => {
        for await (const msg of eventSub) events.push(validateMessage(TenantEvent, msg.data));
      })();
      responder = await startStackMigrateResponder(stack, nc);
      ingestBao = await appRoleClient(stack, 'ingest');

      const started = await bootstrap(
        ['--config', stack.configPath],
        {},
        { logDestination: { write: (line: string) => void logLines.push(line) } },
      );
      expect(started.exitCode).toBe(0);
      app = started.app!;

      for (const slug of ['alpha', 'bravo']) {
        const tenant = await insertPlacedTenant(stack.registry, slug, stack.server);
        tenants[slug] = tenant.id;
        await queueJob(stack.registry, nc, tenant.id, ProvisioningAction.PROVISION);
      }
      for (const slug of ['alpha', 'bravo']) {
        const job = await waitForJob(
          stack.registry,
          (
            await stack.registry.query(`SELECT id FROM registry_provisioning_jobs WHERE tenant_id = $1`, [
              tenants[slug],
            ])
          )[0].id,
        );
        expect(job).toMatchObject({ status: 'succeeded', step: 'activate', attempts: 1, lastError: null });
      }
    });

    afterAll(async () => {
      await app?.close();
      await nc?.close();
      await stack?.stop();
      for (const key of Object.keys(WORKER_ENV)) delete process.env[key];
    });

    it('provisions alpha and bravo: active, database owned by the owner group, hosts table owned by it, one migrate request each', async () => {
      for (const slug of ['alpha', 'bravo']) {
        expect(await tenantRow(stack.registry, tenants[slug]!)).toMatchObject({
          status: 'active',
          failedStep: null,
          lastError: null,
        });
        const [db] = await stack.pg.query<{ owner: string; acl: string }>(
          `SELECT pg_get_userbyid(datdba) AS owner, datacl::text AS acl FROM pg_database WHERE datname = $1`,
          [`tenant_${slug}`],
        );
        expect(db?.owner).toBe(`tenant_${slug}_owner`);
        // PUBLIC (an entry starting with '=') has nothing; the two groups may connect.
        expect(db?.acl).not.toMatch(/[{,]=/);
        expect(db?.acl).toContain(`tenant_${slug}_app=c/`);
        const [hosts] = await stack.pg.query<{ tableowner: string }>(
          `SELECT tableowner FROM pg_tables WHERE tablename = 'hosts'`,
          [],
          `tenant_${slug}`,
        );
        expect(hosts?.tableowner).toBe(`tenant_${slug}_owner`);
      }
      expect(responder.requests()).toBe(2);
      const activated = events
        .filter((e) => e.kind === 'provisioned')
        .map((e) => [e.slug, e.status])
        .sort();
      expect(activated).toEqual([
        ['alpha', 'active'],
        ['bravo', 'active'],
      ]);
    });

    it('writes both OpenBAO roles per tenant with the documented statements and TTLs, and the generated policies name both tenants', async () => {
      const app = await stack.root.readDatabaseRole('database', 'tenant-alpha-app');
      expect(app).toMatchObject({ dbName: SERVER_NAME, defaultTtl: 3600, maxTtl: 86400 });
      expect(app?.creationStatements.join(' ')).toMatch(
        /VALID UNTIL '\{\{expiration\}\}' IN ROLE "tenant_alpha_app"/,
      );
      expect(app?.revocationStatements.join(' ')).toMatch(
        /pg_terminate_backend[\s\S]*DROP ROLE IF EXISTS "\{\{name\}\}"/,
      );
      expect(await stack.root.readDatabaseRole('database', 'tenant-alpha-owner')).toMatchObject({
        defaultTtl: 600,
        maxTtl: 3600,
      });
      expect(await stack.root.readPolicy('sysmanage-ingest-tenants')).toMatch(
        /database\/creds\/tenant-alpha-app[\s\S]*database\/creds\/tenant-bravo-app/,
      );
      expect(await stack.root.readPolicy('sysmanage-migrator-tenants')).toContain(
        'database/creds/tenant-bravo-owner',
      );
    });

    it('isolation: a leased tenant-alpha-app login does DML in tenant_alpha, no DDL, and is refused by tenant_bravo and postgres', async () => {
      const cred = await ingestBao.generateCredentials('database', 'tenant-alpha-app');
      const client = await loginAs(stack, cred, 'tenant_alpha');
      try {
        const id = randomUUID();
        await client.query(`INSERT INTO hosts (id, hostname, machine_id) VALUES ($1, 'web-1', $2)`, [
          id,
          `m-${id}`,
        ]);
        expect((await client.query('SELECT hostname FROM hosts WHERE id = $1', [id])).rows).toEqual([
          { hostname: 'web-1' },
        ]);
        const ddl = await refusal(client.query('CREATE TABLE sneaky (id int)'));
        expect(ddl.code).toBe('42501');
      } finally {
        await client.end();
      }
      expect((await refusal(loginAs(stack, cred, 'tenant_bravo'))).code).toBe('42501');
      expect((await refusal(loginAs(stack, cred, 'postgres'))).code).toBe('42501');
      // ingest's policy does not reach owner credentials.
      expect(
        (await refusal(ingestBao.generateCredentials('database', 'tenant-alpha-owner'))).message,
      ).toMatch(/403|permission denied/i);
      await stack.root.revokeLease(cred.leaseId);
    });

    it('the provisioner logs in as sysmanage_provisioner: not a superuser, no secret in the logs', async () => {
      const [role] = await stack.pg.query<{
        rolsuper: boolean;
        rolcreatedb: boolean;
        rolcreaterole: boolean;
      }>(`SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'sysmanage_provisioner'`);
      expect(role).toEqual({ rolsuper: false, rolcreatedb: true, rolcreaterole: true });
      expect(logLines.join('\n')).not.toContain(stack.pg.superuserPassword);
    });

    it('suspend cuts off an open session of a leased login and refuses new logins; resume restores both', async () => {
      const cred = await ingestBao.generateCredentials('database', 'tenant-alpha-app');
      const open = await loginAs(stack, cred, 'tenant_alpha');
      const job = await queueJob(stack.registry, nc, tenants['alpha']!, ProvisioningAction.SUSPEND);
      expect(await waitForJob(stack.registry, job.id)).toMatchObject({
        status: 'succeeded',
        step: 'suspend',
      });
      expect(await tenantRow(stack.registry, tenants['alpha']!)).toMatchObject({ status: 'suspended' });
      await refusal(open.query('SELECT 1'));
      // The server ended the session: 57P01 admin_shutdown ("terminating connection due to administrator command").
      expect(sessionErrors.get(open)).toContainEqual(expect.objectContaining({ code: '57P01' }));
      await open.end().catch(() => undefined);
      const denied = await refusal(loginAs(stack, cred, 'tenant_alpha'));
      expect(denied.code).toBe('42501');
      expect(denied.message).toContain('permission denied for database "tenant_alpha"');
      expect(events).toContainEqual(
        expect.objectContaining({ kind: 'suspended', slug: 'alpha', status: 'suspended' }),
      );

      const resume = await queueJob(stack.registry, nc, tenants['alpha']!, ProvisioningAction.RESUME);
      expect(await waitForJob(stack.registry, resume.id)).toMatchObject({
        status: 'succeeded',
        step: 'resume',
      });
      expect(await tenantRow(stack.registry, tenants['alpha']!)).toMatchObject({ status: 'active' });
      const again = await loginAs(stack, cred, 'tenant_alpha');
      expect((await again.query('SELECT count(*)::int AS n FROM hosts')).rows[0].n).toBeGreaterThanOrEqual(1);
      await again.end();
      expect(events).toContainEqual(
        expect.objectContaining({ kind: 'resumed', slug: 'alpha', status: 'active' }),
      );
      await stack.root.revokeLease(cred.leaseId);
    });

    it('deprovision removes the database, the group roles, the leased logins, the OpenBAO roles and the registry rows', async () => {
      const cred = await ingestBao.generateCredentials('database', 'tenant-bravo-app');
      const open = await loginAs(stack, cred, 'tenant_bravo');
      const job = await queueJob(stack.registry, nc, tenants['bravo']!, ProvisioningAction.DEPROVISION);
      expect(await waitForJob(stack.registry, job.id)).toBeNull();
      await open.end().catch(() => undefined);

      expect(await stack.pg.query(`SELECT datname FROM pg_database WHERE datname = 'tenant_bravo'`)).toEqual(
        [],
      );
      expect(
        await stack.pg.query(
          `SELECT rolname FROM pg_roles WHERE rolname IN ('tenant_bravo_owner', 'tenant_bravo_app', $1)`,
          [cred.username],
        ),
      ).toEqual([]);
      expect(await stack.root.readDatabaseRole('database', 'tenant-bravo-app')).toBeNull();
      expect(await stack.root.readDatabaseRole('database', 'tenant-bravo-owner')).toBeNull();
      expect(await stack.root.lookupLease(cred.leaseId)).toBeNull();
      expect(await tenantRow(stack.registry, tenants['bravo']!)).toBeNull();
      expect(
        await stack.registry.getRepository(RegistryPlacement).findOneBy({ tenantId: tenants['bravo']! }),
      ).toBeNull();
      expect(
        await stack.registry.getRepository(RegistryTenantDbVersion).findBy({ tenantId: tenants['bravo']! }),
      ).toEqual([]);
      const policy = await stack.root.readPolicy('sysmanage-ingest-tenants');
      expect(policy).toContain('tenant-alpha-app');
      expect(policy).not.toContain('tenant-bravo-app');
      expect(events).toContainEqual(
        expect.objectContaining({ kind: 'deleted', slug: 'bravo', status: 'deleted' }),
      );
      // tenant alpha is untouched.
      expect(await tenantRow(stack.registry, tenants['alpha']!)).toMatchObject({ status: 'active' });
    });

    it('deprovision with keepDatabase keeps the database (closed) and its group roles', async () => {
      const tenant = await insertPlacedTenant(stack.registry, 'kept', stack.server);
      const provision = await queueJob(stack.registry, nc, tenant.id, ProvisioningAction.PROVISION);
      expect(await waitForJob(stack.registry, provision.id)).toMatchObject({ status: 'succeeded' });
      const job = await queueJob(stack.registry, nc, tenant.id, ProvisioningAction.DEPROVISION, {
        keepDatabase: true,
      });
      expect(await waitForJob(stack.registry, job.id)).toBeNull();
      const [db] = await stack.pg.query<{ owner: string; acl: string }>(
        `SELECT pg_get_userbyid(datdba) AS owner, datacl::text AS acl FROM pg_database WHERE datname = 'tenant_kept'`,
      );
      expect(db?.owner).toBe('tenant_kept_owner');
      expect(db?.acl).not.toContain('tenant_kept_app=');
      expect(await stack.root.readDatabaseRole('database', 'tenant-kept-app')).toBeNull();
      expect(await tenantRow(stack.registry, tenant.id)).toBeNull();
    });

    it('an unreachable database server: retried with backoff, then the tenant is failed at step database with the error', async () => {
      const dead = await stack.registry.getRepository(RegistryDatabaseServer).save({
        name: 'pg-dead',
        host: '127.0.0.1',
        port: 1,
        region: 'eu-central',
        jurisdiction: 'DE',
        capacity: 10,
      });
      await stack.root.kvPut('secret', 'sysmanage/database-servers/pg-dead', {
        username: 'sysmanage_provisioner',
        password: 'irrelevant',
        host: '127.0.0.1',
        port: 1,
      });
      const tenant = await insertPlacedTenant(stack.registry, 'doomed', dead);
      const job = await queueJob(stack.registry, nc, tenant.id, ProvisioningAction.PROVISION);
      const finished = await waitForJob(stack.registry, job.id);
      expect(finished).toMatchObject({ status: 'failed', step: 'database', attempts: 3 });
      expect(finished?.lastError).toMatch(
        /^DATABASE_FAILED: cannot connect to database server pg-dead \(127\.0\.0\.1:1\) database postgres as sysmanage_provisioner: .*ECONNREFUSED/,
      );
      const row = await tenantRow(stack.registry, tenant.id);
      expect(row).toMatchObject({ status: 'failed', failedStep: 'database' });
      expect(row?.lastError).toBe(finished?.lastError);
      expect(events).toContainEqual(
        expect.objectContaining({ kind: 'failed', slug: 'doomed', status: 'failed' }),
      );
      expect(logLines.join('\n')).not.toContain('irrelevant');
    });

    it('a server without its OpenBAO connection fails step openbao naming make provision-bootstrap', async () => {
      const other = await stack.registry.getRepository(RegistryDatabaseServer).save({
        name: 'pg-unbooted',
        host: stack.pg.host,
        port: stack.pg.port,
        region: 'eu-central',
        jurisdiction: 'DE',
        capacity: 10,
      });
      // Same PostgreSQL, credentials copied, but no database/config/pg-unbooted.
      const creds = await stack.root.kvGet('secret', `sysmanage/database-servers/${SERVER_NAME}`);
      await stack.root.kvPut('secret', 'sysmanage/database-servers/pg-unbooted', creds ?? {});
      const tenant = await insertPlacedTenant(stack.registry, 'unbooted', other);
      const job = await queueJob(stack.registry, nc, tenant.id, ProvisioningAction.PROVISION);
      const finished = await waitForJob(stack.registry, job.id);
      expect(finished).toMatchObject({ status: 'failed', step: 'openbao' });
      expect(finished?.lastError).toContain(
        'SERVER_NOT_BOOTSTRAPPED: OpenBAO has no connection database/config/pg-unbooted: run make provision-bootstrap',
      );
    });

    it('drops a command that is not a valid ProvisioningCommand and keeps working', async () => {
      await nc
        .jetstream()
        .publish(PROVISIONING_COMMANDS_SUBJECT, encodeMessage({ jobId: 'nope', action: 'explode' }));
      const tenant = await insertPlacedTenant(stack.registry, 'after_junk', stack.server);
      const job = await queueJob(stack.registry, nc, tenant.id, ProvisioningAction.PROVISION);
      expect(await waitForJob(stack.registry, job.id)).toMatchObject({ status: 'succeeded' });
      expect(logLines.join('\n')).toMatch(/dropping provisioning command: ProvisioningCommand is invalid/);
      expect((await jobRow(stack.registry, job.id))?.attempts).toBe(1);
    });
  },
);
