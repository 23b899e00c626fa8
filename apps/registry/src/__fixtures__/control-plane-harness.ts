import type { INestApplication } from '@nestjs/common';
import { createChainDataSource } from '@sysmanage/schema';
import { MULTITENANT_SAAS, writeSelfSignedLicense } from '@sysmanage/tenancy';
import {
  freePort,
  TestEnvironment,
  writeTestConfig,
  type NatsInstance,
  type PgInstance,
} from '@sysmanage/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { bootstrap } from '../main';

export const REGISTRY_DB = 'sysmanage_registry';
export const OPERATOR_KEY = 'test-bootstrap-operator-key-0123456789abcdef';
export const CP = '/api/v1/control-plane';

export interface AppOptions {
  multitenancy: boolean;
  selfService?: boolean;
  /** Environment handed to bootstrap; default: the operator bootstrap key. */
  env?: NodeJS.ProcessEnv;
  /** Receives every JSON log line. */
  log?: string[];
}

function writeLicense(): { licenseFile: string; licensePublicKeyFile: string } {
  const year = 365 * 24 * 60 * 60_000;
  return writeSelfSignedLicense(mkdtempSync(join(tmpdir(), 'registry-license-')), {
    customer: 'registry-tests',
    tiers: [MULTITENANT_SAAS],
    expiresAt: new Date(Date.now() + year),
  });
}

/**
 * Real PostgreSQL (registry chain migrated) and NATS for control-plane tests;
 * registry applications started on them with multi-tenancy on or off.
 */
export class ControlPlaneHarness {
  readonly env = new TestEnvironment();
  pg!: PgInstance;
  nats!: NatsInstance;
  private readonly apps: INestApplication[] = [];
  private license!: { licenseFile: string; licensePublicKeyFile: string };

  async setUp(): Promise<void> {
    [this.pg, this.nats] = await Promise.all([this.env.postgres({ name: 'registry-cp' }), this.env.nats()]);
    await this.pg.createDatabase(REGISTRY_DB);
    const ds = createChainDataSource('registry', this.pg.clientConfig(REGISTRY_DB));
    await ds.initialize();
    try {
      await ds.runMigrations();
    } finally {
      await ds.destroy();
    }
    this.license = writeLicense();
  }

  async start(options: AppOptions): Promise<INestApplication> {
    const configPath = writeTestConfig({
      registry: { instance: this.pg, database: REGISTRY_DB },
      nats: this.nats,
      apiPorts: { registry: await freePort() },
      ...(options.multitenancy
        ? {
            multitenancy: {
              enabled: true,
              selfServiceProvisioning: options.selfService ?? false,
              ...this.license,
            },
            vault: { url: 'http://127.0.0.1:1', token: 'unused-dummy-token' },
          }
        : {}),
    });
    const log = options.log ?? [];
    const stderr = new PassThrough();
    const started = await bootstrap(
      ['--config', configPath],
      options.env ?? { SYSMANAGE_BOOTSTRAP_ADMIN_KEY: OPERATOR_KEY },
      { stderr, logDestination: { write: (line: string) => void log.push(line) } },
    );
    if (!started.app) {
      throw new Error(`registry did not start (exit ${started.exitCode}): ${String(stderr.read() ?? '')}`);
    }
    this.apps.push(started.app);
    return started.app;
  }

  async stop(app: INestApplication): Promise<void> {
    this.apps.splice(this.apps.indexOf(app), 1);
    await app.close();
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.apps.splice(0).map((app) => app.close()));
    await this.env.stopAll();
  }

  /** Rows in a registry table (names are constants of the tests). */
  async count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
    const rows = await this.pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
      params,
      REGISTRY_DB,
    );
    return rows[0].n;
  }

  sql<R = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
    return this.pg.query<R>(text, params, REGISTRY_DB);
  }

  /** Mints a key through the API with the operator key. */
  async mintKey(app: INestApplication, principal: string, role: 'operator' | 'viewer'): Promise<string> {
    const res = await request(app.getHttpServer())
      .post(`${CP}/api-keys`)
      .set('authorization', `Bearer ${OPERATOR_KEY}`)
      .send({ principal, role });
    if (res.status !== 201) throw new Error(`minting a key failed: ${res.status} ${res.text}`);
    return (res.body as { key: string }).key;
  }
}
