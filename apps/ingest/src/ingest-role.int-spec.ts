import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  createEnrollmentToken,
  createStackTenant,
  grantIngestTenants,
  startIngestApp,
  startIngestStack,
  tenantCount,
  waitUntil,
  type IngestStack,
  type StackTenant,
} from './__fixtures__/ingest-stack';
import { AGENT_API_PREFIX } from './agent/agent-body';
import { INGEST_ROLE_ENV } from './ingest-role';

jest.setTimeout(240_000);

/**
 * SYSMANAGE_INGEST_ROLE split across two processes' worth of modules: an
 * `api` ingest accepts agents but writes nothing after registration; a
 * `writer` ingest has no agent API but lands what the api one accepted.
 * Real PostgreSQL (scram), JetStream and OpenBAO, as in agent-routing.
 */
describe('ingest roles: api and writer apart (real PostgreSQL, JetStream, OpenBAO)', () => {
  let stack: IngestStack;
  let tenant: StackTenant;
  let api: INestApplication | undefined;
  let writer: INestApplication | undefined;

  beforeAll(async () => {
    stack = await startIngestStack(['s1']);
    tenant = await createStackTenant(stack, 'roles', 's1');
    await grantIngestTenants(stack, [tenant]);
    api = await startIngestApp(stack, { ...process.env, [INGEST_ROLE_ENV]: 'api' });
  });

  afterAll(async () => {
    await api?.close();
    await writer?.close();
    await stack?.stop();
  });

  it('an api ingest registers and accepts, a writer ingest alone stores what was accepted', async () => {
    const token = await createEnrollmentToken(stack, tenant, 5);
    const registered = await request(api?.getHttpServer())
      .post(`/${AGENT_API_PREFIX}/register`)
      .send({ enrollment_token: token, hostname: 'roles-1', machine_id: 'roles-1' });
    expect(registered.status).toBe(201);
    const sent = await request(api?.getHttpServer())
      .post(`/${AGENT_API_PREFIX}/messages`)
      .set('authorization', `Bearer ${String(registered.body.host_token)}`)
      .send({
        messages: [{ id: 'hb-1', type: 'heartbeat', timestamp: new Date().toISOString(), payload: {} }],
      });
    expect(sent.status).toBe(202);

    // The api ingest runs no writer: the accepted heartbeat waits in the stream.
    await new Promise((done) => setTimeout(done, 2_000));
    expect(await tenantCount(stack, tenant, 'host_heartbeats')).toBe(0);

    writer = await startIngestApp(stack, { ...process.env, [INGEST_ROLE_ENV]: 'writer' });
    await waitUntil(
      'the writer ingest stored the heartbeat',
      async () => (await tenantCount(stack, tenant, 'host_heartbeats')) === 1,
    );
    // ...and serves no agent API.
    const refused = await request(writer.getHttpServer())
      .post(`/${AGENT_API_PREFIX}/messages`)
      .set('authorization', `Bearer ${String(registered.body.host_token)}`)
      .send({ messages: [] });
    expect(refused.status).toBe(404);
    expect((await request(writer.getHttpServer()).get('/health/ready')).status).toBe(200);
  });
});
