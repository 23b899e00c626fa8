import type { INestApplication } from '@nestjs/common';
import type { DatabaseConfig, SysManageConfig, VaultConfig } from '@sysmanage/config';
import {
  encodeMessage,
  ingestEnvelopeDedupId,
  ingestMessageDedupId,
  ingestSubject,
  type IngestEnvelope,
  type IngestMessage,
} from '@sysmanage/contracts';
import { createLogger, startHttpService } from '@sysmanage/observability';
import { OpenBaoClient } from '@sysmanage/openbao';
import {
  createChainDataSource,
  RegistryDatabaseServer,
  RegistryPlacement,
  RegistryTenant,
} from '@sysmanage/schema';
import {
  bootstrapDatabaseServer,
  bootstrapOpenBao,
  ENROLLMENT_TOKEN_PREFIX,
  generateToken,
  hashToken,
  tokenDisplayPrefix,
  quoteIdent,
  tenantResourceNames,
  writeTenantCredsPolicies,
} from '@sysmanage/tenancy';
import {
  freePort,
  TestEnvironment,
  type NatsInstance,
  type OpenBaoInstance,
  type PgInstance,
} from '@sysmanage/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, headers, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { configureAgentHttp } from '../agent/messages-endpoint';
import { IngestAppModule } from '../app.module';

export const REGISTRY_DB = 'sysmanage_registry';
const DATABASE_MOUNT = 'database';

/** A tenant as the provisioner leaves it: registry rows (active), database, group roles, OpenBAO app role. */
export interface StackTenant {
  id: string;
  slug: string;
  server: string;
  databaseName: string;
}

/**
 * Real PostgreSQL servers (scram), NATS and OpenBAO bootstrapped the way an
 * operator would (provision-bootstrap), the registry on the first server, and
 * tenants created the way the provisioner's saga does, so ingest reaches them
 * only with its own AppRole and `tenant-<slug>-app` leases.
 */
export interface IngestStack {
  env: TestEnvironment;
  servers: Map<string, PgInstance>;
  nats: NatsInstance;
  bao: OpenBaoInstance;
  root: OpenBaoClient;
  registry: DataSource;
  nc: NatsConnection;
  /** `vault:` as ingest's config would have it: AppRole login with the sysmanage-ingest policies. */
  ingestVault: VaultConfig;
  stop(): Promise<void>;
}

export async function startIngestStack(serverNames: readonly string[]): Promise<IngestStack> {
  const env = new TestEnvironment();
  const [nats, bao, ...pgs] = await Promise.all([
    env.nats(),
    env.openBao(),
    ...serverNames.map((name) => env.postgres({ name })),
  ]);
  const servers = new Map(serverNames.map((name, i) => [name, pgs[i] as PgInstance]));
  const main = pgs[0] as PgInstance;
  await main.createDatabase(REGISTRY_DB);
  const registry = createChainDataSource('registry', main.clientConfig(REGISTRY_DB));
  await registry.initialize();
  await registry.runMigrations({ transaction: 'each' });

  const root = new OpenBaoClient({ url: bao.url, token: bao.rootToken });
  const dir = mkdtempSync(join(tmpdir(), 'sysmanage-ingest-it-'));
  const appRoleDir = join(dir, 'approle');
  await bootstrapOpenBao({ openBao: root, outDir: appRoleDir });
  for (const [name, pg] of servers) {
    await bootstrapDatabaseServer({
      server: { name, host: pg.host, port: pg.port },
      admin: pg.clientConfig(),
      openBao: root,
      registryDatabases: pg === main ? [REGISTRY_DB] : [],
    });
    await registry.getRepository(RegistryDatabaseServer).save({
      name,
      host: pg.host,
      port: pg.port,
      region: 'eu-central',
      jurisdiction: 'DE',
      capacity: 1000,
    });
  }
  const nc = await connect({ servers: nats.servers });
  const ingestVault: VaultConfig = {
    url: bao.url,
    approle: {
      roleId: readFileSync(join(appRoleDir, 'ingest.role-id'), 'utf8').trim(),
      secretIdFile: join(appRoleDir, 'ingest.secret-id'),
    },
    mountPath: 'secret',
    databaseMountPath: DATABASE_MOUNT,
  };
  return {
    env,
    servers,
    nats,
    bao,
    root,
    registry,
    nc,
    ingestVault,
    stop: async () => {
      await nc.close().catch(() => undefined);
      await registry.destroy().catch(() => undefined);
      await env.stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the provisioner's steps for one tenant (registry rows active, database, tenant chain, OpenBAO app role). */
export async function createStackTenant(
  stack: IngestStack,
  slug: string,
  serverName: string,
  /** The app role's lease TTLs (the provisioner's are 1h / 24h); short ones make renewal and rotation observable. */
  ttl: { defaultTtl: string; maxTtl: string } = { defaultTtl: '1h', maxTtl: '24h' },
): Promise<StackTenant> {
  const pg = stack.servers.get(serverName);
  const server = await stack.registry
    .getRepository(RegistryDatabaseServer)
    .findOneByOrFail({ name: serverName });
  if (!pg) throw new Error(`no server ${serverName}`);
  const names = tenantResourceNames(slug);
  const [db, owner, app] = [names.databaseName, names.ownerRole, names.appRole].map(quoteIdent);
  await pg.query(`CREATE ROLE ${owner} NOLOGIN`);
  await pg.query(`CREATE ROLE ${app} NOLOGIN`);
  await pg.query(`CREATE DATABASE ${db} OWNER ${owner}`);
  await pg.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
  await pg.query(`GRANT CONNECT ON DATABASE ${db} TO ${owner}, ${app}`);
  // The tenant chain as the owner group (as the migrator's owner lease does), then DML for the app group.
  const tenantDb = createChainDataSource('tenant', {
    ...pg.clientConfig(names.databaseName),
    options: `-c role=${names.ownerRole}`,
  });
  await tenantDb.initialize();
  try {
    await tenantDb.runMigrations({ transaction: 'all' });
    await tenantDb.query(`GRANT USAGE ON SCHEMA public TO ${app}`);
    await tenantDb.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`);
    await tenantDb.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`);
  } finally {
    await tenantDb.destroy();
  }
  await stack.root.writeDatabaseRole(DATABASE_MOUNT, names.vaultAppRole, {
    dbName: serverName,
    creationStatements: [
      `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE ${app};`,
      `ALTER ROLE "{{name}}" SET role = '${names.appRole}';`,
    ],
    revocationStatements: [
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`,
      `DROP ROLE IF EXISTS "{{name}}";`,
    ],
    ...ttl,
  });
  const tenant = await stack.registry
    .getRepository(RegistryTenant)
    .save({ slug, name: `Tenant ${slug}`, status: 'active' as RegistryTenant['status'] });
  await stack.registry.getRepository(RegistryPlacement).insert({
    tenantId: tenant.id,
    serverId: server.id,
    ...names,
    region: server.region,
    jurisdiction: server.jurisdiction,
  });
  return { id: tenant.id, slug, server: serverName, databaseName: names.databaseName };
}

/** The provisioner rewrites the ingest creds policy with every active tenant; the same here. */
export async function grantIngestTenants(stack: IngestStack, tenants: readonly StackTenant[]): Promise<void> {
  await writeTenantCredsPolicies(
    stack.root,
    tenants.map((t) => t.slug),
  );
}

/** Superuser query in a tenant database (the test's view, not ingest's). */
export async function tenantQuery<R = Record<string, unknown>>(
  stack: IngestStack,
  tenant: StackTenant,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const pg = stack.servers.get(tenant.server);
  if (!pg) throw new Error(`no server ${tenant.server}`);
  return pg.query<R>(sql, params, tenant.databaseName);
}

export async function tenantCount(stack: IngestStack, tenant: StackTenant, table: string): Promise<number> {
  const rows = await tenantQuery<{ n: string }>(
    stack,
    tenant,
    `SELECT count(*) AS n FROM ${quoteIdent(table)}`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** A host row as the agent API's registration writes it. */
export async function insertHost(stack: IngestStack, tenant: StackTenant, hostname: string): Promise<string> {
  const id = randomUUID();
  await tenantQuery(stack, tenant, 'INSERT INTO hosts (id, hostname, machine_id) VALUES ($1, $2, $3)', [
    id,
    hostname,
    `machine-${id}`,
  ]);
  return id;
}

/** An IngestMessage as the agent API publishes it. */
export function ingestMessage(
  tenantId: string,
  hostId: string,
  type: string,
  payload: Record<string, unknown>,
  messageId: string = randomUUID(),
): IngestMessage {
  const now = new Date().toISOString();
  return { messageId, tenantId, hostId, type, timestamp: now, receivedAt: now, payload };
}

/**
 * Publishes like the agent API: one IngestEnvelope of the messages (one host, one type) on the tenant's
 * subject, with the envelope's Nats-Msg-Id (`dedupId: false` publishes without it). `legacy: true`
 * publishes each message in the single-message form an earlier ingest published.
 */
export async function publishIngest(
  nc: NatsConnection,
  messages: IngestMessage | readonly IngestMessage[],
  options: { dedupId?: boolean; legacy?: boolean } = {},
): Promise<void> {
  const list = [messages].flat();
  const [first] = list;
  if (first === undefined) return;
  const js = nc.jetstream();
  if (options.legacy === true) {
    for (const message of list) {
      const h = headers();
      if (options.dedupId !== false)
        h.set('Nats-Msg-Id', ingestMessageDedupId(message.hostId, message.messageId));
      await js.publish(ingestSubject(message.tenantId, message.type), encodeMessage(message), { headers: h });
    }
    return;
  }
  const { tenantId, hostId, type, receivedAt } = first;
  const envelope: IngestEnvelope = {
    tenantId,
    hostId,
    type,
    receivedAt,
    messages: list.map(({ messageId, timestamp, payload }) => ({ messageId, timestamp, payload })),
  };
  const h = headers();
  if (options.dedupId !== false) {
    const ids = envelope.messages.map((m) => m.messageId);
    h.set('Nats-Msg-Id', ingestEnvelopeDedupId(hostId, type, ids));
  }
  await js.publish(ingestSubject(tenantId, type), encodeMessage(envelope), { headers: h });
}

/** Polls until `probe` returns true (or fails with the last value it saw). */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 30_000,
  pollMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * The real ingest module tree (IngestAppModule) in-process against the stack,
 * multi-tenant, its registry on the first server; built from a config object,
 * so the license gate is not part of it. `env` picks SYSMANAGE_INGEST_ROLE and
 * the other ingest settings.
 */
export async function startIngestApp(
  stack: IngestStack,
  env: NodeJS.ProcessEnv = process.env,
): Promise<INestApplication> {
  const [main] = stack.servers.values();
  if (!main) throw new Error('the stack has no PostgreSQL server');
  const registryConn = main.clientConfig(REGISTRY_DB);
  const registry: DatabaseConfig = {
    host: main.host,
    port: main.port,
    name: REGISTRY_DB,
    user: String(registryConn.user),
    password: String(registryConn.password),
    ssl: 'disable',
    poolSize: 5,
  };
  const listen = { host: '127.0.0.1', port: await freePort() };
  const config: SysManageConfig = {
    sourcePath: null,
    registry,
    shared: registry,
    sharedIsSeparate: false,
    multitenancy: {
      enabled: true,
      selfServiceProvisioning: false,
      licenseFile: '',
      licensePublicKeyFile: '',
    },
    vault: stack.ingestVault,
    nats: { servers: stack.nats.servers },
    api: { registry: listen, ingest: listen, provisioner: listen, migrator: listen },
    logging: { level: 'warn' },
  };
  const logger = createLogger('ingest', 'warn', { write: () => undefined });
  return startHttpService({
    service: 'ingest',
    logger,
    module: IngestAppModule.forRoot(config, logger, env),
    listen,
    configure: configureAgentHttp,
  });
}

/** An enrollment token of the tenant, written straight into the registry (the registry API is not part of these tests). */
export async function createEnrollmentToken(
  stack: IngestStack,
  tenant: StackTenant,
  maxUses: number,
): Promise<string> {
  const token = generateToken(ENROLLMENT_TOKEN_PREFIX);
  await stack.registry.query(
    `INSERT INTO registry_enrollment_tokens (tenant_id, label, token_hash, prefix, max_uses) VALUES ($1, 'it', $2, $3, $4)`,
    [tenant.id, hashToken(token), tokenDisplayPrefix(token), maxUses],
  );
  return token;
}
