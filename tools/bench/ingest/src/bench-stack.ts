import { OpenBaoClient } from '@sysmanage/openbao';
import { createChainDataSource } from '@sysmanage/schema';
import {
  MULTITENANT_SAAS,
  bootstrapDatabaseServer,
  bootstrapOpenBao,
  writeSelfSignedLicense,
} from '@sysmanage/tenancy';
import {
  builtEntryPoint,
  freePort,
  startBuiltService,
  TestEnvironment,
  writeTestConfig,
  type BuiltService,
  type PgInstance,
} from '@sysmanage/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SERVER_NAME = 'pg-bench';
export const REGISTRY_DB = 'sysmanage_registry';
const CP = '/api/v1/control-plane';

const SERVICES = {
  registry: 'apps/registry',
  provisioner: 'apps/provisioner',
  migrator: 'apps/migrator',
  ingest: 'apps/ingest',
} as const;
type Service = keyof typeof SERVICES;

export interface BenchStackOptions {
  workspace: string;
  /** Extra environment of ingest (SYSMANAGE_INGEST_* settings). */
  ingestEnv: Record<string, string>;
  /** Node flags of ingest (e.g. --cpu-prof). */
  ingestNodeArgs: string[];
  /**
   * Two ingest processes from the same build: SYSMANAGE_INGEST_ROLE=api (the
   * agents' URL) and =writer, instead of one with both roles.
   */
  splitIngest: boolean;
  log: (line: string) => void;
}

/**
 * The deployment the benchmark drives: the harness's scram PostgreSQL (one
 * server holding the registry and every tenant database), NATS (JetStream),
 * OpenBAO (dev mode), bootstrapped as provision-bootstrap does; the built
 * registry, provisioner, migrator (serve) and ingest as processes, each with
 * its own AppRole. Tenants and enrollment tokens go through the registry API.
 */
export interface BenchStack {
  pg: PgInstance;
  /** The NATS server(s) the services use (the floor pipeline uses them too). */
  natsServers: string[];
  ingestUrl: string;
  /** The ingest the agents talk to (role all, or api when split). */
  ingest: BuiltService;
  /** The writer-role ingest when split. */
  ingestWriter: BuiltService | null;
  /** Every ingest process's /metrics. */
  ingestMetricsUrls: string[];
  /** Control-plane request with the operator key; throws unless the status is `expect`. */
  api<T>(method: string, path: string, body: unknown, expect: number): Promise<T>;
  /** Creates tenants `slugs` on the server and waits until every one is active; their ids in order. */
  createTenants(slugs: string[]): Promise<string[]>;
  /** An enrollment token of the tenant (unlimited uses). */
  issueToken(tenantId: string): Promise<string>;
  logDir: string;
  stop(keepLogs: boolean): Promise<void>;
}

function writeLicense(dir: string): { licenseFile: string; licensePublicKeyFile: string } {
  return writeSelfSignedLicense(dir, {
    customer: 'ingest benchmark',
    tiers: [MULTITENANT_SAAS],
    maxTenants: 1000,
    expiresAt: new Date(Date.now() + 30 * 86_400_000),
  });
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const { log } = options;
  const env = new TestEnvironment();
  const dir = mkdtempSync(join(tmpdir(), 'sysmanage-bench-ingest-'));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  const processes: BuiltService[] = [];
  const stop = async (keepLogs: boolean): Promise<void> => {
    for (const p of processes.reverse()) await p.stop();
    await env.stopAll();
    if (keepLogs) {
      // AppRole secret ids live next to the logs: only the logs stay.
      rmSync(join(dir, 'approle'), { recursive: true, force: true });
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const [pg, nats, bao] = await Promise.all([
      env.postgres({ name: 'bench-ingest' }),
      env.nats(),
      env.openBao(),
    ]);
    log(`postgres ${pg.version} on :${pg.port} (scram), nats ${nats.servers.join(',')}, openbao ${bao.url}`);
    await pg.createDatabase(REGISTRY_DB);
    for (const chain of ['registry', 'shared'] as const) {
      const ds = createChainDataSource(chain, pg.clientConfig(REGISTRY_DB));
      await ds.initialize();
      await ds.runMigrations({ transaction: 'each' });
      await ds.destroy();
    }
    const root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
    const appRoleDir = join(dir, 'approle');
    await bootstrapOpenBao({ openBao: root, outDir: appRoleDir });
    await bootstrapDatabaseServer({
      server: { name: SERVER_NAME, host: pg.host, port: pg.port },
      admin: pg.clientConfig(),
      openBao: root,
      registryDatabases: [REGISTRY_DB],
    });
    root.close();

    const license = writeLicense(dir);
    const ports = Object.fromEntries(
      await Promise.all(Object.keys(SERVICES).map(async (s) => [s, await freePort()] as const)),
    ) as Record<Service, number>;
    const operatorKey = `bench-operator-${randomBytes(24).toString('hex')}`;
    const configFor = (service: Service, apiPorts: Record<Service, number> = ports): string =>
      writeTestConfig(
        {
          registry: { instance: pg, database: REGISTRY_DB },
          nats,
          multitenancy: { enabled: true, selfServiceProvisioning: true, ...license },
          vault: { url: bao.url },
          apiPorts,
          loggingLevel: 'warn',
        },
        {
          vault: {
            approle: {
              role_id: readFileSync(join(appRoleDir, `${service}.role-id`), 'utf8').trim(),
              secret_id_file: join(appRoleDir, `${service}.secret-id`),
            },
          },
        },
      );
    const start = (
      service: Service,
      extraEnv: Record<string, string>,
      nodeArgs: string[] = [],
      instance: { name: string; port: number } = { name: service, port: ports[service] },
    ) =>
      startBuiltService({
        name: instance.name,
        main: builtEntryPoint(options.workspace, SERVICES[service]),
        args: [
          ...(service === 'migrator' ? ['serve'] : []),
          '--config',
          configFor(service, { ...ports, [service]: instance.port }),
        ],
        env: { NODE_ENV: 'production', ...extraEnv },
        nodeArgs,
        readyUrl: `http://127.0.0.1:${instance.port}/health/ready`,
        logFile: join(logDir, `${instance.name}.log`),
        cwd: options.workspace,
        readyTimeoutMs: 90_000,
        stopGraceMs: 15_000,
      });
    const writerPort = await freePort();
    const role = (name: string): Record<string, string> =>
      options.splitIngest ? { SYSMANAGE_INGEST_ROLE: name } : {};
    const [registryProcess, provisionerProcess, migratorProcess, ingest, ingestWriter] = await Promise.all([
      start('registry', { SYSMANAGE_BOOTSTRAP_ADMIN_KEY: operatorKey }),
      start('provisioner', {}),
      start('migrator', {}),
      start('ingest', { ...options.ingestEnv, ...role('api') }, options.ingestNodeArgs),
      options.splitIngest
        ? start('ingest', { ...options.ingestEnv, ...role('writer') }, options.ingestNodeArgs, {
            name: 'ingest-writer',
            port: writerPort,
          })
        : Promise.resolve(null),
    ]);
    processes.push(registryProcess, provisionerProcess, migratorProcess, ingest);
    if (ingestWriter) processes.push(ingestWriter);
    log(
      `services ready; ingest pid ${ingest.pid} on :${ports.ingest}` +
        (ingestWriter ? ` (api), ingest-writer pid ${ingestWriter.pid} on :${writerPort}` : ''),
    );

    const registryUrl = `http://127.0.0.1:${ports.registry}`;
    const api = async <T>(method: string, path: string, body: unknown, expect: number): Promise<T> => {
      const res = await fetch(`${registryUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status !== expect) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text === '' ? null : JSON.parse(text)) as T;
    };
    await api(
      'POST',
      `${CP}/database-servers`,
      {
        name: SERVER_NAME,
        host: pg.host,
        port: pg.port,
        region: 'eu',
        jurisdiction: 'EU',
        capacity: 1000,
      },
      201,
    );

    const createTenants = async (slugs: string[]): Promise<string[]> => {
      const ids: string[] = [];
      for (const slug of slugs) {
        const t = await api<{ id: string }>(
          'POST',
          `${CP}/tenants`,
          { slug, name: slug, database_server: SERVER_NAME },
          201,
        );
        ids.push(t.id);
      }
      const deadline = Date.now() + 10 * 60_000;
      for (const id of ids) {
        for (;;) {
          const t = await api<{ status: string; last_error: string | null }>(
            'GET',
            `${CP}/tenants/${id}`,
            undefined,
            200,
          );
          if (t.status === 'active') break;
          if (t.status === 'failed') throw new Error(`tenant ${id} failed: ${t.last_error}`);
          if (Date.now() > deadline) throw new Error(`tenant ${id} not active in time (${t.status})`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      return ids;
    };
    const issueToken = async (tenantId: string): Promise<string> =>
      (
        await api<{ token: string }>(
          'POST',
          `${CP}/tenants/${tenantId}/enrollment-tokens`,
          { label: 'bench' },
          201,
        )
      ).token;

    return {
      pg,
      natsServers: nats.servers,
      ingestUrl: `http://127.0.0.1:${ports.ingest}`,
      ingest,
      ingestWriter,
      ingestMetricsUrls: [ports.ingest, ...(ingestWriter ? [writerPort] : [])].map(
        (port) => `http://127.0.0.1:${port}/metrics`,
      ),
      api,
      createTenants,
      issueToken,
      logDir,
      stop,
    };
  } catch (error) {
    await stop(true).catch(() => undefined);
    throw error;
  }
}
