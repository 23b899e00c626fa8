import type { LoggingConfig } from '@sysmanage/config';
import { OpenBaoClient } from '@sysmanage/openbao';
import { createChainDataSource } from '@sysmanage/schema';
import {
  buildTestConfig,
  freePort,
  TestEnvironment,
  type NatsInstance,
  type OpenBaoInstance,
  type PgInstance,
} from '@sysmanage/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { stringify } from 'yaml';
import {
  buildPrograms,
  runProgram,
  STACK_SERVICES,
  type ProgramRun,
  type StackService,
} from './built-programs';
import {
  ControlPlaneApi,
  CP,
  type ApiRequestOptions,
  type ApiResponse,
  type Json,
} from './control-plane-api';
import { ServiceProcess, type ServiceExit } from './service-process';

export const REGISTRY_DB = 'sysmanage_registry';
/** The registry's own login: owns the registry database, nothing else (not a superuser). */
export const REGISTRY_USER = 'sysmanage';

/** A PostgreSQL instance tenants can be placed on, as the registry knows it. */
export interface DatabaseServerSpec {
  name: string;
  region: string;
  jurisdiction: string;
  capacity?: number;
}

export interface DatabaseServerHandle extends Required<DatabaseServerSpec> {
  pg: PgInstance;
}

export const DEFAULT_SERVERS: readonly DatabaseServerSpec[] = [
  { name: 'pg-eu', region: 'eu', jurisdiction: 'EU' },
  { name: 'pg-us', region: 'us', jurisdiction: 'US' },
];

export interface MultiTenantStackOptions {
  /** Label of the temp dirs and PostgreSQL instances; default 'e2e'. */
  name?: string;
  /** The database servers, each a harness PostgreSQL of its own; the first also holds the registry database. */
  servers?: readonly DatabaseServerSpec[];
  /** multitenancy.self_service_provisioning; default true (POST /tenants provisions at once). */
  selfServiceProvisioning?: boolean;
  /** Register the servers through POST /database-servers before returning; default true. */
  registerServers?: boolean;
  /** Which services to start; default all four. */
  services?: readonly StackService[];
  /** Extra environment per service (e.g. SYSMANAGE_PROVISIONER_* worker settings, NODE_ENV=test for test hooks). */
  serviceEnv?: Partial<Record<StackService, Record<string, string>>>;
  loggingLevel?: LoggingConfig['level'];
}

/**
 * A whole multi-tenant deployment on this machine, set up the way an operator
 * does it (docs/multitenancy.md), with the built programs:
 *
 *  1. PostgreSQL per database server (scram), NATS (JetStream) and OpenBAO;
 *  2. a license from the license tool (keygen + issue), the registry's login
 *     and database, one config file with multi-tenancy on;
 *  3. provision-bootstrap once per server (policies, AppRoles, the
 *     provisioner's and OpenBAO's PostgreSQL roles, CONNECT taken from PUBLIC);
 *  4. sysmanage-migrate (registry and shared chains; no tenants yet);
 *  5. registry, provisioner, migrator (serve) and ingest as processes, each
 *     logging in to OpenBAO with its own AppRole (environment, as `make start`
 *     does), on free ports, ready on /health/ready;
 *  6. the servers registered through the control-plane API.
 *
 * Differences from `make migrate`/`make start`: OpenBAO is the harness's dev
 * server (root token known), so the bootstrap comes before the first migrate
 * instead of the local OpenBAO `vault.bootstrap` would start.
 */
export interface MultiTenantStack {
  /** Temp dir with everything the services read (config, license, AppRole files) and logs/. */
  readonly dir: string;
  readonly configPath: string;
  readonly appRoleDir: string;
  /** SYSMANAGE_BOOTSTRAP_ADMIN_KEY of the registry: the first operator key. */
  readonly operatorKey: string;
  readonly controlPlane: ControlPlaneApi;
  readonly urls: Readonly<Record<StackService, string>>;
  readonly servers: readonly DatabaseServerHandle[];
  readonly nats: NatsInstance;
  readonly bao: OpenBaoInstance;
  /** Root-token client: the test's (operator's) view of OpenBAO. */
  readonly root: OpenBaoClient;
  /** The registry database as the superuser (the test's view; the services use REGISTRY_USER). */
  readonly registry: DataSource;
  /** A control-plane request; the operator key unless `key` says otherwise (null: none). */
  api<T = Json>(method: string, path: string, opts?: ApiRequestOptions): Promise<ApiResponse<T>>;
  /** A new viewer (read-only) API key. */
  createViewerKey(principal?: string): Promise<string>;
  /** POST /database-servers for every server; the responses in order. */
  registerServers(): Promise<ApiResponse[]>;
  /** The PostgreSQL of a database server, by its registry name. */
  pg(serverName: string): PgInstance;
  service(name: StackService): ServiceProcess;
  /** Every file the fixture wrote for the services to read (config, license, AppRole role/secret ids). */
  serviceFiles(): string[];
  /** The built sysmanage-migrate with this config and the migrator's AppRole. */
  runMigrate(args: string[], env?: Record<string, string>): Promise<ProgramRun>;
  startService(name: StackService): Promise<void>;
  stopService(name: StackService): Promise<ServiceExit | null>;
  killService(name: StackService): Promise<ServiceExit | null>;
  stop(): Promise<void>;
}

function appRoleEnv(appRoleDir: string, service: StackService): Record<string, string> {
  return {
    SYSMANAGE_VAULT_APPROLE_ROLE_ID: readFileSync(join(appRoleDir, `${service}.role-id`), 'utf8').trim(),
    SYSMANAGE_VAULT_APPROLE_SECRET_ID_FILE: join(appRoleDir, `${service}.secret-id`),
  };
}

function expectSuccess(what: string, run: ProgramRun): void {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
}

/** The vendor's side: a keypair (private key outside the services' files) and a MULTITENANT_SAAS license. */
async function issueLicense(vendorDir: string, dir: string): Promise<{ license: string; publicKey: string }> {
  expectSuccess('license keygen', await runProgram('license', ['keygen', '--out-dir', vendorDir], {}));
  const license = join(dir, 'license.json');
  const expires = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  expectSuccess(
    'license issue',
    await runProgram(
      'license',
      [
        'issue',
        ...['--tier', 'MULTITENANT_SAAS', '--customer', 'e2e', '--expires', expires],
        ...['--private-key', join(vendorDir, 'license-private.pem'), '--out', license],
      ],
      {},
    ),
  );
  const publicKey = join(dir, 'license-public.pem');
  writeFileSync(publicKey, readFileSync(join(vendorDir, 'license-public.pem')), { mode: 0o644 });
  return { license, publicKey };
}

function listFiles(dir: string, skip: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === skip ? [] : listFiles(full, skip);
    return [full];
  });
}

export async function startMultiTenantStack(opts: MultiTenantStackOptions = {}): Promise<MultiTenantStack> {
  const label = opts.name ?? 'e2e';
  const specs = (opts.servers ?? DEFAULT_SERVERS).map((s) => ({ capacity: 100, ...s }));
  buildPrograms();

  const env = new TestEnvironment();
  const dir = mkdtempSync(join(tmpdir(), `sysmanage-${label}-`));
  const vendorDir = mkdtempSync(join(tmpdir(), `sysmanage-${label}-vendor-`));
  const logDir = join(dir, 'logs');
  const appRoleDir = join(dir, 'approle');
  mkdirSync(logDir);
  const processes = new Map<StackService, ServiceProcess>();
  let registry: DataSource | null = null;
  const stop = async (): Promise<void> => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
    await registry?.destroy().catch(() => undefined);
    try {
      await env.stopAll();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(vendorDir, { recursive: true, force: true });
    }
  };

  try {
    const [servers, nats, bao, licenseFiles] = await Promise.all([
      Promise.all(
        specs.map(async (s): Promise<DatabaseServerHandle> => ({
          ...s,
          pg: await env.postgres({ name: `${label}-${s.name}` }),
        })),
      ),
      env.nats(),
      env.openBao(),
      issueLicense(vendorDir, dir),
    ]);
    const [first] = servers;
    if (first === undefined) throw new Error('startMultiTenantStack needs at least one database server');
    const home = first.pg;
    const root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });

    // The registry's own login and database (as an operator's DBA would create them).
    const registryPassword = randomBytes(18).toString('base64url');
    await home.query(`CREATE ROLE ${REGISTRY_USER} LOGIN PASSWORD '${registryPassword}'`);
    await home.createDatabase(REGISTRY_DB);
    await home.query(`ALTER DATABASE ${REGISTRY_DB} OWNER TO ${REGISTRY_USER}`);

    const ports = Object.fromEntries(
      await Promise.all(STACK_SERVICES.map(async (s) => [s, await freePort()] as const)),
    ) as Record<StackService, number>;
    const configPath = join(dir, 'sysmanage.yaml');
    const config = buildTestConfig({
      registry: { instance: home, database: REGISTRY_DB, user: REGISTRY_USER, password: registryPassword },
      nats,
      multitenancy: {
        enabled: true,
        selfServiceProvisioning: opts.selfServiceProvisioning ?? true,
        licenseFile: licenseFiles.license,
        licensePublicKeyFile: licenseFiles.publicKey,
      },
      // No credential in the file: each process gets its own AppRole through the environment.
      vault: { url: bao.url },
      apiPorts: ports,
      loggingLevel: opts.loggingLevel ?? 'info',
    });
    writeFileSync(configPath, stringify(config), { mode: 0o600 });

    // provision-bootstrap per server, with the operator's OpenBAO token and PostgreSQL admin URL.
    // The config file names no vault credential, so the run gets the operator's token as
    // SYSMANAGE_VAULT_TOKEN too (loadConfig requires one when multi-tenancy is on).
    for (const server of servers) {
      expectSuccess(
        `provision-bootstrap --server ${server.name}`,
        await runProgram(
          'provision-bootstrap',
          [
            ...['--config', configPath, '--server', server.name, '--out-dir', appRoleDir],
            ...['--pg-host', server.pg.host, '--pg-port', String(server.pg.port)],
          ],
          {
            BAO_TOKEN: bao.rootToken,
            SYSMANAGE_VAULT_TOKEN: bao.rootToken,
            SYSMANAGE_PG_ADMIN_URL: server.pg.url(),
          },
        ),
      );
    }

    const runMigrate = (args: string[], extra: Record<string, string> = {}): Promise<ProgramRun> =>
      runProgram('migrator', ['--config', configPath, ...args], {
        ...appRoleEnv(appRoleDir, 'migrator'),
        ...extra,
      });
    expectSuccess('sysmanage-migrate', await runMigrate([]));

    registry = createChainDataSource('registry', home.clientConfig(REGISTRY_DB));
    await registry.initialize();

    const operatorKey = `e2e-operator-${randomBytes(24).toString('hex')}`;
    const wanted = opts.services ?? STACK_SERVICES;
    for (const name of wanted) {
      const serviceEnv: Record<string, string> = {
        NODE_ENV: 'production',
        ...appRoleEnv(appRoleDir, name),
        ...(name === 'registry' ? { SYSMANAGE_BOOTSTRAP_ADMIN_KEY: operatorKey } : {}),
        ...opts.serviceEnv?.[name],
      };
      processes.set(
        name,
        new ServiceProcess(name, ports[name], configPath, serviceEnv, join(logDir, `${name}.log`)),
      );
    }
    await Promise.all([...processes.values()].map((p) => p.start()));

    const controlPlane = new ControlPlaneApi(`http://127.0.0.1:${ports.registry}`, operatorKey);
    const service = (name: StackService): ServiceProcess => {
      const found = processes.get(name);
      if (found === undefined) throw new Error(`service ${name} is not part of this stack`);
      return found;
    };
    const registerServers = (): Promise<ApiResponse[]> =>
      Promise.all(
        servers.map((s) =>
          controlPlane.request('POST', `${CP}/database-servers`, {
            body: {
              name: s.name,
              host: s.pg.host,
              port: s.pg.port,
              region: s.region,
              jurisdiction: s.jurisdiction,
              capacity: s.capacity,
            },
          }),
        ),
      );
    if (opts.registerServers ?? true) {
      for (const res of await registerServers())
        if (res.status !== 201) throw new Error(`registering a database server: ${res.status} ${res.text}`);
    }

    const urls = Object.fromEntries(STACK_SERVICES.map((s) => [s, `http://127.0.0.1:${ports[s]}`])) as Record<
      StackService,
      string
    >;
    const openRegistry = registry;
    return {
      dir,
      configPath,
      appRoleDir,
      operatorKey,
      controlPlane,
      urls,
      servers,
      nats,
      bao,
      root,
      registry: openRegistry,
      api: (method, path, requestOpts) => controlPlane.request(method, path, requestOpts),
      createViewerKey: (principal = `viewer-${randomBytes(4).toString('hex')}`) =>
        controlPlane.createApiKey(principal, 'viewer'),
      registerServers,
      pg: (serverName) => {
        const found = servers.find((s) => s.name === serverName);
        if (found === undefined) throw new Error(`no database server ${serverName} in this stack`);
        return found.pg;
      },
      service,
      serviceFiles: () => listFiles(dir, 'logs'),
      runMigrate,
      startService: (name) => service(name).start(),
      stopService: (name) => service(name).stop(),
      killService: (name) => service(name).kill(),
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
