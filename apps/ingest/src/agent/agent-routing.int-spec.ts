import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Msg } from 'nats';
import request from 'supertest';
import {
  createEnrollmentToken,
  createStackTenant,
  grantIngestTenants,
  startIngestApp,
  startIngestStack,
  tenantCount,
  tenantQuery,
  waitUntil,
  type IngestStack,
  type StackTenant,
} from '../__fixtures__/ingest-stack';

jest.setTimeout(240_000);

const AGENT = '/api/v1/agent';

/**
 * Multi-tenant routing through the agent API: the real ingest module tree
 * (agent API, tenant databases over OpenBAO app leases, writers) in-process,
 * two tenants on two PostgreSQL servers (scram), NATS JetStream and OpenBAO.
 * The license gate is not part of this test: the app is built from a config
 * object directly.
 */
describe('agent API routing (multi-tenant, real PostgreSQL, JetStream, OpenBAO)', () => {
  let stack: IngestStack;
  let app: INestApplication;
  let a: StackTenant;
  let b: StackTenant;
  const tokens: Record<string, string> = {};
  const published: Msg[] = [];
  const http = () => request(app.getHttpServer());

  const register = (token: string, machineId: string) =>
    http()
      .post(`${AGENT}/register`)
      .send({ enrollment_token: token, hostname: machineId, machine_id: machineId });

  beforeAll(async () => {
    stack = await startIngestStack(['s1', 's2']);
    a = await createStackTenant(stack, 'a', 's1');
    b = await createStackTenant(stack, 'b', 's2');
    await grantIngestTenants(stack, [a, b]);
    tokens['a'] = await createEnrollmentToken(stack, a, 3);
    tokens['b'] = await createEnrollmentToken(stack, b, 10);
    stack.nc.subscribe('sysmanage.ingest.>', { callback: (_err, msg) => void published.push(msg) });
    await stack.nc.flush();

    app = await startIngestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.stop();
  });

  it("lands hosts enrolled with a's token only in tenant_a and b's only in tenant_b", async () => {
    const results = await Promise.all([
      register(tokens['a'] ?? '', 'a-1'),
      register(tokens['a'] ?? '', 'a-2'),
      register(tokens['b'] ?? '', 'b-1'),
    ]);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(results.map((r) => r.body.tenant_id)).toEqual([a.id, a.id, b.id]);
    expect(await tenantQuery(stack, a, 'SELECT machine_id FROM hosts ORDER BY machine_id')).toEqual([
      { machine_id: 'a-1' },
      { machine_id: 'a-2' },
    ]);
    expect(await tenantQuery(stack, b, 'SELECT machine_id FROM hosts')).toEqual([{ machine_id: 'b-1' }]);
  });

  it('counts a use only for a new host: re-registration passes an exhausted token, a new machine does not', async () => {
    expect((await register(tokens['a'] ?? '', 'a-3')).status).toBe(201); // third and last use
    const again = await register(tokens['a'] ?? '', 'a-1');
    expect(again.status).toBe(201);
    expect(again.body.host_id).toBe(
      (await tenantQuery<{ id: string }>(stack, a, `SELECT id FROM hosts WHERE machine_id = 'a-1'`))[0]?.id,
    );
    const refused = await register(tokens['a'] ?? '', 'a-4');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'enrollment_refused' });
    expect(await tenantCount(stack, a, 'hosts')).toBe(3);
  });

  it('a host of tenant b writes only into tenant_b, whatever its body claims', async () => {
    const reg = await register(tokens['b'] ?? '', 'b-2');
    const seen = published.length;
    const res = await http()
      .post(`${AGENT}/messages`)
      .set('authorization', `Bearer ${reg.body.host_token}`)
      .send({
        tenant_id: a.id,
        host_id: randomUUID(),
        messages: [
          {
            id: 'hb-1',
            type: 'heartbeat',
            timestamp: new Date().toISOString(),
            payload: { cpu_percent: 7 },
            tenant_id: a.id,
          },
        ],
      });
    expect(res.status).toBe(202);
    await waitUntil('the message on the wire', async () => published.length > seen, 5_000);
    expect(published.slice(seen).map((m) => m.subject)).toEqual([`sysmanage.ingest.${b.id}.heartbeat`]);
    await waitUntil(
      'the heartbeat in tenant_b',
      async () => (await tenantCount(stack, b, 'host_heartbeats')) === 1,
    );
    expect(await tenantCount(stack, a, 'host_heartbeats')).toBe(0);
  });

  it("answers 503 tenant_unavailable while b's database is down, counting no use; registers after it returns", async () => {
    const usesOf = async () =>
      (
        (await stack.registry.query(`SELECT uses FROM registry_enrollment_tokens WHERE tenant_id = $1`, [
          b.id,
        ])) as {
          uses: number;
        }[]
      )[0]?.uses;
    const before = await usesOf();
    const s2 = stack.servers.get('s2');
    if (!s2) throw new Error('no s2');
    await s2.stop({ keepData: true });
    try {
      const res = await register(tokens['b'] ?? '', 'b-down');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'tenant_unavailable' });
      expect(await usesOf()).toBe(before);
    } finally {
      await s2.start();
    }
    await waitUntil(
      'registration after b returned',
      async () => (await register(tokens['b'] ?? '', 'b-down')).status === 201,
    );
    expect(await usesOf()).toBe((before ?? 0) + 1);
  });
});
