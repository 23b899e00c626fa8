import type { INestApplication } from '@nestjs/common';
import {
  freePort,
  TestEnvironment,
  writeTestConfig,
  type NatsInstance,
  type PgInstance,
} from '@sysmanage/testing';
import { connect as tcpConnect } from 'node:net';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { RegistryTenant } from '@sysmanage/schema';
import { DataSource } from 'typeorm';
import { bootstrap } from './main';

jest.setTimeout(60_000);

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

describe('provisioner service (real PostgreSQL and NATS)', () => {
  const env = new TestEnvironment();
  const rawLines: string[] = [];
  let pg: PgInstance;
  let nats: NatsInstance;
  let app: INestApplication;

  beforeAll(async () => {
    [pg, nats] = await Promise.all([env.postgres({ name: 'provisioner-svc' }), env.nats()]);
    await pg.createDatabase('sysmanage_registry');
    const configPath = writeTestConfig({
      registry: { instance: pg, database: 'sysmanage_registry' },
      nats,
      apiPorts: { provisioner: await freePort() },
    });

    const started = await bootstrap(
      ['--config', configPath],
      {},
      {
        logDestination: { write: (line: string) => void rawLines.push(line) },
      },
    );
    expect(started.exitCode).toBe(0);
    app = started.app!;
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
    expect(ds.hasMetadata(RegistryTenant)).toBe(true);
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

  it('serves Prometheus metrics including http_requests_total for this service', async () => {
    await http().get('/health/live');
    const res = await http().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /^http_requests_total\{.*route="\/health\/live".*service="provisioner".*\} \d+$/m,
    );
    expect(res.text).toContain('process_resident_memory_bytes');
  });

  it('logs JSON lines, the request id on the request lines', async () => {
    const res = await http().get('/health/live').set('x-request-id', 'provisioner-int-1');
    expect(res.headers['x-request-id']).toBe('provisioner-int-1');

    const lines = rawLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.every((l) => l['service'] === 'provisioner' && typeof l['level'] === 'string')).toBe(true);
    expect(lines).toContainEqual(expect.objectContaining({ context: 'NestApplication', level: 'info' }));
    expect(lines).toContainEqual(
      expect.objectContaining({
        requestId: 'provisioner-int-1',
        msg: 'request completed',
        path: '/health/live',
        status: 200,
      }),
    );
    expect(rawLines.join('\n')).not.toContain(pg.superuserPassword);
  });

  it('does not start the provisioning worker with multitenancy off, and logs why', () => {
    const lines = rawLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        context: 'Provisioning',
        level: 'info',
        msg: 'provisioning worker not started: multitenancy.enabled is false (collapsed mode has one implicit tenant and nothing to provision)',
      }),
    );
    expect(lines.some((l) => l['context'] === 'ProvisioningWorker')).toBe(false);
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
      apiPorts: { provisioner: port },
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
    expect(stderr.text()).toMatch(/^LicensingError: provisioner refuses to start: .*MULTITENANT_SAAS/m);
    expect(logged).toEqual([]);
    expect(await isListening(port)).toBe(false);
  });
});
