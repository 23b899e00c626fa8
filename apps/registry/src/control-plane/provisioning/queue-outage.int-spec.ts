import type { INestApplication } from '@nestjs/common';
import { NATS_CONNECTION } from '@sysmanage/contracts';
import type { NatsConnection } from 'nats';
import request from 'supertest';
import { ControlPlaneHarness, CP, OPERATOR_KEY } from '../../__fixtures__/control-plane-harness';

jest.setTimeout(60_000);

/**
 * The provisioning queue (NATS JetStream) is down: lifecycle requests must
 * fail loudly with 503 provisioning_unavailable, within the publish timeout,
 * and say the job can be retried, instead of hanging or answering 202 for a
 * command nobody stored.
 */
describe('registry with the provisioning queue down (real NATS stopped)', () => {
  const h = new ControlPlaneHarness();
  let app: INestApplication;

  const op = (req: request.Test) => req.set('authorization', `Bearer ${OPERATOR_KEY}`);
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    await h.setUp();
    app = await h.start({ multitenancy: true });
  });

  afterAll(async () => {
    const nc = app.get<symbol, NatsConnection>(NATS_CONNECTION);
    await h.tearDown();
    // Shutting down with the server gone must still close the client (its reconnect loop would keep the process alive).
    expect(nc.isClosed()).toBe(true);
  });

  it('POST /tenants/{id}/provision answers 503 provisioning_unavailable, fails the job visibly, and readiness reports NATS', async () => {
    const server = await op(http().post(`${CP}/database-servers`)).send({
      name: 'eu-1',
      host: '10.0.0.1',
      port: 5432,
      region: 'eu',
      jurisdiction: 'EU',
      capacity: 10,
    });
    expect(server.status).toBe(201);
    const tenant = await op(http().post(`${CP}/tenants`)).send({ slug: 'outage', name: 'Outage Ltd' });
    expect(tenant.status).toBe(201);
    const id = (tenant.body as { id: string }).id;

    await h.nats.stop();

    const started = Date.now();
    const res = await op(http().post(`${CP}/tenants/${id}/provision`));
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, code: 'provisioning_unavailable' });
    expect(res.body.detail).toMatch(/retry the request/);
    // Bounded by the publish timeout, not by NATS's endless reconnects.
    expect(Date.now() - started).toBeLessThan(20_000);

    // The queue never took the job: it is failed (freeing the one-open-job slot), and the tenant shows why.
    expect(await h.count('registry_provisioning_jobs', `tenant_id = $1 AND status = 'failed'`, [id])).toBe(1);
    expect(await h.count('registry_provisioning_jobs', 'tenant_id = $1', [id])).toBe(1);
    const shown = await op(http().get(`${CP}/tenants/${id}`));
    expect(shown.body).toMatchObject({ status: 'failed', failed_step: 'enqueue' });

    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toMatch(/nats/i);
  });
});
