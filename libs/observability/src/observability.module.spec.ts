import { Controller, Get, Logger, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { provideHealthCheck } from './health/provide-health-check';
import { createLogger } from './logging/create-logger';
import { PinoLoggerService } from './logging/pino-logger.service';
import { ObservabilityModule } from './observability.module';

// Unit level: the checks are fakes whose health the test flips; the services'
// integration tests run the same module against real PostgreSQL and NATS.
const health = { database: true };

@Controller('things')
class ThingsController {
  private readonly logger = new Logger(ThingsController.name);

  @Get(':id')
  async get(): Promise<{ ok: true }> {
    await new Promise((resolve) => setImmediate(resolve));
    this.logger.log('looked up a thing');
    return { ok: true };
  }
}

const FAKE_DB = Symbol('FAKE_DB');
const fakeDb = {
  ping: async () => {
    if (!health.database) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
  },
};

@Module({
  controllers: [ThingsController],
  providers: [
    { provide: FAKE_DB, useValue: fakeDb },
    provideHealthCheck(FAKE_DB, (db: typeof fakeDb) => ({ name: 'database', check: () => db.ping() })),
  ],
})
class FeatureModule {}

describe('ObservabilityModule', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('unit', 'info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityModule.forRoot({
          service: 'unit',
          logger,
          checks: [{ name: 'nats', check: async () => undefined }],
          readyTimeoutMs: 200,
        }),
        FeatureModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: new PinoLoggerService(logger) });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    lines.length = 0;
    health.database = true;
  });

  it('answers /health/live with 200 {status: ok}', async () => {
    const res = await request(app.getHttpServer()).get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers /health/ready 200 with every check ok, including one registered later', async () => {
    const res = await request(app.getHttpServer()).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { nats: 'ok', database: 'ok' } });
  });

  it('answers /health/ready 503 naming the failed check, and logs the failure', async () => {
    health.database = false;
    const res = await request(app.getHttpServer()).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'error',
      checks: { nats: 'ok', database: 'error: connect ECONNREFUSED 127.0.0.1:1' },
    });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', check: 'database', msg: 'readiness check "database" failed' }),
    );
  });

  it('echoes a sane x-request-id and puts it on every line of the request', async () => {
    const res = await request(app.getHttpServer())
      .get('/things/42?token=s3cret')
      .set('x-request-id', 'abc-123');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('abc-123');

    const handlerLine = lines.find((l) => l['msg'] === 'looked up a thing');
    expect(handlerLine).toMatchObject({ requestId: 'abc-123', context: 'ThingsController', service: 'unit' });
    const access = lines.find((l) => l['msg'] === 'request completed');
    expect(access).toMatchObject({
      requestId: 'abc-123',
      context: 'HttpAccess',
      method: 'GET',
      path: '/things/42',
      route: '/things/:id',
      status: 200,
    });
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });

  it('replaces a missing or unsafe x-request-id with a fresh UUID', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const none = await request(app.getHttpServer()).get('/health/live');
    const unsafe = await request(app.getHttpServer()).get('/health/live').set('x-request-id', 'a b"c');
    expect(none.headers['x-request-id']).toMatch(uuid);
    expect(unsafe.headers['x-request-id']).toMatch(uuid);
    expect(unsafe.headers['x-request-id']).not.toBe(none.headers['x-request-id']);
  });

  it('serves Prometheus text with process metrics and the HTTP metrics by route template', async () => {
    await request(app.getHttpServer()).get('/things/7');
    await request(app.getHttpServer()).get('/no/such/path');
    const res = await request(app.getHttpServer()).get('/metrics');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('process_cpu_user_seconds_total{service="unit"}');
    const series = (name: string) =>
      res.text
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`))
        .map((line) => line.replace(/ [^ ]+$/, ''));
    expect(series('http_requests_total')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/route="\/things\/:id".*status="200"/),
        expect.stringMatching(/route="unmatched".*status="404"/),
      ]),
    );
    expect(series('http_requests_total').every((line) => line.includes('service="unit"'))).toBe(true);
    expect(series('http_request_duration_seconds_bucket')).toContainEqual(
      expect.stringMatching(/le="0.005".*route="\/things\/:id"/),
    );
  });
});

// Last: a second Nest context in one process takes over Nest's static Logger.
describe('provideHealthCheck', () => {
  it('is a no-op in a module graph without ObservabilityModule', async () => {
    const bare = await Test.createTestingModule({ imports: [FeatureModule] }).compile();
    await expect(bare.init()).resolves.toBeDefined();
    await bare.close();
  });
});
