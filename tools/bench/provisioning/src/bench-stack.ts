import { OpenBaoClient } from '@sysmanage/openbao';
import { createChainDataSource, RegistryDatabaseServer } from '@sysmanage/schema';
import {
  MULTITENANT_SAAS,
  bootstrapDatabaseServer,
  bootstrapOpenBao,
  generateLicenseKeypair,
  signLicense,
} from '@sysmanage/tenancy';
import {
  freePort,
  TestEnvironment,
  writeTestConfig,
  type NatsInstance,
  type OpenBaoInstance,
  type PgInstance,
} from '@sysmanage/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';

export const SERVER_NAME = 'pg-bench';
export const REGISTRY_DB = 'sysmanage_registry';

/**
 * What the benchmark runs against: the harness's scram PostgreSQL, NATS
 * (JetStream) and OpenBAO (dev mode), bootstrapped the way an operator does
 * (bootstrapOpenBao, bootstrapDatabaseServer), one registered database server,
 * and a config per service logging in with that service's own AppRole.
 */
export interface BenchStack {
  env: TestEnvironment;
  pg: PgInstance;
  nats: NatsInstance;
  bao: OpenBaoInstance;
  /** The registry database as the superuser (the bench plays the registry API). */
  registry: DataSource;
  server: RegistryDatabaseServer;
  provisionerConfig: string;
  provisionerPort: number;
  /** Used by `sysmanage-migrate serve` and the fan-out CLI runs. */
  migratorConfig: string;
  migratorPort: number;
  /** A migrator AppRole login: what the migrator leases owner credentials with (for the probes). */
  migratorOpenBao(): Promise<OpenBaoClient>;
  stop(): Promise<void>;
}

function writeLicense(dir: string): { licenseFile: string; licensePublicKeyFile: string } {
  const keys = generateLicenseKeypair();
  const license = signLicense(
    {
      customer: 'provisioning benchmark',
      tiers: [MULTITENANT_SAAS],
      maxTenants: 1000,
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
    },
    keys.privateKeyPem,
  );
  const licenseFile = join(dir, 'license.json');
  const licensePublicKeyFile = join(dir, 'license-public.pem');
  writeFileSync(licenseFile, JSON.stringify(license), { mode: 0o600 });
  writeFileSync(licensePublicKeyFile, keys.publicKeyPem);
  return { licenseFile, licensePublicKeyFile };
}

export async function startBenchStack(log: (line: string) => void): Promise<BenchStack> {
  const env = new TestEnvironment();
  const [pg, nats, bao] = await Promise.all([env.postgres({ name: 'bench' }), env.nats(), env.openBao()]);
  log(`postgres ${pg.version} on :${pg.port} (scram), nats ${nats.servers.join(',')}, openbao ${bao.url}`);
  await pg.createDatabase(REGISTRY_DB);
  const registry = createChainDataSource('registry', pg.clientConfig(REGISTRY_DB));
  await registry.initialize();
  await registry.runMigrations({ transaction: 'each' });

  const root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
  const dir = mkdtempSync(join(tmpdir(), 'sysmanage-bench-'));
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
    capacity: 1000,
  });
  log(`bootstrapped: OpenBAO policies and AppRoles, database server ${SERVER_NAME}`);

  const license = writeLicense(dir);
  const roleId = (service: string): string =>
    readFileSync(join(appRoleDir, `${service}.role-id`), 'utf8').trim();
  const serviceConfig = (service: 'provisioner' | 'migrator', port: number): string =>
    writeTestConfig(
      {
        registry: { instance: pg, database: REGISTRY_DB },
        nats,
        multitenancy: { enabled: true, ...license },
        vault: { url: bao.url },
        apiPorts: { [service]: port },
        loggingLevel: 'info',
      },
      {
        vault: {
          approle: { role_id: roleId(service), secret_id_file: join(appRoleDir, `${service}.secret-id`) },
        },
      },
    );
  const provisionerPort = await freePort();
  const migratorPort = await freePort();
  return {
    env,
    pg,
    nats,
    bao,
    registry,
    server,
    provisionerConfig: serviceConfig('provisioner', provisionerPort),
    provisionerPort,
    migratorConfig: serviceConfig('migrator', migratorPort),
    migratorPort,
    migratorOpenBao: async () => {
      const secretId = readFileSync(join(appRoleDir, 'migrator.secret-id'), 'utf8').trim();
      const login = await root.loginAppRole(roleId('migrator'), secretId);
      return root.withToken(login.token);
    },
    stop: async () => {
      root.close();
      await registry.destroy().catch(() => undefined);
      await env.stopAll();
      // AppRole secret ids and the license live here.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
