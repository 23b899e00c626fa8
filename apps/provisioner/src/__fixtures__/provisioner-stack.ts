import {
  MULTITENANT_SAAS,
  bootstrapDatabaseServer,
  bootstrapOpenBao,
  writeSelfSignedLicense,
} from '@sysmanage/tenancy';
import { OpenBaoClient } from '@sysmanage/openbao';
import { createChainDataSource, RegistryDatabaseServer } from '@sysmanage/schema';
import {
  TestEnvironment,
  writeTestConfig,
  type NatsInstance,
  type OpenBaoInstance,
  type PgInstance,
} from '@sysmanage/testing';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { startMigrateResponder, type MigrateResponder } from './migrate-responder';

export const SERVER_NAME = 'pg-main';
export const REGISTRY_DB = 'sysmanage_registry';

/** Real PostgreSQL (scram), NATS and Vault, bootstrapped the way an operator would, plus a multitenant config for the provisioner. */
export interface ProvisionerStack {
  env: TestEnvironment;
  pg: PgInstance;
  nats: NatsInstance;
  bao: OpenBaoInstance;
  /** Root-token client: the test's view of OpenBAO. */
  root: OpenBaoClient;
  /** The registry database (registry chain migrated), as the superuser. */
  registry: DataSource;
  server: RegistryDatabaseServer;
  /** The provisioner's config: multitenancy on, license, AppRole login with the sysmanage-provisioner policy. */
  configPath: string;
  /** AppRole role-id and secret-id files of each service, from bootstrapOpenBao. */
  appRoleDir: string;
  stop(): Promise<void>;
}

function writeLicense(dir: string): { licenseFile: string; licensePublicKeyFile: string } {
  return writeSelfSignedLicense(dir, {
    customer: 'provisioner tests',
    tiers: [MULTITENANT_SAAS],
    maxTenants: 100,
    expiresAt: new Date(Date.now() + 365 * 86_400_000),
  });
}

/**
 * `pgSource: 'embedded'` runs the stack on the embedded PostgreSQL 18 (the
 * development stack's server when none is installed) instead of the machine's
 * 15: role grants differ from 16 on.
 */
export async function startProvisionerStack(
  name: string,
  pgSource: 'auto' | 'machine' | 'embedded' = 'auto',
): Promise<ProvisionerStack> {
  const env = new TestEnvironment();
  const [pg, nats, bao] = await Promise.all([
    env.postgres({ name, source: pgSource }),
    env.nats(),
    env.openBao(),
  ]);
  await pg.createDatabase(REGISTRY_DB);
  const registry = createChainDataSource('registry', pg.clientConfig(REGISTRY_DB));
  await registry.initialize();
  await registry.runMigrations({ transaction: 'each' });

  const root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
  const dir = mkdtempSync(join(tmpdir(), 'sysmanage-provisioner-it-'));
  const appRoleDir = join(dir, 'approle');
  await bootstrapOpenBao({ openBao: root, outDir: appRoleDir });
  await bootstrapDatabaseServer({
    server: { name: SERVER_NAME, host: pg.host, port: pg.port },
    admin: pg.clientConfig(),
    openBao: root,
    registryDatabases: [REGISTRY_DB],
  });
  const server = await registry.getRepository(RegistryDatabaseServer).save({
    name: SERVER_NAME,
    host: pg.host,
    port: pg.port,
    region: 'eu-central',
    jurisdiction: 'DE',
    capacity: 100,
  });

  const license = writeLicense(dir);
  const configPath = writeTestConfig(
    {
      registry: { instance: pg, database: REGISTRY_DB },
      nats,
      multitenancy: { enabled: true, ...license },
      vault: { url: bao.url },
      apiPorts: { provisioner: 0 },
    },
    {
      vault: {
        approle: {
          role_id: readFileSync(join(appRoleDir, 'provisioner.role-id'), 'utf8').trim(),
          secret_id_file: join(appRoleDir, 'provisioner.secret-id'),
        },
      },
    },
  );
  return {
    env,
    pg,
    nats,
    bao,
    root,
    registry,
    server,
    configPath,
    appRoleDir,
    stop: async () => {
      await registry.destroy().catch(() => undefined);
      await env.stopAll();
      // AppRole secret ids and the license live here.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A login for a service's AppRole (as its generated policies allow), for the in-test migrator. */
export async function appRoleClient(
  stack: ProvisionerStack,
  service: 'migrator' | 'ingest',
): Promise<OpenBaoClient> {
  const roleId = readFileSync(join(stack.appRoleDir, `${service}.role-id`), 'utf8').trim();
  const secretId = readFileSync(join(stack.appRoleDir, `${service}.secret-id`), 'utf8').trim();
  const login = await stack.root.loginAppRole(roleId, secretId);
  return stack.root.withToken(login.token);
}

/** The in-test migrator for this stack, leasing owner credentials with the migrator's own AppRole. */
export async function startStackMigrateResponder(
  stack: ProvisionerStack,
  nc: NatsConnection,
): Promise<MigrateResponder> {
  return startMigrateResponder({
    nc,
    openBao: await appRoleClient(stack, 'migrator'),
    registry: stack.registry,
    host: stack.pg.host,
    port: stack.pg.port,
  });
}
