import type { INestApplication } from '@nestjs/common';
import type { ServiceName } from '@sysmanage/config';
import type { ServiceBootstrapFn } from '@sysmanage/observability';
import { connect as tcpConnect } from 'node:net';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { freePort } from '../free-port';
import type { NatsInstance } from '../nats/start-nats';
import type { PgInstance } from '../postgres/pg-instance';
import { TestEnvironment } from '../test-environment';
import { writeTestConfig } from '../config/write-test-config';

/** What a service's own extra tests may read once the shared setup ran. */
export interface ServiceBasicsContext {
  app: () => INestApplication;
  pg: () => PgInstance;
  /** Every JSON log line the running service wrote so far. */
  rawLines: readonly string[];
}

export interface ServiceBasicsOptions {
  /**
   * A registry-chain entity the service must have mapped (e.g. RegistryTenant).
   * Passed in because @sysmanage/schema's own tests depend on this library.
   */
  registryEntity: EntityTarget<ObjectLiteral>;
  /**
   * Service-specific `it` blocks, declared after the database checks and
   * before PostgreSQL is stopped, so they see the startup logs unchanged.
   */
  extraTests?: (ctx: ServiceBasicsContext) => void;
}

/** True when something accepts TCP connections on the port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function captureStderr(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Declares the integration suite every HTTP service shares (health, metrics,
 * JSON logs, readiness while PostgreSQL is down, license refusal) against real
 * PostgreSQL and NATS. The bootstrap is passed in because libs never import apps.
 */
export function describeServiceBasics(
  service: ServiceName,
  bootstrap: ServiceBootstrapFn,
  opts: ServiceBasicsOptions,
): void {
  describe(`${service} service (real PostgreSQL and NATS)`, () => {
    const env = new TestEnvironment();
    const rawLines: string[] = [];
    const requestId = `${service}-int-1`;
    let pg: PgInstance;
    let nats: NatsInstance;
    let app: INestApplication;

    beforeAll(async () => {
      [pg, nats] = await Promise.all([env.postgres({ name: `${service}-svc` }), env.nats()]);
      await pg.createDatabase('sysmanage_registry');
      const configPath = writeTestConfig({
        registry: { instance: pg, database: 'sysmanage_registry' },
        nats,
        apiPorts: { [service]: await freePort() },
      });

      const started = await bootstrap(
        ['--config', configPath],
        {},
        {
          logDestination: { write: (line: string) => void rawLines.push(line) },
        },
      );
      expect(started.exitCode).toBe(0);
      if (started.app === null) throw new Error(`${service} did not start (exit code ${started.exitCode})`);
      app = started.app;
    });

    afterAll(async () => {
      await app?.close();
      await env.stopAll();
    });

    const http = () => request(app.getHttpServer());

    it('answers /health/live 200', async () => {
      const res = await http().get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('answers /health/ready 200 with the database and NATS checks ok', async () => {
      const res = await http().get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', nats: 'ok' } });
    });

    it('connects to the registry database with the registry-chain entities, never synchronizing or migrating', async () => {
      const ds = app.get(DataSource);
      expect(ds.isInitialized).toBe(true);
      expect(ds.hasMetadata(opts.registryEntity)).toBe(true);
      expect(ds.options).toMatchObject({
        synchronize: false,
        migrationsRun: false,
        database: 'sysmanage_registry',
      });
      // Nothing created a table behind the migrator's back.
      expect(await ds.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).toEqual([
        { n: 0 },
      ]);
    });

    opts.extraTests?.({ app: () => app, pg: () => pg, rawLines });

    it('serves Prometheus metrics including http_requests_total for this service', async () => {
      await http().get('/health/live');
      const res = await http().get('/metrics');
      expect(res.status).toBe(200);
      const counterLine = new RegExp(
        `^http_requests_total\\{.*route="\\/health\\/live".*service="${service}".*\\} \\d+$`,
        'm',
      );
      expect(res.text).toMatch(counterLine);
      expect(res.text).toContain('process_resident_memory_bytes');
    });

    it('logs JSON lines, the request id on the request lines', async () => {
      const res = await http().get('/health/live').set('x-request-id', requestId);
      expect(res.headers['x-request-id']).toBe(requestId);

      const lines = rawLines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.every((l) => l['service'] === service && typeof l['level'] === 'string')).toBe(true);
      expect(lines).toContainEqual(expect.objectContaining({ context: 'NestApplication', level: 'info' }));
      expect(lines).toContainEqual(
        expect.objectContaining({
          requestId,
          msg: 'request completed',
          path: '/health/live',
          status: 200,
        }),
      );
      expect(rawLines.join('\n')).not.toContain(pg.superuserPassword);
    });

    it('turns not ready (503, naming the database) while PostgreSQL is down, stays live, and recovers', async () => {
      await pg.stop({ keepData: true });
      try {
        const down = await http().get('/health/ready');
        expect(down.status).toBe(503);
        expect(down.body.status).toBe('error');
        expect(down.body.checks.nats).toBe('ok');
        expect(down.body.checks.database).toMatch(/^error: .+/);
        expect((await http().get('/health/live')).status).toBe(200);
      } finally {
        await pg.start();
      }
      const up = await http().get('/health/ready');
      expect(up.status).toBe(200);
      expect(up.body.checks).toEqual({ database: 'ok', nats: 'ok' });
    });

    it('refuses to start with multitenancy enabled and no license: exit code, LicensingError, nothing listening', async () => {
      const port = await freePort();
      const configPath = writeTestConfig({
        registry: pg,
        nats,
        multitenancy: { enabled: true },
        vault: { url: 'http://127.0.0.1:1', token: 'unused-token' },
        apiPorts: { [service]: port },
      });
      const stderr = captureStderr();
      const logged: string[] = [];

      const refused = await bootstrap(
        ['--config', configPath],
        {},
        {
          stderr: stderr.stream,
          logDestination: { write: (line: string) => void logged.push(line) },
        },
      );

      expect(refused.app).toBeNull();
      expect(refused.exitCode).toBe(3);
      expect(stderr.text()).toMatch(
        new RegExp(`^LicensingError: ${service} refuses to start: .*MULTITENANT_SAAS`, 'm'),
      );
      expect(logged).toEqual([]);
      expect(await isListening(port)).toBe(false);
    });
  });
}
