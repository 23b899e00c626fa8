import { ProvisioningAction } from '@sysmanage/contracts';
import { tenantResourceNames } from '@sysmanage/tenancy';
import type { BuiltService } from '@sysmanage/testing';
import { connect, type NatsConnection } from 'nats';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MigrateResponder } from '../__fixtures__/migrate-responder';
import { buildProvisioner, startProvisionerProcess } from '../__fixtures__/provisioner-process';
import {
  startProvisionerStack,
  startStackMigrateResponder,
  type ProvisionerStack,
} from '../__fixtures__/provisioner-stack';
import { insertPlacedTenant, jobRow, queueJob, tenantRow, waitForJob } from '../__fixtures__/registry-rows';
import { ensureProvisioningConsumer } from './provisioning-consumer';

jest.setTimeout(300_000);

const STEPS = ['reserve', 'database', 'openbao', 'migrate', 'activate'] as const;
const ACK_WAIT_MS = 2_000;
const WORKER_ENV = {
  NODE_ENV: 'test',
  SYSMANAGE_PROVISIONER_ACK_WAIT_MS: String(ACK_WAIT_MS),
  SYSMANAGE_PROVISIONER_MAX_ATTEMPTS: '5',
  SYSMANAGE_PROVISIONER_BACKOFF_BASE_MS: '200',
};

describe('crash recovery: the built provisioner SIGKILLed after each saga step, then restarted', () => {
  let stack: ProvisionerStack;
  let nc: NatsConnection;
  let responder: MigrateResponder;
  let logFile: string;
  const running: BuiltService[] = [];

  beforeAll(async () => {
    buildProvisioner();
    stack = await startProvisionerStack('provisioner-crash');
    nc = await connect({ servers: stack.nats.servers });
    // The stream must exist before the first command is published (a worker creates it too).
    await ensureProvisioningConsumer(nc, { ackWaitMs: ACK_WAIT_MS, maxAttempts: 5 });
    responder = await startStackMigrateResponder(stack, nc);
    logFile = join(mkdtempSync(join(tmpdir(), 'sysmanage-provisioner-crash-')), 'provisioner.log');
  });

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await nc?.close();
    await stack?.stop();
    if (logFile) rmSync(dirname(logFile), { recursive: true, force: true });
  });

  it.each(STEPS)(
    'killed right after step %s: resumes and ends active with one database, one set of roles, one pair of OpenBAO roles',
    async (step) => {
      const slug = `crash_${step}`;
      const names = tenantResourceNames(slug);
      const tenant = await insertPlacedTenant(stack.registry, slug, stack.server);
      const migrationsBefore = responder.requests();

      const crashing = await startProvisionerProcess(
        stack.configPath,
        { ...WORKER_ENV, SYSMANAGE_PROVISIONER_CRASH_AFTER_STEP: step },
        logFile,
      );
      running.push(crashing);
      const job = await queueJob(stack.registry, nc, tenant.id, ProvisioningAction.PROVISION);
      expect(await crashing.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const crashed = await jobRow(stack.registry, job.id);
      expect(crashed).toMatchObject({
        step,
        attempts: 1,
        status: step === 'activate' ? 'succeeded' : 'running',
      });

      const restarted = await startProvisionerProcess(stack.configPath, WORKER_ENV, logFile);
      running.push(restarted);
      try {
        const finished = await waitForJob(stack.registry, job.id, 60_000);
        expect(finished).toMatchObject({ status: 'succeeded', step: 'activate', lastError: null });
        // The redelivery resumed at the recorded step: one more attempt, unless the job had already finished.
        expect(finished?.attempts).toBe(step === 'activate' ? 1 : 2);
      } finally {
        await restarted.stop();
      }

      expect(await tenantRow(stack.registry, tenant.id)).toMatchObject({
        status: 'active',
        failedStep: null,
      });
      expect(
        await stack.pg.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`tenant_${slug}%`]),
      ).toEqual([{ datname: names.databaseName }]);
      const roles = await stack.pg.query<{ rolname: string }>(
        `SELECT rolname FROM pg_roles WHERE rolname LIKE $1 ORDER BY 1`,
        [`tenant_${slug}%`],
      );
      expect(roles.map((r) => r.rolname)).toEqual([names.appRole, names.ownerRole]);
      // Members of the groups: only the provisioner (owner, for CREATE DATABASE); no leftover dynamic login.
      const members = await stack.pg.query<{ grp: string; member: string }>(
        `SELECT g.rolname AS grp, m.rolname AS member FROM pg_auth_members a
         JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
        WHERE g.rolname = ANY($1) ORDER BY 1, 2`,
        [[names.ownerRole, names.appRole]],
      );
      expect(members).toEqual([{ grp: names.ownerRole, member: 'sysmanage_provisioner' }]);
      const vaultRoles = (await stack.root.listDatabaseRoles('database'))
        .filter((r) => r.startsWith(`tenant-${slug}-`))
        .sort();
      expect(vaultRoles).toEqual([names.vaultAppRole, names.vaultOwnerRole]);
      const [migrations] = await stack.pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tenant_migrations`,
        [],
        names.databaseName,
      );
      expect(migrations?.n).toBeGreaterThanOrEqual(1);
      const [hosts] = await stack.pg.query<{ owner: string }>(
        `SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'hosts'`,
        [],
        names.databaseName,
      );
      expect(hosts?.owner).toBe(names.ownerRole);
      // The migrator is asked again only when the crash came after migrate and before activate was recorded.
      expect(responder.requests() - migrationsBefore).toBe(step === 'migrate' ? 2 : 1);
      expect(readFileSync(logFile, 'utf8')).toContain(
        `TEST HOOK: the process kills itself after step ${step}`,
      );
    },
  );

  it('refuses the crash hook without NODE_ENV=test or the explicit flag: the process does not start', async () => {
    const refused = await startProvisionerProcess(
      stack.configPath,
      { ...WORKER_ENV, NODE_ENV: 'production', SYSMANAGE_PROVISIONER_CRASH_AFTER_STEP: 'database' },
      logFile,
    );
    running.push(refused);
    const exit = await refused.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.signal).toBeNull();
    expect(readFileSync(logFile, 'utf8')).toContain(
      'SYSMANAGE_PROVISIONER_CRASH_AFTER_STEP is a test hook: it is honoured only with NODE_ENV=test or SYSMANAGE_PROVISIONER_ALLOW_CRASH_HOOK=true',
    );
  });
});
